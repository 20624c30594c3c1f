"""The rules around a live lecture, without streaming: hours, viewers, questions, the
clock (grace, missed, lost supervisors), reminders, and who sees what."""

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from academies.models import IndustryAcademyPage
from accounts.sms import MemoryBackend
from courses.models import Follow
from learning.crediting import Beat
from learning.models import LedgerEntry, LedgerSource
from live import services, tasks
from live.models import IngestSession, LiveLecture, LiveQuestion, LiveStatus, SessionState
from lms.models import Notification
from tests.courses.factories import make_course

from .conftest import World, wait_for

SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def outbox(settings):
    settings.LEARNER_MESSAGE_BACKEND = "accounts.sms.MemoryBackend"
    MemoryBackend.outbox = []
    return MemoryBackend.outbox


def on_air(lecture, *, seconds=120):
    """The lecture live, with `seconds` of segments listed by its first connection."""
    from video import conf as video_conf

    lecture.status = LiveStatus.LIVE
    lecture.rendition_dir = "1/live-test"
    lecture.ladder = {"rungs": [{"name": "360p", "width": 640, "height": 360, "bitrate": 1}]}
    lecture.went_live_at = timezone.now()
    lecture.save()
    rendition = video_conf.stream_root() / lecture.rendition_dir / "360p"
    rendition.mkdir(parents=True, exist_ok=True)
    lines = ["#EXTM3U", '#EXT-X-MAP:URI="s1-init_360p.mp4"']
    for n in range(seconds // 2):
        lines += ["#EXTINF:2.000000,", f"s1-{n:05d}.m4s"]
    (rendition / "s1.m3u8").write_text("\n".join(lines) + "\n")
    return lecture


@pytest.fixture(autouse=True)
def video_root(settings, tmp_path):
    settings.VIDEO_ROOT = str(tmp_path / "video")


def test_watching_live_earns_honest_hours_with_the_live_source(world):
    lecture = on_air(world.lecture(starts_in=-SECOND * 60))
    start = timezone.now()

    def beat(offset, ranges, *, visible=True, tab="a"):
        return services.watch_record(
            lecture=lecture,
            learner=world.learner,
            beat=Beat(
                position=ranges[-1][1] if ranges else 0, ranges=ranges, rate=1, visible=visible
            ),
            tab=tab,
            live_seconds=120,
            now=start + SECOND * offset,
        )

    beat(0, [])
    beat(30, [(0, 30)])
    # A second tab playing the same stretch earns nothing more: one clock per learner.
    beat(30, [(0, 30)], tab="b")
    beat(45, [(30, 45)], visible=False)  # hidden: nothing
    state = beat(75, [(45, 75)])
    assert 59 <= state.credited_seconds <= 62
    entries = LedgerEntry.objects.filter(learner=world.learner)
    assert [(e.minutes, e.source, e.course_id) for e in entries] == [
        (1, LedgerSource.LIVE, world.course.pk)
    ]


def test_the_player_heartbeat_counts_viewers_and_refuses_nonsense(world, client):
    lecture = on_air(world.lecture(starts_in=-SECOND * 60))
    url = reverse("live:progress", args=(lecture.pk,))
    client.force_login(world.learner)
    ok = client.post(url, {"position": 3, "ranges": [], "rate": 1, "tab": "x"}, "application/json")
    assert ok.status_code == 200 and ok.json()["viewers"] == 1
    for bad in ({"rate": "nan"}, {"ranges": [[5, 1]]}, {"position": 1e999}, {"ranges": [[0, 9e9]]}):
        answer = client.post(url, json.dumps({"tab": "x", **bad}), "application/json")
        assert answer.status_code == 400, bad
        assert answer.json()["error"]["code"] == "invalid"
    client.force_login(world.outsider)
    assert client.post(url, {}, "application/json").status_code == 403
    state = client.get(reverse("live:state", args=(lecture.pk,)))
    assert state.status_code == 403


def test_questions_are_bounded_and_moderated(world, client):
    lecture = on_air(world.lecture(starts_in=-SECOND * 60))
    url = reverse("live:questions", args=(lecture.pk,))
    client.force_login(world.learner)
    too_long = client.post(url, {"text": "问" * 301}, "application/json")
    assert too_long.status_code == 400
    asked = client.post(url, {"text": "请问巡视时先看哪台变压器?"}, "application/json")
    assert asked.status_code == 201
    too_fast = client.post(url, {"text": "还有一个问题"}, "application/json")
    assert too_fast.status_code == 400 and "太快" in too_fast.json()["error"]["message"]
    question = LiveQuestion.objects.get()
    moderate = reverse("live:question", args=(lecture.pk, question.pk))
    assert client.post(moderate, {"action": "hidden"}, "application/json").status_code == 403

    client.force_login(world.lecturer_user)
    assert client.post(moderate, {"action": "answered"}, "application/json").status_code == 200
    abuse = LiveQuestion.objects.create(lecture=lecture, author=world.outsider, text="广告")
    hide = reverse("live:question", args=(lecture.pk, abuse.pk))
    assert client.post(hide, {"action": "hidden"}, "application/json").status_code == 200

    client.force_login(world.learner)
    shown = client.get(reverse("live:state", args=(lecture.pk,))).json()["questions"]
    assert [(q["text"], q["answered"]) for q in shown] == [("请问巡视时先看哪台变压器?", True)]
    client.force_login(world.admin)
    shown = client.get(reverse("live:state", args=(lecture.pk,))).json()["questions"]
    assert [q["hidden"] for q in shown] == [False, True]


def test_publishing_is_refused_outside_the_window_and_the_grace_period_ends_it(
    world, settings, django_capture_on_commit_callbacks
):
    lecture = world.lecture(starts_in=datetime.timedelta(minutes=31))
    with pytest.raises(services.PublishRefused):
        services.publish_authorize(stream_key=lecture.stream_key)
    now = timezone.now() + datetime.timedelta(minutes=2)
    session = services.publish_authorize(stream_key=lecture.stream_key, now=now)
    with pytest.raises(services.PublishRefused):  # a second publisher
        services.publish_authorize(stream_key=lecture.stream_key, now=now)
    on_air(LiveLecture.objects.get(pk=lecture.pk))
    services.session_end(session_id=session.pk)
    assert LiveLecture.objects.get(pk=lecture.pk).status == LiveStatus.RECONNECTING
    assert services.lectures_past_grace() == 0
    later = timezone.now() + datetime.timedelta(seconds=settings.LIVE_GRACE_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.lectures_past_grace(now=later) == 1
    lecture.refresh_from_db()
    # The fake lecture has no real segments: its replay cannot be made, and says so.
    assert lecture.status in (LiveStatus.FAILED, LiveStatus.MISSED)
    assert lecture.failure_reason
    with pytest.raises(services.PublishRefused):
        services.publish_authorize(stream_key=lecture.stream_key)


def test_a_lecture_that_never_started_is_missed(world):
    lecture = world.lecture(
        starts_in=-datetime.timedelta(hours=2), length=datetime.timedelta(hours=1)
    )
    assert tasks.watchdog()["missed"] == 1
    assert LiveLecture.objects.get(pk=lecture.pk).status == LiveStatus.MISSED


def test_the_watchdog_kills_the_transcoder_of_a_lost_supervisor(world):
    lecture = world.lecture(starts_in=-SECOND * 60)
    session = services.publish_authorize(stream_key=lecture.stream_key)
    lecture = on_air(LiveLecture.objects.get(pk=lecture.pk))
    # An "ffmpeg" whose command line names the lecture's directory, as the transcoder's does.
    transcoder = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)", "ffmpeg", lecture.rendition_dir],
        start_new_session=True,
    )
    # Popen returns once the exec has begun; the kernel fills in the command line a
    # moment later (the watchdog would read it empty and spare the process).
    wait_for(lambda: Path(f"/proc/{transcoder.pid}/cmdline").read_bytes(), what="the exec")
    stale = timezone.now() - datetime.timedelta(minutes=5)
    from live.ingest import HOSTNAME

    IngestSession.objects.filter(pk=session.pk).update(
        state=SessionState.RUNNING, heartbeat_at=stale, hostname=HOSTNAME, ffmpeg_pid=transcoder.pid
    )
    assert tasks.watchdog()["lost"] == 1
    assert transcoder.wait(timeout=10) == -9
    session.refresh_from_db()
    assert session.state == SessionState.FAILED
    assert LiveLecture.objects.get(pk=lecture.pk).status == LiveStatus.RECONNECTING


def test_reminders_go_to_enrolled_learners_and_followers_once(
    world, outbox, django_capture_on_commit_callbacks
):
    follower = world.outsider
    Follow.objects.create(user=follower, page=world.lecturer)
    lecture = world.lecture(starts_in=datetime.timedelta(hours=20))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reminders() == 2
    assert tasks.reminders() == 0
    texts = Notification.objects.filter(url=reverse("live:lecture", args=(lecture.pk,)))
    assert sorted(n.user_id for n in texts) == sorted([world.learner.pk, follower.pk])
    assert all("明天" in n.text or "直播" in n.text for n in texts)
    assert len(outbox) == 2
    LiveLecture.objects.filter(pk=lecture.pk).update(
        starts_at=timezone.now() + datetime.timedelta(minutes=10)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reminders() == 2
    assert len(outbox) == 4


def test_the_stream_key_is_shown_only_to_the_lecturer_and_the_units_admins(world, client):
    lecture = world.lecture()
    url = reverse("live_lectures:stream", args=(lecture.pk,))
    for user in (world.admin, world.lecturer_user):
        client.force_login(user)
        page = client.get(url)
        assert page.status_code == 200 and lecture.stream_key in page.content.decode()
    client.force_login(world.admin)
    client.post(url, {"action": "rotate"})
    assert LiveLecture.objects.get(pk=lecture.pk).stream_key != lecture.stream_key
    other = World.other_academy_admin()
    client.force_login(other)
    assert client.get(url).status_code in (302, 403, 404)


def test_an_admin_schedules_a_lecture_for_a_lesson_of_their_own_academy(world, client):
    World.other_academy_admin()
    elsewhere = make_course(
        IndustryAcademyPage.objects.get(slug="new-materials"), "锂电池材料", lessons=1
    )
    client.force_login(world.admin)
    add = reverse("live_lectures:add")
    form = client.get(add)
    assert form.status_code == 200
    choice = f"{world.course.pk}:{world.lesson.key}"
    assert choice in form.content.decode()
    # Another academy's lessons are neither offered nor accepted.
    foreign = f"{elsewhere.pk}:{elsewhere.lessons()[0].key}"
    assert foreign not in form.content.decode()
    refused = client.post(add, {"title": "越权直播", "lesson": foreign})
    assert refused.status_code == 200 and not LiveLecture.objects.filter(title="越权直播").exists()
    starts = timezone.localtime() + datetime.timedelta(days=1)
    answer = client.post(
        add,
        {
            "title": "光伏电站巡检直播",
            "lesson": choice,
            "lecturer": world.lecturer.pk,
            "starts_at": starts.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (starts + datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "description": "",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    lecture = LiveLecture.objects.get(title="光伏电站巡检直播")
    assert (lecture.course_id, lecture.lesson_key, lecture.unit_id) == (
        world.course.pk,
        world.lesson.key,
        world.academy.pk,
    )
    assert lecture.srt_port is not None and lecture.created_by == world.admin
    # The lesson's page now shows the lecture.
    client.force_login(world.learner)
    lesson_page = client.get(world.course.url + f"lessons/{world.lesson.key}/")
    assert reverse("live:lecture", args=(lecture.pk,)) in lesson_page.content.decode()


def test_a_night_school_class_taught_online_links_its_lecture(db, client):
    from tests.nightschool.factories import make_learner, make_school, make_session

    school = make_school()
    session = make_session(school.site, school.course, lecturer=school.lecturer)
    lecture = services.lecture_save(
        lecture=LiveLecture(
            title="书法(楷书)第 3 讲 · 线上同步",
            class_session=session,
            lecturer=school.lecturer,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
        ),
        user=school.admin,
    )
    assert lecture.unit_id == school.site.pk
    session.refresh_from_db()
    assert session.online_url.endswith(reverse("live:lecture", args=(lecture.pk,)))
    # The class is broadcast for those who cannot come: any learner may watch.
    client.force_login(make_learner("13900139099"))
    assert client.get(reverse("live:lecture", args=(lecture.pk,))).status_code == 200
    # Its lecturer runs it; an academy admin elsewhere does not.
    client.force_login(school.lecturer_user)
    assert client.get(reverse("live_lectures:stream", args=(lecture.pk,))).status_code == 200
    client.force_login(school.academy_admin)
    assert client.get(reverse("live_lectures:stream", args=(lecture.pk,))).status_code == 404


def test_the_home_page_shows_the_lectures_on_air_then_the_coming_ones(world, client):
    soon = world.lecture(starts_in=datetime.timedelta(hours=3), title="三小时后的直播课")
    on_air(world.lecture(starts_in=-SECOND * 60, title="正在直播的巡视课"))
    over = world.lecture(starts_in=-SECOND * 600, title="已经结束的直播课")
    LiveLecture.objects.filter(pk=over.pk).update(status=LiveStatus.ENDED)

    page = client.get("/").content.decode()
    section = page[page.index('id="live-title"') :]
    assert section.index("直播中") < section.index("正在直播的巡视课") < section.index(soon.title)
    assert reverse("live:lecture", args=(soon.pk,)) in section
    assert "已经结束的直播课" not in page
