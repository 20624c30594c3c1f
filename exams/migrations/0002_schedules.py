from django.db import migrations

from lms.migration_ops import DJANGO_Q_SCHEDULES, interval_schedules


class Migration(migrations.Migration):
    dependencies = [("exams", "0001_initial"), DJANGO_Q_SCHEDULES]

    operations = [
        interval_schedules(
            [("exams: hand in attempts whose time is up", "exams.tasks.attempts_submit_overdue", 1)]
        )
    ]
