"""Keeping the index true: course pages → documents, and every change of a course,
lecturer, academy or privacy setting reaches both backends through the outbox after
the transaction commits — also when Elasticsearch was down meanwhile."""

import datetime
import time
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import Collection, PageViewRestriction

from courses.models import Category, CourseLecturer, CoursePage, Honour
from courses.services import course_enrol
from search import services
from search.backends import ELASTICSEARCH, EMBEDDED, backend_names, get_backend
from search.backends.elasticsearch import client
from search.documents import course_documents
from search.models import IndexOperation, IndexRebuild, SearchEntry
from search.query import SearchQuery
from tests.courses.factories import make_course, make_learner, make_listing
from tests.search.conftest import closed_port_url, drop_indices, make_lecturer
from video.models import Video

pytestmark = pytest.mark.django_db


def titles(backend_name, text="", **filters):
    """What a search finds (partial matches aside)."""
    found = get_backend(backend_name).search(SearchQuery(text=text, filters=filters))
    return [hit.title for hit in found.hits if not hit.partial]


def test_a_course_page_becomes_a_document(hq, influencer_base):
    lecturer = make_lecturer(hq, "马晓东", honours=["吉林省技术能手"])
    course = make_course(
        influencer_base,
        "直播带货实战",
        summary="选品、话术、场景搭建与合规。",
        description=[("paragraph", "<p>工人网红基地的<b>直播</b>课</p>")],
        course_lecturers=[CourseLecturer(lecturer=lecturer)],
    )
    course.tags.add("直播带货")
    course.save_revision().publish()
    video = Video.objects.create(
        title="选品与脚本", collection=Collection.get_first_root_node(), play_count=120
    )
    lesson = course.lessons()[0]
    lesson.video = video
    lesson.save()
    course_enrol(learner=make_learner("13900000001"), course=course)

    (doc,), hidden = course_documents([course.pk, 999999])
    assert hidden == {999999}
    assert (doc.title, doc.summary, doc.url) == (course.title, course.summary, course.url)
    assert doc.description == "工人网红基地的直播课"
    assert sorted(doc.lessons) == ["第1课", "第2课"]
    assert (doc.lecturers, doc.honours) == (("马晓东",), ("吉林省技术能手",))
    assert (doc.academy, doc.training_base) == ("吉林省新电商工匠学院", influencer_base.title)
    assert doc.academy_id == str(influencer_base.get_parent().pk)
    assert (doc.category, doc.tags) == ("职业发展", ("直播带货",))
    assert (doc.level, doc.hours, doc.mode, doc.openness) == ("beginner", 8.0, "online", "open")
    assert doc.published_at == course.first_published_at
    assert (doc.enrolments, doc.plays, doc.popularity) == (1, 120, 121)
    assert doc.spelling().title_initials == "z b d h s z"


def test_courses_directly_under_headquarters_belong_to_it(hq):
    (doc,), _hidden = course_documents([make_course(hq, "书法").pk])
    assert (doc.academy, doc.training_base) == ("吉林省工匠学院总部", "")


def test_drafts_and_private_courses_are_not_documents(new_energy):
    draft = make_course(new_energy, "未发布的课程", publish=False)
    private = make_course(new_energy, "内部课程")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    docs, hidden = course_documents([draft.pk, private.pk])
    assert docs == [] and hidden == {draft.pk, private.pk}


def test_publishing_waits_for_the_commit(
    backend_name, new_energy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        course = make_course(new_energy, "光伏电站运维")
    assert len(callbacks) >= 1
    waiting = IndexOperation.objects.filter(page_id=course.pk)
    assert sorted(waiting.values_list("backend", flat=True)) == sorted(backend_names())
    assert titles(backend_name, "光伏") == []


def test_publish_unpublish_and_delete(backend_name, new_energy, published):
    course = published(lambda: make_course(new_energy, "光伏电站运维"))
    assert titles(backend_name, "光伏") == ["光伏电站运维"]
    assert not IndexOperation.objects.exists()

    published(lambda: course.unpublish())
    assert titles(backend_name, "光伏") == []

    published(lambda: course.save_revision().publish())
    assert titles(backend_name, "光伏") == ["光伏电站运维"]

    published(lambda: course.delete())
    assert titles(backend_name, "光伏") == []


def test_a_publish_is_found_within_seconds_without_a_forced_refresh(
    backend_name, new_energy, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_course(new_energy, "风电场升压站设备巡视及维护")
    deadline = time.monotonic() + 5
    while not titles(backend_name, "升压站") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert titles(backend_name, "升压站") == ["风电场升压站设备巡视及维护"]


def test_moving_a_course_changes_its_academy(backend_name, new_energy, influencer_base, published):
    course = published(lambda: make_course(new_energy, "直播运营"))
    published(lambda: course.move(influencer_base, pos="last-child"))
    (hit,) = get_backend(backend_name).search(SearchQuery(text="直播")).hits
    assert hit.academy == "吉林省新电商工匠学院"
    assert hit.url.startswith(influencer_base.url)


def test_renaming_an_academy_updates_its_courses(backend_name, new_energy, published):
    published(lambda: make_course(new_energy, "新能源前沿技术"))

    def rename():
        new_energy.title = "吉林省新能源与储能工匠学院"
        new_energy.save_revision().publish()

    published(rename)
    (hit,) = get_backend(backend_name).search(SearchQuery(text="前沿")).hits
    assert hit.academy == "吉林省新能源与储能工匠学院"


def test_editing_a_lecturer_updates_the_courses_they_teach(backend_name, hq, new_energy, published):
    lecturer = make_lecturer(hq, "王建国")
    published(
        lambda: make_course(
            new_energy, "劳模工匠精神", course_lecturers=[CourseLecturer(lecturer=lecturer)]
        )
    )
    assert titles(backend_name, "wangjianguo") == ["劳模工匠精神"]

    def rename():
        lecturer.title = "王建军"
        lecturer.save_revision().publish()

    published(rename)
    assert titles(backend_name, "王建军") == ["劳模工匠精神"]
    assert titles(backend_name, "wangjianjun") == ["劳模工匠精神"]


def test_renaming_a_category_or_an_honour_updates_the_courses(
    backend_name, hq, new_energy, published
):
    lecturer = make_lecturer(hq, "李秀梅", honours=["吉林工匠"])
    category = Category.objects.create(name="冰雪运动", city="长春市")
    published(
        lambda: make_course(
            new_energy,
            "滑雪入门",
            category=category,
            course_lecturers=[CourseLecturer(lecturer=lecturer)],
        )
    )
    category.name = "冰雪体育"
    published(category.save)
    honour = Honour.objects.get(name="吉林工匠")
    honour.name = "吉林大工匠"
    published(honour.save)
    assert titles(backend_name, "冰雪体育") == ["滑雪入门"]
    assert titles(backend_name, "吉林大工匠") == ["滑雪入门"]


def test_making_a_unit_private_hides_its_courses(backend_name, new_energy, published):
    published(lambda: make_course(new_energy, "储能技术"))
    restriction = published(
        lambda: PageViewRestriction.objects.create(page=new_energy, restriction_type="login")
    )
    assert titles(backend_name, "储能") == []
    published(restriction.delete)
    assert titles(backend_name, "储能") == ["储能技术"]


def test_night_school_sites_are_academies(backend_name, units, published):
    """Night-school sites are units too (`unit_page_models()`), not a list in search."""
    night_school = units["night_school"]
    published(lambda: make_course(night_school, "书法(楷书)"))
    (hit,) = get_backend(backend_name).search(SearchQuery(text="楷书")).hits
    assert hit.academy == "吉林省青年职工夜校"
    facet = get_backend(backend_name).search(SearchQuery(text="楷书")).facets["academy"]
    assert [(v.value, v.label) for v in facet] == [(str(night_school.pk), "吉林省青年职工夜校")]

    def rename():
        night_school.title = "吉林省青年职工夜校(省本部)"
        night_school.save_revision().publish()

    published(rename)
    (hit,) = get_backend(backend_name).search(SearchQuery(text="楷书")).hits
    assert hit.academy == "吉林省青年职工夜校(省本部)"


def test_editing_a_lesson_updates_the_course(backend_name, new_energy, published):
    course = published(lambda: make_course(new_energy, "光伏电站运维"))
    assert titles(backend_name, "组件清洗") == []

    def edit_lesson():  # as the editor's inline panels do: the outline in the revision
        (chapter,) = course.chapters.all()
        lessons = list(chapter.lessons.all())
        lessons[0].title = "组件清洗与热斑检测"
        chapter.lessons = lessons
        course.chapters = [chapter]
        course.save_revision().publish()

    published(edit_lesson)
    assert titles(backend_name, "组件清洗") == ["光伏电站运维"]


def test_moving_a_course_listing_moves_its_courses(
    backend_name, new_energy, influencer_base, published
):
    """Any page above courses, not only units: their address and academy change."""
    listing = published(lambda: make_listing(new_energy, slug="energy-courses"))
    published(lambda: make_course(listing, "直播运营"))
    published(lambda: listing.move(influencer_base, pos="last-child"))
    (hit,) = get_backend(backend_name).search(SearchQuery(text="直播")).hits
    assert hit.academy == "吉林省新电商工匠学院"
    assert hit.url == f"{influencer_base.url}energy-courses/{hit.url.split('/')[-2]}/"


def test_a_new_slug_above_courses_changes_their_address(backend_name, new_energy, published):
    course = published(lambda: make_course(new_energy, "储能技术"))
    old_url = course.url

    def new_slug():
        new_energy.slug = "energy"
        new_energy.save_revision().publish()

    published(new_slug)
    (hit,) = get_backend(backend_name).search(SearchQuery(text="储能")).hits
    assert hit.url != old_url and "/energy/" in hit.url
    assert hit.url == CoursePage.objects.get(pk=course.pk).url


def test_deleting_an_academy_removes_its_courses(backend_name, new_energy, hq, published):
    published(lambda: make_course(new_energy, "光伏电站运维"))
    published(lambda: make_course(hq, "焊工技能竞赛强化训练"))
    published(lambda: new_energy.delete())
    assert titles(backend_name) == ["焊工技能竞赛强化训练"]
    assert not IndexOperation.objects.exists()


def test_deleting_a_lecturer_or_an_honour_updates_the_courses(
    backend_name, hq, new_energy, published
):
    lecturer = make_lecturer(hq, "王建国", honours=["大国工匠"])
    published(
        lambda: make_course(
            new_energy, "劳模工匠精神", course_lecturers=[CourseLecturer(lecturer=lecturer)]
        )
    )
    assert titles(backend_name, "大国工匠") == ["劳模工匠精神"]
    published(lambda: Honour.objects.get(name="大国工匠").delete())
    assert titles(backend_name, "大国工匠") == []
    assert titles(backend_name, "王建国") == ["劳模工匠精神"]
    published(lambda: lecturer.delete())
    assert titles(backend_name, "王建国") == []
    assert titles(backend_name, "劳模工匠精神") == ["劳模工匠精神"]


@pytest.fixture
def outage(settings, elasticsearch_url):
    """Elasticsearch goes down (nothing listens at its address) until `back()`."""
    settings.ELASTICSEARCH_URL = closed_port_url()
    settings.ELASTICSEARCH_INDEX = f"lms-test-outage-{uuid.uuid4().hex[:8]}"

    def back():
        settings.ELASTICSEARCH_URL = elasticsearch_url
        IndexOperation.objects.update(next_attempt_at=timezone.now())  # as if time passed

    yield back
    drop_indices(elasticsearch_url, settings.ELASTICSEARCH_INDEX)


def test_elasticsearch_down_loses_nothing(
    outage, settings, elasticsearch_url, new_energy, hq, django_capture_on_commit_callbacks
):
    def committed(change):
        with django_capture_on_commit_callbacks(execute=True):
            return change()

    lecturer = make_lecturer(hq, "王建国")  # teaching nothing yet
    IndexOperation.objects.all().delete()
    course = committed(lambda: make_course(new_energy, "光伏电站运维"))  # publishing works
    assert titles(EMBEDDED, "光伏") == ["光伏电站运维"]
    (waiting,) = IndexOperation.objects.all()
    assert (waiting.backend, waiting.page_id, waiting.attempts) == (ELASTICSEARCH, course.pk, 1)
    assert waiting.last_error and waiting.next_attempt_at > timezone.now()

    # More changes while it is down: each is noted, none applied to it yet.
    withdrawn = committed(lambda: make_course(new_energy, "储能技术"))
    committed(withdrawn.unpublish)
    links = [CourseLecturer(lecturer=lecturer)]
    taught = committed(lambda: make_course(hq, "劳模工匠精神", course_lecturers=links))

    def rename():
        lecturer.title = "王建军"
        lecturer.save_revision().publish()

    committed(rename)
    assert services.index_drain() == 0  # not due yet: retried later, with a growing delay
    assert IndexOperation.objects.filter(backend=ELASTICSEARCH).count() >= 4
    assert not IndexOperation.objects.filter(backend=EMBEDDED).exists()

    # The node is back; the scheduled drain applies everything once it is due.
    outage()
    assert services.index_drain() >= 4
    client(elasticsearch_url).indices.refresh(index=settings.ELASTICSEARCH_INDEX)
    assert not IndexOperation.objects.exists()
    for backend_name in (ELASTICSEARCH, EMBEDDED):
        assert sorted(titles(backend_name)) == ["光伏电站运维", "劳模工匠精神"]
        assert titles(backend_name, "王建军") == [taught.title]
        assert titles(backend_name, "储能") == []


def test_elasticsearch_down_the_admin_still_unpublishes(
    outage, settings, elasticsearch_url, new_energy, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = elasticsearch_url
    with django_capture_on_commit_callbacks(execute=True):
        course = make_course(new_energy, "光伏电站运维")
    client(elasticsearch_url).indices.refresh(index=settings.ELASTICSEARCH_INDEX)
    assert titles(ELASTICSEARCH, "光伏") == ["光伏电站运维"]

    settings.ELASTICSEARCH_URL = closed_port_url()
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root", password="x"))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"/admin/pages/{course.pk}/unpublish/")
    assert response.status_code == 302
    course.refresh_from_db()
    assert not course.live
    assert titles(EMBEDDED, "光伏") == []
    assert IndexOperation.objects.get().backend == ELASTICSEARCH

    outage()
    assert services.index_drain() == 1
    client(elasticsearch_url).indices.refresh(index=settings.ELASTICSEARCH_INDEX)
    assert titles(ELASTICSEARCH, "光伏") == []


def test_the_outbox_waits_while_a_rebuild_runs(
    backend_name, new_energy, django_capture_on_commit_callbacks
):
    rebuild = IndexRebuild.objects.create(backend=backend_name)
    with django_capture_on_commit_callbacks(execute=True):
        make_course(new_energy, "光伏电站运维")
    assert IndexOperation.objects.count() == 1
    rebuild.finished_at = timezone.now()
    rebuild.save()
    assert services.index_drain() == 1


def test_a_stale_rebuild_lock_does_not_block_forever(backend_name):
    IndexRebuild.objects.create(
        backend=backend_name, started_at=timezone.now() - datetime.timedelta(days=1)
    )
    IndexOperation.objects.create(backend=backend_name, page_id=123456)
    assert services.index_drain() == 1


def test_rebuild_command(backend_name, new_energy, refresh, settings, capsys):
    make_course(new_energy, "光伏电站运维")
    make_course(new_energy, "储能技术")
    make_course(new_energy, "草稿课程", publish=False)
    withdrawn = make_course(new_energy, "旧课程")
    get_backend(backend_name).index(course_documents([withdrawn.pk])[0])
    withdrawn.unpublish()
    IndexOperation.objects.all().delete()  # as if the outbox had missed it

    call_command("rebuild_search_index", backend=backend_name)
    refresh()
    out, err = capsys.readouterr()
    assert "已索引 2 门课程" in out
    assert f"{backend_name}: 100%" in err and "2/2" in err  # the progress bar
    assert sorted(titles(backend_name)) == ["储能技术", "光伏电站运维"]
    assert IndexRebuild.objects.get().documents == 2
    if backend_name == EMBEDDED:
        assert SearchEntry.objects.count() == 2
    else:  # a new index behind the alias, the old one gone
        alias = settings.ELASTICSEARCH_INDEX
        (index,) = get_backend(backend_name).indices()
        assert index.startswith(f"{alias}-") and index != f"{alias}-0"
        assert not client(settings.ELASTICSEARCH_URL).indices.exists(index=f"{alias}-0")


def test_popularity_refresh_requeues_changed_courses(
    new_energy, settings, django_capture_on_commit_callbacks
):
    settings.ELASTICSEARCH_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        course = make_course(new_energy, "光伏电站运维")
    assert services.popularity_refresh() == 0
    course_enrol(learner=make_learner("13900000002"), course=course)
    assert services.popularity_refresh() == 1
    assert list(IndexOperation.objects.values_list("page_id", flat=True)) == [course.pk]
