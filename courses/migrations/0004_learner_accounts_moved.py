"""LearnerProfile and VerificationCode now belong to `accounts` (their tables stay)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0003_alter_coursepage_description_and_more'),
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='learnerprofile',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='VerificationCode',
                ),
                migrations.DeleteModel(
                    name='LearnerProfile',
                ),

            ],
            database_operations=[],
        ),
    ]
