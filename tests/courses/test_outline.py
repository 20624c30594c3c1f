"""The course outline is edited on the course page; lesson keys survive every edit."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from academies.models import HeadquartersPage, IndustryAcademyPage, TrainingBasePage
from courses.models import (
    Category,
    Chapter,
    CourseIndexPage,
    CoursePage,
    LecturerIndexPage,
    LecturerPage,
    Lesson,
)
from tests.courses.factories import make_course

pytestmark = pytest.mark.django_db


class TreeRulesTest(WagtailPageTestCase):
    def test_courses_listings_and_faculties_live_in_every_unit(self):
        for unit in (HeadquartersPage, IndustryAcademyPage, TrainingBasePage):
            self.assertCanCreateAt(unit, CoursePage)
            self.assertCanCreateAt(unit, CourseIndexPage)
            self.assertCanCreateAt(unit, LecturerIndexPage)
        self.assertAllowedSubpageTypes(CoursePage, set())
        self.assertAllowedSubpageTypes(LecturerIndexPage, {LecturerPage})
        self.assertAllowedParentPageTypes(LecturerPage, {LecturerIndexPage})


def _lesson_form(lesson: dict, order: int) -> dict:
    return {
        "id": lesson.get("pk") or "",
        "key": lesson["key"],
        "title": lesson["title"],
        "video": "",
        "body": streamfield([("text", rich_text("<p>讲义</p>"))]),
        "required": "on",
        "study_minutes": "30",
        "ORDER": str(order),
    }


def edit_form(course: CoursePage, lessons: list[dict], *, initial: int, publish: bool) -> dict:
    """What the editor posts for the course with one chapter holding `lessons`, the
    first `initial` of which were on the page when the editor opened it."""
    data = {
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "category": str(course.category_id),
        "tags": "",
        "level": course.level,
        "learning_hours": str(course.learning_hours),
        "mode": course.mode,
        "enrolment_policy": course.enrolment_policy,
        "seat_limit": "",
        "course_lecturers": inline_formset([]),
        "description": streamfield([]),
        "chapters": inline_formset(
            [
                {
                    "id": course.chapters.get().pk,
                    "title": "第一章",
                    "lessons": inline_formset(
                        [_lesson_form(lesson, n) for n, lesson in enumerate(lessons)],
                        initial=initial,
                    ),
                }
            ],
            initial=1,
        ),
    }
    if publish:
        data["action-publish"] = "1"
    return nested_form_data(data)


def in_editor(course: CoursePage) -> list[dict]:
    """The lessons as the editor shows them: from the draft if there is one."""
    page = CoursePage.objects.get(pk=course.pk).get_latest_revision_as_object()
    return [
        {"pk": lesson.pk, "key": str(lesson.key), "title": lesson.title}
        for lesson in page.lessons()
    ]


def test_lesson_keys_survive_drafts_and_publishing(client, hq):
    client.force_login(get_user_model().objects.get(username="admin"))
    course = make_course(hq, "光伏发电站设计", lessons=2)
    url = reverse("wagtailadmin_pages:edit", args=(course.pk,))
    before = in_editor(course)

    # Two lessons added in one session: both carry the key of the "add" template.
    template_key = "0b7e3c52-8a70-4a62-9a8f-3c2a1e0f9d11"
    added = [{"title": "并网接入设计", "key": template_key}, {"title": "验收", "key": template_key}]
    response = client.post(url, edit_form(course, [*before, *added], initial=2, publish=False))
    assert response.status_code == 302
    draft = in_editor(course)
    assert [lesson["pk"] for lesson in draft][2:] == [None, None]
    keys = [lesson["key"] for lesson in draft]
    assert keys[:2] == [lesson["key"] for lesson in before]
    assert len(set(keys)) == 4

    # The draft is reopened (its new lessons have no id yet) and published.
    response = client.post(url, edit_form(course, draft, initial=4, publish=True))
    assert response.status_code == 302
    live = CoursePage.objects.get(pk=course.pk)
    assert [str(lesson.key) for lesson in live.lessons()] == keys
    assert [lesson.title for lesson in live.lessons()] == ["第1课", "第2课", "并网接入设计", "验收"]

    # Published again without changes: nothing moves.
    published = in_editor(course)
    response = client.post(url, edit_form(course, published, initial=4, publish=True))
    assert response.status_code == 302
    assert in_editor(course) == published


def test_the_course_page_lists_its_outline_and_opens_lessons_only_for_its_learners(client, hq):
    course = make_course(hq, "新能源前沿技术", lessons=2)
    lesson = course.lessons()[0]
    assert [lesson.title for lesson in course.lessons()] == ["第1课", "第2课"]
    assert {lesson.sort_order for lesson in course.lessons()} == {0, 1}
    html = client.get(course.url).content.decode()
    assert "第一章" in html and html.index("第1课") < html.index("第2课")
    lesson_url = course.url + course.reverse_subpage("lesson", args=(lesson.key,))
    assert lesson_url not in html
    html = client.get(lesson_url).content.decode()
    assert f"/accounts/login/?next={lesson_url}" in html and "第1课讲义" not in html


def test_a_copied_course_has_lesson_keys_of_its_own(new_energy):
    """Progress is kept by lesson key: a copy must not share its lessons with the original."""
    original = make_course(new_energy, "焊接工艺基础")
    copy = original.copy(
        to=new_energy, update_attrs={"title": "焊接工艺基础(第二期)", "slug": "weld-2"}
    )
    for page in (copy, CoursePage.objects.get(pk=copy.pk)):
        original_keys = {lesson.key for lesson in original.lessons()}
        copy_keys = {lesson.key for lesson in page.lessons()}
        assert len(copy_keys) == 2 and not original_keys & copy_keys
    published = copy.get_latest_revision().as_object()
    published.save_revision().publish()
    assert not {lesson.key for lesson in original.lessons()} & {
        lesson.key for lesson in CoursePage.objects.get(pk=copy.pk).lessons()
    }


def test_a_course_built_in_code_is_stored_in_its_given_order(new_energy):
    # Rows saved without a sort order come back in any order on PostgreSQL; the first
    # save, before any revision, must already number the chapters and lessons.
    page = CoursePage(
        title="焊接工艺",
        summary="简介",
        category=Category.objects.get(name="职业发展"),
        chapters=[
            Chapter(title=title, lessons=[Lesson(title=f"{title}{n}") for n in range(3)])
            for title in ("第一章", "第二章")
        ],
    )
    new_energy.add_child(instance=page)

    chapters = page.chapters.order_by("pk")
    assert [(chapter.title, chapter.sort_order) for chapter in chapters] == [
        ("第一章", 0),
        ("第二章", 1),
    ]
    lessons = Lesson.objects.filter(chapter__course=page).order_by("pk")
    assert [(lesson.title, lesson.sort_order) for lesson in lessons] == [
        (f"{chapter}{n}", n) for chapter in ("第一章", "第二章") for n in range(3)
    ]
