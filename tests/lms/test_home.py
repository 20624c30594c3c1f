"""The home page leads to learning: hot searches, 继续学习 with this year's hours, new,
recommended and popular courses, night-school classes, the academies — sections other
apps register (lms.sections) — in a number of queries that does not grow with content."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from academies.models import IndustryAcademyPage, TrainingBasePage
from courses.services import course_enrol, lesson_heartbeat
from learning.crediting import Beat
from lms import sections
from lms.models import HomePage
from search.models import QueryCount
from tests.academies.factories import make_unit
from tests.courses.factories import make_course, make_learner, studied, with_video_lesson
from tests.nightschool.factories import make_session, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(demo):
    """Courses in two academies, the busiest with learners, hot searches, a night-school
    class tomorrow."""
    new_energy = IndustryAcademyPage.objects.get(slug="new-energy")
    equipment = IndustryAcademyPage.objects.get(slug="new-equipment")
    pv = make_course(new_energy, "光伏发电站设计")
    make_course(new_energy, "风电场升压站设备巡视及维护")
    ev = make_course(equipment, "新能源汽车维修")
    for number in range(3):
        course_enrol(learner=make_learner(f"1390000000{number}"), course=ev)
    today = timezone.localdate()
    QueryCount.objects.create(query="光伏", day=today, searches=9)
    QueryCount.objects.create(query="焊工", day=today, searches=5)
    QueryCount.objects.create(query="不存在的词", day=today, searches=7, zero_results=7)
    site = make_site(HomePage.objects.get(), "吉林省青年职工夜校", "长春市")
    calligraphy = make_course(site, "书法(楷书)", category=None)
    make_session(site, calligraphy, starts_at=timezone.now() + datetime.timedelta(days=1),
                 title="第 3 讲 · 间架结构")  # fmt: skip
    return {"pv": pv, "ev": ev, "new_energy": new_energy}


def sections_in(html: str) -> list[str]:
    order = ["热门搜索", "继续学习", "最新课程", "为您推荐", "学的人最多", "近期夜校课程"]
    order.append("工匠学院")
    found = [(html.index(f">{title}<"), title) for title in order if f">{title}<" in html]
    return [title for _at, title in sorted(found)]


def test_a_visitor_finds_courses_searches_classes_and_academies(client, catalogue):
    html = client.get("/").content.decode()
    assert '<html lang="zh-CN">' in html
    assert sections_in(html) == ["热门搜索", "最新课程", "学的人最多", "近期夜校课程", "工匠学院"]
    assert html.index("?q=%E5%85%89%E4%BC%8F") < html.index("?q=%E7%84%8A%E5%B7%A5")
    assert "不存在的词" not in html  # it found nothing: not a hot search
    newest, studied = html.index(">最新课程<"), html.index(">学的人最多<")
    assert newest < html.index("光伏发电站设计", newest) < studied
    assert html.index("新能源汽车维修", studied) < html.index("风电场升压站", studied)
    assert "第 3 讲 · 间架结构" in html
    for academy in IndustryAcademyPage.objects.all():
        assert academy.short_name in html
    assert "1 个总部、6 所产业工匠学院、7 个培训基地" in html
    assert 'name="q"' in html and "/api/v1/search/suggest/" in html  # the header's box


def test_a_learner_continues_at_the_second_they_stopped(client, catalogue):
    learner = make_learner("13812345678", name="王小明")
    course = with_video_lesson(catalogue["pv"], seconds=300, lesson=1)
    course_enrol(learner=learner, course=course)
    lesson = course.lessons()[1]
    start = timezone.now() - datetime.timedelta(seconds=100)
    for position in (0, 90):
        lesson_heartbeat(
            learner=learner, lesson=studied(course, lesson),
            beat=Beat(position=position, ranges=[(0, position)] if position else [], rate=1,
                      visible=True),
            tab="t", now=start + datetime.timedelta(seconds=position),
        )  # fmt: skip
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert sections_in(html)[:3] == ["热门搜索", "继续学习", "最新课程"]
    lesson_url = course.url + course.reverse_subpage("lesson", args=(lesson.key,))
    assert f'class="continue__card" href="{lesson_url}"' in html
    assert "上次看到 1:30 / 共 5:00" in html and "第2课" in html
    assert "本年度 <strong>" in html
    # Recommended: what they do not take part in yet (the most studied, following nothing).
    recommended = html[html.index(">为您推荐<") :]
    assert "新能源汽车维修" in recommended
    assert "光伏发电站设计" not in recommended[: recommended.index("</section>")]


def test_the_query_count_does_not_grow_with_content(client, catalogue):
    learner = make_learner("13812345678")
    course_enrol(learner=learner, course=catalogue["pv"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries.captured_queries)

    client.get("/")  # warm what is cached for everyone (sections, site root)
    visitor = count()
    client.force_login(learner)
    client.get("/")
    learner_before = count()

    base = make_unit(catalogue["new_energy"], TrainingBasePage, "新增基地")
    for number in range(6):
        course = make_course(base, f"新增课程{number}")
        course_enrol(learner=learner, course=course)
    sections.sections_changed()
    client.logout()
    client.get("/")
    assert count() == visitor
    client.force_login(learner)
    client.get("/")
    assert count() == learner_before


def test_sections_for_everyone_are_cached_until_a_page_is_published(client, catalogue):
    with CaptureQueriesContext(connection) as first:
        client.get("/")
    with CaptureQueriesContext(connection) as second:
        html = client.get("/").content.decode()
    assert len(second.captured_queries) < len(first.captured_queries) - 5
    assert "又一门新课" not in html
    make_course(catalogue["new_energy"], "又一门新课")  # publishing empties the cache
    assert "又一门新课" in client.get("/").content.decode()


@pytest.fixture
def live_lectures_section():
    """A section the way the live-lecture app will register one."""
    section = sections.Section(
        sections.HOME, "live", 30, "search/sections/hot_searches.html",
        lambda *, request, page: {"queries": ["劳模工匠直播宣讲"]},
    )  # fmt: skip
    sections.register_section(section)
    yield section
    del sections._sections[(section.slot, section.key)]


def test_another_app_registers_a_section_in_its_place(client, catalogue, live_lectures_section):
    learner = make_learner("13812345678")
    client.force_login(learner)
    html = client.get("/").content.decode()
    assert html.index("继续学习") < html.index("劳模工匠直播宣讲") < html.index(">最新课程<")


def test_language_switch_to_english_and_back(client, catalogue):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "One headquarters, 6 industry academies and 7 training bases." in html
    assert ">New courses<" in html and ">Hot searches<" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-CN">' in client.get("/").content.decode()


def test_browser_language_alone_does_not_switch_to_english(client, demo):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-CN">' in html


def test_home_renders_before_any_demo_content(client):
    assert client.get("/").status_code == 200
