from django.db import migrations

from lms.migration_ops import DJANGO_Q_SCHEDULES, interval_schedules


class Migration(migrations.Migration):
    dependencies = [("live", "0001_initial"), DJANGO_Q_SCHEDULES]

    operations = [
        interval_schedules(
            [
                ("live: watchdog of ingest and lectures", "live.tasks.watchdog", 1),
                ("live: lecture reminders", "live.tasks.reminders", 1),
            ]
        )
    ]
