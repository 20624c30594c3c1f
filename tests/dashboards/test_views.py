"""The dashboard in the admin: who sees which unit, exports, the refresh button."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from courses.models import CoursePage
from dashboards.services import figures_refresh
from lms.figures import Figure, register_figure_provider, unregister_figure_provider
from lms.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db
URL = reverse("dashboards:index")


def refused(response) -> bool:
    """Wagtail answers a refused admin request with a redirect to the admin's home."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    )


def test_an_academy_admin_sees_their_academy_and_nothing_beside_it(client, scene, new_energy_admin):
    figures_refresh()
    client.force_login(new_energy_admin)
    response = client.get(URL)
    assert response.status_code == 200
    board = response.context["board"]
    assert board.unit["pk"] == scene.new_energy.pk
    assert "新材料检测技术" not in response.content.decode()
    assert [unit["pk"] for unit in board.trail] == [scene.new_energy.pk]
    # Another academy, or the headquarters above: refused, even by typing the id.
    for unit in (scene.new_materials, scene.hq):
        assert refused(client.get(URL, {"unit": unit.pk}))
    assert refused(
        client.get(reverse("dashboards:export", args=["courses"]), {"unit": scene.hq.pk})
    )
    # Their base: allowed, a drill-down.
    assert client.get(URL, {"unit": scene.pv_base.pk}).status_code == 200


def test_a_learner_has_no_dashboard(client, scene):
    client.force_login(scene.li)
    assert client.get(URL).status_code == 302


def test_headquarters_drills_down_from_the_whole_system(client, scene, hq_admin):
    figures_refresh()
    client.force_login(hq_admin)
    page = client.get(URL).content.decode()
    assert "吉林省新能源工匠学院" in page and "吉林省新材料工匠学院" in page
    assert f"unit={scene.new_energy.pk}" in page
    # A course links to its learners' report.
    assert reverse("courses_admin:learners", args=[scene.solar.pk]) in page


def test_a_bad_period_is_explained_not_a_crash(client, scene, hq_admin):
    client.force_login(hq_admin)
    response = client.get(URL, {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.status_code == 200
    assert "开始日期不能晚于结束日期" in response.content.decode()
    assert client.get(URL, {"start": "yesterday"}).status_code == 200
    assert client.get(URL, {"unit": "abc"}).status_code == 200


def test_exports_name_things_neutralise_formulas_and_are_logged(client, scene, hq_admin):
    CoursePage.objects.filter(pk=scene.wind.pk).update(title='=HYPERLINK("http://x")')
    figures_refresh()
    client.force_login(hq_admin)
    response = client.get(
        reverse("dashboards:export", args=["courses"]),
        {"unit": scene.hq.pk, "start": "2026-01-01", "end": "2026-12-31"},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "课程"
    titles = {cell.value: cell for (cell, *_rest) in sheet.iter_rows(min_row=2)}
    assert "光伏发电站设计" in titles
    assert titles['=HYPERLINK("http://x")'].data_type == "s"  # text, not a formula
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.unit_id) == (
        AuditAction.EXPORTED,
        hq_admin,
        scene.hq.pk,
    )
    assert entry.actor_name == "总部管理员"
    for table in ("months", "units", "videos"):
        assert (
            client.get(
                reverse("dashboards:export", args=[table]), {"unit": scene.hq.pk}
            ).status_code
            == 200
        )
    assert client.get(reverse("dashboards:export", args=["ledger"])).status_code == 404


def test_figures_from_a_registered_provider_join_the_dashboard(client, scene, hq_admin):
    seen = {}

    def pass_rates(*, unit_ids, start, end):
        seen["units"] = set(unit_ids)
        return [Figure(label="考试通过率", value=86.5, unit=" %")]

    register_figure_provider(pass_rates)
    try:
        client.force_login(hq_admin)
        page = client.get(URL, {"unit": scene.new_energy.pk}).content.decode()
    finally:
        unregister_figure_provider(pass_rates)
    assert "考试通过率" in page and "86.5 %" in page
    assert seen["units"] == {scene.new_energy.pk, scene.pv_base.pk}


def test_update_now_queues_a_refresh_and_reports_progress(
    client, scene, hq_admin, django_capture_on_commit_callbacks
):
    client.force_login(hq_admin)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("dashboards:refresh"), {"next": URL})
    assert response.status_code == 302 and len(callbacks) == 1
    status = client.get(reverse("dashboards:refresh_status")).json()
    assert status["running"] is True  # asked for, not started yet
    figures_refresh()
    status = client.get(reverse("dashboards:refresh_status")).json()
    assert (status["running"], status["percent"]) == (False, 100)
