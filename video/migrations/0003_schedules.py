from django.db import migrations

from lms.migration_ops import DJANGO_Q_SCHEDULES, interval_schedules


class Migration(migrations.Migration):
    dependencies = [("video", "0002_job_fencing"), DJANGO_Q_SCHEDULES]

    operations = [
        interval_schedules(
            [
                ("video: watchdog", "video.tasks.watchdog", 1),
                ("video: sweep expired uploads", "video.tasks.sweep_uploads", 60),
            ]
        )
    ]
