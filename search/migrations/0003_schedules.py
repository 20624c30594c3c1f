from django.db import migrations

from lms.migration_ops import DJANGO_Q_SCHEDULES, interval_schedules


class Migration(migrations.Migration):
    dependencies = [("search", "0002_embedded_fulltext"), DJANGO_Q_SCHEDULES]

    operations = [
        interval_schedules(
            [
                ("search: apply waiting index changes", "search.tasks.index_drain", 1),
                ("search: refresh course popularity", "search.tasks.popularity_refresh", 60),
            ]
        )
    ]
