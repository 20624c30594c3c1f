import pytest
from django.contrib.auth.models import Group
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from academies.models import HeadquartersPage, IndustryAcademyPage, TrainingBasePage
from academies.services import unit_provision
from lms.models import HomePage
from tests.academies.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq():
    return make_unit(HomePage.objects.get(), HeadquartersPage, "吉林省工匠学院总部")


def test_new_academy_gets_collection_and_groups(hq):
    academy = make_unit(hq, IndustryAcademyPage, "吉林省新能源工匠学院", industry="新能源")

    assert academy.collection.name == "吉林省新能源工匠学院"
    assert academy.collection.get_parent() == hq.collection
    assert academy.admin_group.name == "吉林省新能源工匠学院 管理员"
    assert academy.lecturer_group.name == "吉林省新能源工匠学院 讲师"
    page_perms = set(
        GroupPagePermission.objects.filter(group=academy.admin_group).values_list(
            "page_id", "permission__codename"
        )
    )
    assert page_perms == {
        (academy.pk, codename)
        for codename in ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
    }
    collections = set(
        GroupCollectionPermission.objects.filter(group=academy.admin_group).values_list(
            "collection_id", flat=True
        )
    )
    assert collections == {academy.collection_id}
    assert academy.admin_group.permissions.filter(codename="access_admin").exists()
    assert not GroupPagePermission.objects.filter(group=academy.lecturer_group).exists()


def test_base_collection_nests_under_its_academy(hq):
    academy = make_unit(hq, IndustryAcademyPage, "吉林省新装备工匠学院", industry="新装备")
    base = make_unit(academy, TrainingBasePage, "汽车工业实训基地")
    direct = make_unit(hq, TrainingBasePage, "吉林省精益工匠示范培育基地")

    assert base.collection.get_parent() == academy.collection
    assert direct.collection.get_parent() == hq.collection
    assert hq.collection.get_parent() == Collection.get_first_root_node()


def test_provisioning_is_idempotent(hq):
    academy = make_unit(hq, IndustryAcademyPage, "吉林省新材料工匠学院", industry="新材料")
    counts = (
        Group.objects.count(),
        Collection.objects.count(),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
    )
    unit_provision(page=academy)
    academy.save_revision().publish()
    assert counts == (
        Group.objects.count(),
        Collection.objects.count(),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
    )


def test_same_title_in_two_places_gets_distinct_groups(hq):
    first = make_unit(hq, IndustryAcademyPage, "吉林省新旅游工匠学院", industry="新旅游")
    second = make_unit(hq, TrainingBasePage, "培训基地")
    third = make_unit(first, TrainingBasePage, "培训基地")
    assert second.admin_group != third.admin_group
    assert third.admin_group.name.endswith(f"#{third.pk}")
