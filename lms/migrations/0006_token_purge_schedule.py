from django.db import migrations

from lms.migration_ops import DJANGO_Q_SCHEDULES, interval_schedules


class Migration(migrations.Migration):
    dependencies = [("lms", "0005_apptoken"), DJANGO_Q_SCHEDULES]

    operations = [
        interval_schedules([("lms: delete expired app log-ins", "lms.tasks.tokens_purge_expired", 60)])
    ]
