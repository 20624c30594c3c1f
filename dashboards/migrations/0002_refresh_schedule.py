from django.db import migrations

from lms.migration_ops import DJANGO_Q_SCHEDULES, interval_schedules


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_initial"), DJANGO_Q_SCHEDULES]

    operations = [
        interval_schedules(
            [("dashboards: refresh the figures", "dashboards.tasks.refresh_figures", 15)]
        )
    ]
