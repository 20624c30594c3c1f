from django.db import migrations
from django.utils import timezone

SCHEDULES = [
    # (name, func, minutes)
    ("search: apply waiting index changes", "search.tasks.index_drain", 1),
    ("search: refresh course popularity", "search.tasks.popularity_refresh", 60),
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
        ("search", "0002_embedded_fulltext"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
