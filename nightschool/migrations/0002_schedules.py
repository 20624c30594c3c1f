from django.db import migrations
from django.utils import timezone

SCHEDULES = [
    # (name, func, minutes)
    ("nightschool: lapse seat offers past their deadline", "nightschool.tasks.offers_expire_due", 1),
    ("nightschool: class reminders", "nightschool.tasks.reminders_send_due", 5),
    ("nightschool: record no-shows", "nightschool.tasks.sessions_close_due", 15),
]


def create_schedules(apps, schema_editor):
    """Idempotent: a schedule is matched by its function and put back as it should be."""
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func, minutes in SCHEDULES:
        Schedule.objects.filter(func=func).exclude(name=name).delete()
        Schedule.objects.update_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": "I",
                "minutes": minutes,
                "repeats": -1,
                "next_run": timezone.now(),
            },
        )


def delete_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(func__in=[func for _, func, _ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("nightschool", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
