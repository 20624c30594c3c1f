"""Operations shared by the apps' migrations."""

from django.db import migrations
from django.utils import timezone

DJANGO_Q_SCHEDULES = ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more")


def interval_schedules(schedules: list[tuple[str, str, int]]) -> migrations.RunPython:
    """Repeating django-q2 schedules, each `(name, dotted function, minutes)`.

    Idempotent: a schedule is matched by its function and put back as it should be;
    reversing the migration removes them."""

    def create(apps, schema_editor):
        Schedule = apps.get_model("django_q", "Schedule")
        for name, func, minutes in schedules:
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

    def delete(apps, schema_editor):
        Schedule = apps.get_model("django_q", "Schedule")
        Schedule.objects.filter(func__in=[func for _, func, _ in schedules]).delete()

    return migrations.RunPython(create, delete)
