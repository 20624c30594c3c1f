"""人员管理: admins appoint and remove the staff of the units below them, no superuser."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from academies.models import HeadquartersPage, IndustryAcademyPage, TrainingBasePage
from academies.selectors import staff_units
from lms.models import AuditAction, AuditEntry
from tests.courses.conftest import unit_slice, units  # noqa: F401
from tests.courses.factories import make_learner, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(units):  # noqa: F811
    return {
        "hq": HeadquartersPage.objects.get(),
        "energy": IndustryAcademyPage.objects.get(slug="new-energy"),
        "materials": IndustryAcademyPage.objects.get(slug="new-materials"),
        "pv": TrainingBasePage.objects.get(slug="pv-base"),
    }


def appoint(client, unit, **data):
    return client.post(reverse("academies_admin:staff_unit", args=[unit.pk]), data)


def members(group):
    return set(get_user_model().objects.filter(groups=group).values_list("username", flat=True))


def test_each_admin_manages_the_units_below_and_the_lecturers_of_their_own(tree):
    hq = {item.unit.pk: item.admins_editable for item in staff_units(user=user("hq_admin"))}
    assert hq[tree["hq"].pk] is False
    assert hq[tree["energy"].pk] is hq[tree["materials"].pk] is hq[tree["pv"].pk] is True
    energy = {
        item.unit.pk: item.admins_editable for item in staff_units(user=user("new_energy_admin"))
    }
    assert energy == {tree["energy"].pk: False, tree["pv"].pk: True}
    assert staff_units(user=make_learner("13900000031")) == []


def test_headquarters_appoints_the_admin_of_an_academy(client, tree):
    client.force_login(user("hq_admin"))
    worker = make_learner("13900000032", name="孙海峰")
    response = appoint(client, tree["materials"], kind="admins", account="139 0000 0032")
    assert response.status_code == 302
    assert "13900000032" in members(tree["materials"].admin_group)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor.username, entry.unit_id) == (
        AuditAction.MEMBER_ADDED,
        "hq_admin",
        tree["materials"].pk,
    )
    assert "孙海峰" in entry.subject
    # The new admin reaches the admin and their academy's dashboard at once.
    client.force_login(worker)
    page = client.get(reverse("dashboards:index"))
    assert page.status_code == 200
    assert page.context["board"].unit["pk"] == tree["materials"].pk


def test_an_account_is_made_for_someone_without_one(client, tree):
    client.force_login(user("hq_admin"))
    response = appoint(client, tree["energy"], kind="lecturers", account="13900000033")
    assert response.status_code == 200
    assert "没有找到" in response.content.decode()
    response = appoint(
        client,
        tree["energy"],
        kind="lecturers",
        account="13900000033",
        name="刘工",
        password="Gongjiang#2026",
    )
    assert response.status_code == 302, response.context["form"].errors
    assert "13900000033" in members(tree["energy"].lecturer_group)
    response = appoint(
        client, tree["energy"], kind="lecturers", account="12345", name="刘工", password="x"
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="12345").exists()


def test_never_above_or_beside_ones_own_unit(client, tree):
    client.force_login(user("new_energy_admin"))
    target = make_learner("13900000034")
    for unit, kind in [
        (tree["energy"], "admins"),  # their own unit's admins
        (tree["materials"], "admins"),  # beside
        (tree["materials"], "lecturers"),
        (tree["hq"], "admins"),  # above
    ]:
        response = appoint(client, unit, kind=kind, account=target.username)
        assert response.status_code in (200, 302)
        assert target.username not in members(unit.admin_group) | members(unit.lecturer_group)
    # Nor remove anyone there.
    hq_admin = user("hq_admin")
    url = reverse("academies_admin:staff_remove", args=[tree["hq"].pk, "admins", hq_admin.pk])
    client.post(url)
    assert "hq_admin" in members(tree["hq"].admin_group)
    # Their base: allowed.
    assert appoint(client, tree["pv"], kind="admins", account=target.username).status_code == 302
    assert target.username in members(tree["pv"].admin_group)


def test_removing_someone_is_logged(client, tree):
    client.force_login(user("hq_admin"))
    url = reverse(
        "academies_admin:staff_remove",
        args=[tree["energy"].pk, "admins", user("new_energy_admin").pk],
    )
    assert client.post(url).status_code == 302
    assert "new_energy_admin" not in members(tree["energy"].admin_group)
    assert AuditEntry.objects.get().action == AuditAction.MEMBER_REMOVED
