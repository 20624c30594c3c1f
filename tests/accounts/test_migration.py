"""Moving the learner models from `courses` to `accounts` keeps every row: an existing
database with learners, profiles and codes upgrades with nothing lost."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import LearnerProfile, VerificationCode

BEFORE = [("courses", "0003_alter_coursepage_description_and_more"), ("accounts", None)]


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_upgrades_with_its_learners_profiles_and_codes():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state([BEFORE[0]]).apps
    User = old.get_model("auth", "User")
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    learner = User.objects.create(username="13800138000", first_name="李明")
    old.get_model("courses", "LearnerProfile").objects.create(
        user=learner,
        real_name="李明",
        work_unit="吉林化纤集团",
        union_card_number="22010012345",
        phone_verified=True,
    )
    old.get_model("courses", "VerificationCode").objects.create(
        phone="13800138000",
        purpose="password_reset",
        code_hash="pbkdf2$hash",
        expires_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
        attempts=2,
    )
    profile_type, _ = ContentType.objects.get_or_create(app_label="courses", model="learnerprofile")
    Permission.objects.get_or_create(
        content_type=profile_type, codename="view_learnerprofile", name="Can view learner profile"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    profile = LearnerProfile.objects.get(user__username="13800138000")
    assert (profile.real_name, profile.work_unit, profile.union_card_number) == (
        "李明",
        "吉林化纤集团",
        "22010012345",
    )
    assert profile.phone_verified
    code = VerificationCode.objects.get(phone="13800138000")
    assert (code.purpose, code.code_hash, code.attempts) == ("password_reset", "pbkdf2$hash", 2)
    # The permission (and whoever holds it) follows the model to its new app.
    from django.contrib.auth.models import Permission as NewPermission

    moved = NewPermission.objects.get(codename="view_learnerprofile")
    assert moved.content_type.app_label == "accounts"
    assert moved.content_type.model_class() is LearnerProfile
