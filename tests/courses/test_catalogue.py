"""Listings per academy, base and category; the "4+N" categories; the faculty."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.images.models import Image

from courses.models import Category, CourseLecturer, Honour, LecturerIndexPage, LecturerPage
from courses.services import course_enrol
from tests.courses.factories import make_course, make_learner, make_listing, user
from tests.images import tiny_png
from video.models import RenditionSet, Video, VideoStatus, Visibility

pytestmark = pytest.mark.django_db


def test_the_four_fixed_categories_exist_and_cannot_be_deleted(client, units):
    fixed = Category.objects.filter(is_fixed=True)
    assert list(fixed.values_list("name", flat=True)) == [
        "思政引领",
        "文化艺术",
        "职业发展",
        "社会融入",
    ]
    client.force_login(user("admin"))
    politics = fixed.get(name="思政引领")
    url = reverse("wagtailsnippets_courses_category:delete", args=(politics.pk,))
    response = client.post(url, follow=True)
    assert "属于“4+N”模式的四个固定类别,不能删除" in response.content.decode()
    assert Category.objects.filter(pk=politics.pk).exists()

    city = Category.objects.create(name="冰雪运动", city="长春市")
    client.post(reverse("wagtailsnippets_courses_category:delete", args=(city.pk,)))
    assert not Category.objects.filter(pk=city.pk).exists()


def test_headquarters_admins_add_a_citys_category(client, units):
    client.force_login(user("hq_admin"))
    response = client.post(
        reverse("wagtailsnippets_courses_category:add"),
        {"name": "人参产业", "city": "白山市", "description": "", "sort_order": "10"},
    )
    assert response.status_code == 302
    assert Category.objects.get(name="人参产业").city == "白山市"
    client.force_login(user("new_energy_admin"))
    response = client.get(reverse("wagtailsnippets_courses_category:add"))
    assert response.status_code in (302, 403)


def test_listing_per_unit_category_level_and_tag(client, hq, new_energy, new_materials):
    arts = Category.objects.get(name="文化艺术")
    make_course(new_energy, "光伏发电站设计", level="intermediate", mode="online")
    welding = make_course(new_energy, "焊工技能竞赛强化训练", level="advanced")
    welding.tags.add("焊工")
    welding.save_revision().publish()
    make_course(new_materials, "新材料检测", level="beginner")
    make_course(hq, "书法", category=arts)
    catalogue = make_listing(hq, "全省课程")
    academy_listing = make_listing(new_energy)

    html = client.get(academy_listing.url).content.decode()
    assert "共 2 门课程" in html
    assert "光伏发电站设计" in html and "新材料检测" not in html and "书法" not in html

    html = client.get(catalogue.url).content.decode()
    assert "共 4 门课程" in html

    html = client.get(catalogue.url, {"category": arts.pk}).content.decode()
    assert "共 1 门课程" in html and "书法" in html and "<h1>文化艺术 · 全省课程</h1>" in html

    html = client.get(catalogue.url, {"level": "advanced"}).content.decode()
    assert "共 1 门课程" in html and "焊工技能竞赛强化训练" in html

    html = client.get(catalogue.url, {"tag": "焊工"}).content.decode()
    assert "共 1 门课程" in html and "焊工技能竞赛强化训练" in html

    # A stale link (a deleted category) shows everything rather than an error.
    html = client.get(catalogue.url, {"category": "99999"}).content.decode()
    assert "共 4 门课程" in html


def test_listing_is_paginated_and_keeps_the_filters(client, hq):
    catalogue = make_listing(hq, "全省课程")
    for number in range(14):
        make_course(hq, f"课程{number:02d}", level="beginner")
    html = client.get(catalogue.url, {"level": "beginner"}).content.decode()
    assert "第 1 页,共 2 页" in html
    assert "?level=beginner&amp;page=2" in html
    html = client.get(catalogue.url, {"level": "beginner", "page": "2"}).content.decode()
    assert html.count('class="card course-card"') == 2


def _listing_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_listing_queries_do_not_grow_with_the_courses(client, hq, new_energy):
    cover = Image.objects.create(title="封面", file=SimpleUploadedFile("c.png", tiny_png()))
    lecturer_index = LecturerIndexPage(title="师资库", slug="lecturers")
    hq.add_child(instance=lecturer_index)
    lecturers = []
    for name in ("王建国", "李秀梅"):
        lecturer = LecturerPage(title=name, slug=f"lecturer-{len(lecturers)}")
        lecturer.honours = list(Honour.objects.all()[:2])
        lecturer_index.add_child(instance=lecturer)
        lecturers.append(lecturer)
    catalogue = make_listing(hq, "全省课程")
    learner = make_learner("13911112222")

    def add_courses(first, last):
        for number in range(first, last):
            course = make_course(
                new_energy if number % 2 else hq,
                f"课程{number:02d}",
                cover_image=cover,
                course_lecturers=[CourseLecturer(lecturer=lecturer) for lecturer in lecturers],
            )
            course.tags.add("新能源", f"标签{number}")
            course.save_revision().publish()

    client.force_login(learner)
    add_courses(0, 5)
    _listing_queries(client, catalogue.url)  # renditions made, caches warm
    at_5 = _listing_queries(client, catalogue.url)
    add_courses(5, 50)
    _listing_queries(client, catalogue.url)
    at_50 = _listing_queries(client, catalogue.url)
    assert at_5 == at_50
    html = client.get(catalogue.url).content.decode()
    assert "共 50 门课程" in html and "王建国、李秀梅" in html


def test_a_lecturer_page_shows_honours_courses_and_ready_public_videos(client, hq, new_energy):
    faculty = LecturerIndexPage(title="师资库", slug="lecturers")
    hq.add_child(instance=faculty)
    lecturer = LecturerPage(
        title="王建国", slug="wang", position="升压站运维班班长", user=user("lecturer")
    )
    lecturer.honours = list(Honour.objects.filter(name__in=["全国劳动模范", "大国工匠"]))
    faculty.add_child(instance=lecturer)
    lecturer.save_revision().publish()
    make_course(
        new_energy,
        "风电场升压站设备巡视及维护",
        course_lecturers=[CourseLecturer(lecturer=lecturer)],
    )
    for title, status, visibility in (
        ("主变压器日常维护", VideoStatus.READY, Visibility.PUBLIC),
        ("处理中的视频", "processing", Visibility.PUBLIC),
        ("内部培训:主变检修", VideoStatus.READY, Visibility.RESTRICTED),
    ):
        ready_video(title, status=status, visibility=visibility, duration=605)

    html = client.get(lecturer.url).content.decode()
    assert "全国劳动模范" in html and "大国工匠" in html
    assert "风电场升压站设备巡视及维护" in html
    assert "主变压器日常维护" in html and "10:05" in html
    assert "处理中的视频" not in html
    assert "内部培训" not in html  # a restricted video's title is as private as the video

    html = client.get(faculty.url).content.decode()
    assert "王建国" in html and "升压站运维班班长" in html


def ready_video(title, *, visibility=Visibility.RESTRICTED, **fields) -> Video:
    video = Video.objects.create(
        title=title, lecturer=user("lecturer"), visibility=visibility,
        **{"status": VideoStatus.READY, **fields},
    )  # fmt: skip
    video.current_rendition_set = RenditionSet.objects.create(
        video=video, directory=f"{video.pk}/set", master="master.m3u8"
    )
    video.save(update_fields=["current_rendition_set"])
    return video


def test_a_lecturer_page_lists_only_videos_the_visitor_may_watch(client, hq, new_energy):
    """With the course each belongs to: public lectures, free previews, and for an
    enrolled learner the lessons of their course; the lecturer sees all of theirs."""
    faculty = LecturerIndexPage(title="师资库", slug="lecturers")
    hq.add_child(instance=faculty)
    lecturer = LecturerPage(title="王建国", slug="wang", user=user("lecturer"))
    faculty.add_child(instance=lecturer)
    lecturer.save_revision().publish()
    public = ready_video("新能源前沿技术公开课", visibility=Visibility.PUBLIC)
    preview, lesson_only = ready_video("升压站巡视要点"), ready_video("主变压器日常维护")
    ready_video("未发布的讲课录像")  # restricted, in no course
    course = make_course(new_energy, "风电场升压站设备巡视及维护", lessons=3)
    for lesson, video, free in zip(course.lessons(), (public, preview, lesson_only),
                                   (False, True, False), strict=True):  # fmt: skip
        lesson.video, lesson.free_preview = video, free
        lesson.save()
    course_url = course.url

    html = client.get(lecturer.url).content.decode()
    assert "新能源前沿技术公开课" in html and "升压站巡视要点" in html
    assert "主变压器日常维护" not in html and "未发布的讲课录像" not in html
    assert html.count(f'课程: <a href="{course_url}">') == 2
    preview_lesson = course.lessons()[1]
    assert course_url + course.reverse_subpage("lesson", args=(preview_lesson.key,)) in html

    learner = make_learner("13900000009")
    course_enrol(learner=learner, course=course)
    client.force_login(learner)
    html = client.get(lecturer.url).content.decode()
    assert "主变压器日常维护" in html and "未发布的讲课录像" not in html

    client.force_login(user("lecturer"))
    assert "未发布的讲课录像" in client.get(lecturer.url).content.decode()
