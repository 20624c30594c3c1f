from django.db import migrations

from lms.migration_ops import DJANGO_Q_SCHEDULES, interval_schedules


class Migration(migrations.Migration):
    dependencies = [("nightschool", "0001_initial"), DJANGO_Q_SCHEDULES]

    operations = [
        interval_schedules(
            [
                (
                    "nightschool: lapse seat offers past their deadline",
                    "nightschool.tasks.offers_expire_due",
                    1,
                ),
                ("nightschool: class reminders", "nightschool.tasks.reminders_send_due", 5),
                ("nightschool: record no-shows", "nightschool.tasks.sessions_close_due", 15),
            ]
        )
    ]
