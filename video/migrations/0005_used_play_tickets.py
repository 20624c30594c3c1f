from django.db import migrations, models

from lms.migration_ops import DJANGO_Q_SCHEDULES, interval_schedules


class Migration(migrations.Migration):
    dependencies = [("video", "0004_caption_files"), DJANGO_Q_SCHEDULES]

    operations = [
        migrations.CreateModel(
            name="UsedPlayTicket",
            fields=[
                ("nonce", models.UUIDField(primary_key=True, serialize=False)),
                ("used_at", models.DateTimeField(db_index=True)),
            ],
            options={
                "verbose_name": "used play ticket",
                "verbose_name_plural": "used play tickets",
            },
        ),
        interval_schedules(
            [("video: forget used play tickets", "video.tasks.forget_play_tickets", 60)]
        ),
    ]
