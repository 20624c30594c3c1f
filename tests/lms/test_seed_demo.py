import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Revision,
)

from academies.models import HeadquartersPage, IndustryAcademyPage, TrainingBasePage

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "pages": list(Page.objects.order_by("pk").values_list("pk", "path", "live_revision_id")),
        "revisions": Revision.objects.count(),
        "users": list(get_user_model().objects.order_by("pk").values_list("username", "password")),
        "groups": Group.objects.count(),
        "collections": Collection.objects.count(),
        "page_perms": GroupPagePermission.objects.count(),
        "collection_perms": GroupCollectionPermission.objects.count(),
    }


def test_seed_builds_the_real_hierarchy_and_prints_logins(capsys):
    call_command("seed_demo")
    output = capsys.readouterr().out
    assert HeadquartersPage.objects.get().title == "吉林省工匠学院总部"
    assert set(IndustryAcademyPage.objects.values_list("title", flat=True)) == {
        "吉林省新能源工匠学院",
        "吉林省新旅游工匠学院",
        "吉林省新农业工匠学院",
        "吉林省新电商工匠学院",
        "吉林省新材料工匠学院",
        "吉林省新装备工匠学院",
    }
    assert str(IndustryAcademyPage.objects.get(slug="new-energy").founded_on) == "2023-02-27"
    assert TrainingBasePage.objects.count() >= 6
    assert {"吉林省精益工匠示范培育基地", "吉林省职业技能竞赛示范基地", "辽源工匠学院"} <= set(
        TrainingBasePage.objects.values_list("title", flat=True)
    )
    for username in ("admin", "new_energy_admin", "new_equipment_admin", "lecturer", "learner"):
        assert username in output
    assert "gongjiang2026" in output
    lecturer = get_user_model().objects.get(username="lecturer")
    assert (
        lecturer.groups.get() == IndustryAcademyPage.objects.get(slug="new-energy").lecturer_group
    )


def test_second_run_changes_nothing():
    call_command("seed_demo", verbosity=0)
    first = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == first
