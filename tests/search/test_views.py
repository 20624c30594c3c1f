"""The search page, the JSON API, analytics and the admin's query report."""

import datetime
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.utils import timezone
from wagtail.models import Page

from courses.models import CourseLecturer, CoursePage
from search.backends import ELASTICSEARCH
from search.backends.elasticsearch import client as es_client
from search.models import EditorsPick, IndexOperation, QueryCount, Synonym
from tests.conftest import rolled_back
from tests.courses.factories import make_course
from tests.search.conftest import closed_port_url, drop_indices, make_lecturer

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def published_catalogue(unit_tree, elasticsearch_url, django_db_blocker):
    """Real course pages published the admin's way — through the outbox into both
    backends once the transaction commits — once for the module's tests, which only
    read them: {key: course id}, and the Elasticsearch alias they are in."""
    alias = f"lms-test-{uuid.uuid4().hex[:12]}"
    es = {"ELASTICSEARCH_URL": elasticsearch_url, "ELASTICSEARCH_INDEX": alias}
    with rolled_back(django_db_blocker), override_settings(**es):
        hq, new_energy, base = (
            Page.objects.get(pk=unit_tree[name]).specific
            for name in ("hq", "new_energy", "influencer_base")
        )
        lecturer = make_lecturer(hq, "张志强", honours=["首席技师"])
        with TestCase.captureOnCommitCallbacks(execute=True):
            courses = {
                "pv": make_course(
                    new_energy,
                    "光伏发电站设计",
                    summary="从选址、组件选型到并网接入,完整讲解光伏电站设计。",
                    learning_hours=12,
                ),
                "welding": make_course(
                    hq,
                    "焊工技能竞赛强化训练",
                    summary="面向全国焊工技能竞赛的焊接工艺与实操强化训练。",
                    level="advanced",
                    mode="in_person",
                    learning_hours=32,
                    course_lecturers=[CourseLecturer(lecturer=lecturer)],
                ),
                "cnc": make_course(
                    hq,
                    "数控机床装调维修工实操",
                    summary="数控机床机械装调、电气故障诊断与维修。",
                    level="advanced",
                    learning_hours=24,
                ),
                "live": make_course(base, "直播带货实战", summary="选品、话术与合规。"),
            }
        assert not IndexOperation.objects.exists()
        es_client(elasticsearch_url).indices.refresh(index=alias)
        yield {key: course.pk for key, course in courses.items()}, alias
    drop_indices(elasticsearch_url, alias)


@pytest.fixture
def catalogue(backend_name, settings, published_catalogue, units):
    """The published catalogue, searched with each backend: {key: course page}."""
    ids, alias = published_catalogue
    if backend_name == ELASTICSEARCH:
        settings.ELASTICSEARCH_INDEX = alias
    return {key: CoursePage.objects.get(pk=pk) for key, pk in ids.items()}


def page(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("光伏", "<mark>光伏发电</mark>站设计"),  # 光伏发电 is in the vocabulary
        ("焊", "<mark>焊</mark>工技能竞赛强化训练"),
        ("hanjie", "<mark>焊工</mark>技能竞赛强化训练"),  # 焊接 spelled, 焊工 in the vocabulary
        ("数控机床", "<mark>数控机床</mark>装调维修工实操"),
        ("gfd", "<mark>光伏发电</mark>站设计"),
    ],
)
def test_phone_queries_find_the_course_highlighted(client, catalogue, typed, title):
    html = page(client, q=typed)
    assert title in html
    assert "共找到 1 门课程" in html


def test_pinyin_is_highlighted_on_the_characters(client, catalogue):
    assert "<mark>焊接</mark>工艺" in page(client, q="hanjie")


def test_facets_respect_the_other_filters(client, catalogue, new_energy):
    html = page(client, q="")
    assert "共 4 门课程" in html
    for label in ("学院", "课程类别", "难度", "上课方式", "学时"):
        assert f">{label}</h2>" in html
    assert f"academy={new_energy.pk}" in html
    filtered = page(client, level="advanced")
    assert "共 2 门课程" in filtered
    assert 'aria-current="true"' in filtered
    assert "光伏发电站设计" not in filtered


def test_the_english_page_shows_level_and_mode_in_english(client, catalogue):
    """Labels are indexed in Chinese; a visitor who chose English reads them in English."""
    client.cookies["django_language"] = "en"
    html = page(client, q="焊")
    assert "<span>Advanced</span>" in html and "<span>In person</span>" in html
    for chinese in ("高级", "线下", "初级"):
        assert chinese not in html, chinese
    client.cookies["django_language"] = "zh-hans"
    html = page(client, q="焊")
    assert "<span>高级</span>" in html


def test_sort_and_pages(client, catalogue):
    html = page(client, sort="newest")
    assert html.index("直播带货实战") < html.index("光伏发电站设计")
    assert "最热门" in html


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_partial_matches_are_marked(client, catalogue):
    html = page(client, q="光伏焊接")
    assert "没有找到完全符合的课程,以下课程部分匹配" in html
    assert "光伏发电站设计" in plain(html) and "部分匹配</span>" in html


def test_pinyin_one_letter_off_says_what_was_searched_instead(client, catalogue):
    html = page(client, q="hanjei")
    assert "没有与“hanjei”完全符合的课程,以下是“han jie”的课程" in html
    assert "焊工技能竞赛强化训练" in plain(html) and "部分匹配</span>" in html
    data = client.get("/api/v1/search/", {"q": "hanjei"}).json()
    assert data["corrected"] == "han jie" and data["partial"] == data["total"] > 0
    assert client.get("/api/v1/search/", {"q": "hanjie"}).json()["corrected"] == ""


def test_nothing_found_shows_what_others_searched(client, catalogue):
    client.get("/search/", {"q": "数控"})
    html = page(client, q="潜水艇驾驶")
    assert "没有找到完全符合的课程" in html and "部分匹配</span>" not in html
    assert "大家都在搜" in html and "?q=%E6%95%B0%E6%8E%A7" in html


def test_editors_pick_comes_first(client, catalogue):
    EditorsPick.objects.create(query="焊工", page=catalogue["cnc"])
    html = page(client, q="焊工")
    assert "编辑推荐" in html
    assert html.index("数控机床装调维修工实操") < html.index("<mark>焊工</mark>技能竞赛强化训练")


def test_synonyms_edited_in_the_admin_apply(client, catalogue):
    assert "部分匹配</span>" in page(client, q="烧焊")  # 焊 alone: a partial match
    Synonym.objects.create(terms="烧焊, 焊接")
    html = page(client, q="烧焊")
    assert "焊工技能竞赛强化训练" in plain(html) and "部分匹配</span>" not in html


def test_a_fresh_installation_knows_how_workers_say_it(client, catalogue):
    assert Synonym.objects.count() >= 300  # loaded by migrations
    assert Synonym.objects.filter(terms="千伏, kV").exists()  # units of measure
    for colloquial in ("电焊", "電焊"):
        html = page(client, q=colloquial)
        # Found as such, before any partial match.
        assert "焊工技能竞赛强化训练" in plain(html), colloquial
        partial = html.find("tag--partial")
        assert html.find("技能竞赛强化训练") < partial % (len(html) + 1), colloquial


def test_synonyms_need_two_terms():
    with pytest.raises(ValidationError):
        Synonym(terms="电焊").full_clean()
    synonym = Synonym(terms="电焊、焊接,, 电焊")
    synonym.full_clean()
    assert synonym.terms == "电焊, 焊接"


def test_api(client, catalogue):
    data = client.get("/api/v1/search/", {"q": "焊", "level": "advanced"}).json()
    # The documented shape, and what else is there: paging, suggestions, staleness, picks.
    assert set(data) == {
        "total", "results", "facets", "page", "pages", "suggestions", "stale", "partial",
        "lecturers", "corrected",
    }  # fmt: skip
    assert data["total"] == 1 and (data["page"], data["pages"]) == (1, 1)
    assert data["partial"] == 0 and data["lecturers"] == []
    (result,) = data["results"]
    fields = {"title", "url", "summary", "highlight", "academy", "category", "hours", "pick"}
    fields.add("partial")
    assert set(result) == fields
    assert set(result["highlight"]) == {"title", "text"}
    assert result["url"] == catalogue["welding"].url and result["pick"] is False
    assert (result["academy"], result["category"]) == ("吉林省工匠学院总部", "职业发展")
    assert result["title"] == "焊工技能竞赛强化训练" and result["hours"] == 32
    assert result["highlight"]["title"] == "<mark>焊</mark>工技能竞赛强化训练"
    assert set(data["facets"]) == {"academy", "category", "level", "mode", "hours"}
    # A facet counts without its own filter: every level of the courses with 焊.
    level = [(v["value"], v["count"], v["selected"]) for v in data["facets"]["level"]]
    assert level == [("advanced", 1, True)]
    assert set(data["facets"]["level"][0]) == {"value", "label", "count", "selected"}
    assert data["stale"] is False


def test_api_refuses_what_it_cannot_understand(client, db):
    response = client.get("/api/v1/search/", {"page": "0"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"page"}
    response = client.get("/api/v1/search/", {"hours": "forever"})
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"hours"}
    refused = client.post("/api/v1/search/")
    assert refused.status_code == 405
    assert refused.json()["error"]["code"] == "method_not_allowed"
    assert refused["Allow"] == "GET"


def test_suggest_api(client, catalogue):
    for typed, title in [
        ("光伏", "光伏发电站设计"),
        ("guangf", "光伏发电站设计"),
        ("sk", "数控机床装调维修工实操"),
    ]:
        suggestions = client.get("/api/v1/search/suggest/", {"q": typed}).json()
        assert {"title": title, "url": catalogue_url(catalogue, title)} in suggestions
    assert client.get("/api/v1/search/suggest/", {"q": " "}).json() == []
    # Loose partial matches (光伏发电站设计 holds 电 of 电焊) fill a page of results, not
    # the search box's list.
    assert "光伏发电站设计" in plain(page(client, q="电焊"))
    titles = [s["title"] for s in client.get("/api/v1/search/suggest/", {"q": "电焊"}).json()]
    assert "焊工技能竞赛强化训练" in titles and "光伏发电站设计" not in titles
    # Nor partial ones (光伏发电站设计 holds dian of dianhan) when a course matches whole;
    # when none does, they are the best there is.
    titles = [s["title"] for s in client.get("/api/v1/search/suggest/", {"q": "dianhan"}).json()]
    assert "焊工技能竞赛强化训练" in titles and "光伏发电站设计" not in titles
    assert "光伏发电站设计" in plain(page(client, q="dianhan"))
    titles = [s["title"] for s in client.get("/api/v1/search/suggest/", {"q": "光伏焊接"}).json()]
    assert {"光伏发电站设计", "焊工技能竞赛强化训练"} <= set(titles)


def catalogue_url(catalogue, title):
    return next(course.url for course in catalogue.values() if course.title == title)


def test_analytics_count_queries_and_zero_results_without_identity(client, catalogue):
    client.get("/search/", {"q": "光伏"})
    client.get("/api/v1/search/", {"q": " 光伏 "})
    client.get("/search/", {"q": "潜水"})
    client.get("/search/", {"q": "光伏", "page": 2})  # paging is not a new search
    client.get("/search/", {"q": "光伏", "level": "advanced"})  # nor is filtering
    counts = {c.query: (c.searches, c.zero_results) for c in QueryCount.objects.all()}
    assert counts == {"光伏": (2, 0), "潜水": (1, 1)}
    fields = {f.name for f in QueryCount._meta.get_fields()}
    assert fields == {"id", "query", "day", "searches", "zero_results"}


def test_query_report_for_admins(client, db):
    QueryCount.objects.create(query="潜水", day=timezone.localdate(), searches=3, zero_results=3)
    users = get_user_model().objects
    editor = users.create_user("editor", password="x")
    editor.user_permissions.add(*_permissions("wagtailadmin.access_admin"))
    client.force_login(editor)
    refused = client.get("/admin/search/queries/")  # Wagtail turns the 403 into a message
    assert (refused.status_code, refused.url) == (302, "/admin/")
    client.force_login(users.create_superuser("root", password="x"))
    html = client.get("/admin/search/queries/").content.decode()
    assert "没有结果的搜索" in html and "潜水" in html
    assert "/admin/snippets/search/synonym/add/?query=%E6%BD%9C%E6%B0%B4" in html
    add = client.get("/admin/snippets/search/editorspick/add/", {"query": "潜水"})
    assert 'value="潜水"' in add.content.decode()


def test_headquarters_admins_edit_the_vocabulary_beside_zero_result_queries(client, hq):
    QueryCount.objects.create(query="烧焊", day=timezone.localdate(), searches=4, zero_results=4)
    users = get_user_model().objects
    academy_admin = users.create_user("academy-admin", password="x")
    academy_admin.user_permissions.add(*_permissions("wagtailadmin.access_admin"))
    client.force_login(academy_admin)
    assert client.get("/admin/snippets/search/synonym/").status_code == 302  # refused
    hq_admin = users.create_user("hq-admin", password="x")
    hq_admin.groups.add(hq.admin_group)  # no model permission, not a superuser
    client.force_login(hq_admin)
    listing = client.get("/admin/snippets/search/synonym/")
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "没有搜到课程的搜索词" in html and "烧焊" in html
    assert "/admin/snippets/search/synonym/add/?query=%E7%83%A7%E7%84%8A" in html
    response = client.post("/admin/snippets/search/synonym/add/", {"terms": "烧焊, 焊接"})
    assert response.status_code == 302 and Synonym.objects.filter(terms="烧焊, 焊接").exists()
    assert client.get("/admin/search/queries/").status_code == 200


def _permissions(*names):
    for name in names:
        app_label, codename = name.split(".")
        yield Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_elasticsearch_down_the_page_answers_and_says_so(
    client, settings, new_energy, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        make_course(new_energy, "储能电站运维")
    settings.ELASTICSEARCH_URL = closed_port_url()
    html = page(client, q="储能")
    assert "储能电站运维" in plain(html) and "<mark>储能" in html
    assert "结果可能不是最新的" in html
    data = client.get("/api/v1/search/", {"q": "储能"}).json()
    assert data["stale"] is True and data["results"][0]["title"] == "储能电站运维"
    suggestions = client.get("/api/v1/search/suggest/", {"q": "储能"}).json()
    assert "储能电站运维" in [s["title"] for s in suggestions]
    assert "结果可能不是最新的" in page(client, q="")  # browsing, too


def test_changes_waiting_too_long_make_results_stale(client, settings, db):
    settings.ELASTICSEARCH_URL = ""
    assert "结果可能不是最新的" not in page(client, q="光伏")
    IndexOperation.objects.create(
        backend="embedded",
        page_id=1,
        created_at=timezone.now() - datetime.timedelta(minutes=5),
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    assert "结果可能不是最新的" in page(client, q="光伏")


def test_a_broken_link_is_explained(client, db):
    html = page(client, page="abc")
    assert "这个搜索链接无效" in html
