"""The learner's profile and verification codes move here from `courses`, keeping their
tables: only Django's idea of which app owns them changes (and their content types, so
permissions granted on them stay)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("learnerprofile", "verificationcode")


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="courses", model__in=MODELS).update(app_label="accounts")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="accounts", model__in=MODELS).update(app_label="courses")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0003_alter_coursepage_description_and_more"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='LearnerProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('real_name', models.CharField(max_length=30, verbose_name='real name')),
                        ('work_unit', models.CharField(max_length=120, verbose_name='work unit')),
                        ('union_card_number', models.CharField(blank=True, max_length=30, verbose_name='union membership card number')),
                        ('phone_verified', models.BooleanField(default=False, verbose_name='mobile number verified')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registered at')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='learner_profile', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'learner profile',
                        'verbose_name_plural': 'learner profiles',
                        'db_table': 'courses_learnerprofile',
                    },
                ),
                migrations.CreateModel(
                    name='VerificationCode',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('phone', models.CharField(db_index=True, max_length=11)),
                        ('purpose', models.CharField(choices=[('password_reset', 'Password reset')], max_length=30)),
                        ('code_hash', models.CharField(max_length=128)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('expires_at', models.DateTimeField()),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('used_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'verbose_name': 'verification code',
                        'verbose_name_plural': 'verification codes',
                        'db_table': 'courses_verificationcode',
                        'indexes': [models.Index(fields=['phone', 'purpose', '-created_at'], name='courses_ver_phone_294db1_idx')],
                    },
                ),

            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
