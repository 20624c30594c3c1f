"""Live lectures tested for real: nginx with its RTMP module on loopback calling a live
Django server, the ingest supervisor in a thread, ffmpeg publishing lavfi picture and
tone over RTMP and SRT."""

import datetime
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from academies.models import HeadquartersPage, IndustryAcademyPage
from courses import services as course_services
from courses.models import LecturerIndexPage, LecturerPage
from live import conf, services
from live.ingest import Supervisor
from live.models import LiveLecture, LiveStatus
from lms.demo import DEMO_PASSWORD
from lms.models import HomePage
from tests.academies.factories import make_unit
from tests.courses.factories import make_course, make_learner
from video import conf as video_conf

MINUTE = datetime.timedelta(minutes=1)
REPO = Path(__file__).resolve().parents[2]
PORTS = range(*map(int, os.environ.get("LMS_TEST_LIVE_PORTS", "8640-8690").split("-")))


def free_port(taken=()) -> int:
    for port in PORTS:
        if port in taken:
            continue
        try:  # free for TCP (RTMP, HTTP) and UDP (SRT) alike
            for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                with socket.socket(socket.AF_INET, kind) as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port for the ingest servers")


class Ingest:
    """The running ingest: nginx's ports and the supervisor thread."""

    def __init__(self, rtmp_port: int, http_port: int, directory: Path):
        self.rtmp_port, self.http_port, self.directory = rtmp_port, http_port, directory
        self.publishers: list[subprocess.Popen] = []

    def rtmp_url(self, key: str) -> str:
        return f"rtmp://127.0.0.1:{self.rtmp_port}/live/{key}"

    def publish(self, url: str, *, seconds: float, size="640x360", fmt="flv", wait=False):
        """ffmpeg sending `seconds` of a test picture (with a clock) and a tone, in real time."""
        cmd = [
            "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
            "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
            "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-f", fmt, url,
        ]  # fmt: skip
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.publishers.append(proc)
        if wait:
            proc.wait(timeout=seconds + 30)
        return proc

    def stop_publishers(self):
        for proc in self.publishers:
            if proc.poll() is None:
                proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def ingest_servers(live_server, tmp_path_factory):
    """nginx (RTMP + signed segments) on loopback, for the tests of a module."""
    directory = tmp_path_factory.mktemp("ingest")
    video_root = tmp_path_factory.mktemp("video")
    rtmp_port = free_port()
    http_port = free_port({rtmp_port})
    srt_first = free_port({rtmp_port, http_port})
    overrides = override_settings(
        VIDEO_ROOT=str(video_root),
        VIDEO_MIN_FREE_BYTES=16 * 1024 * 1024,
        LIVE_RTMP_URL=f"rtmp://127.0.0.1:{rtmp_port}/live",
        LIVE_RTMP_PULL_URL=f"rtmp://127.0.0.1:{rtmp_port}/live",
        LIVE_RTMP_CONTROL_URL=f"http://127.0.0.1:{http_port}/control",
        LIVE_SRT_PORTS=f"{srt_first}-{srt_first}",
        LIVE_GRACE_SECONDS=8,
    )
    overrides.enable()
    subprocess.run(
        [
            str(REPO / "scripts/live-ingest.sh"), "start", str(directory), str(rtmp_port),
            str(http_port), live_server.url, str(video_root), conf.ingest_secret(),
            video_conf.stream_secret(),
        ],
        check=True,
    )  # fmt: skip
    try:
        yield Ingest(rtmp_port, http_port, directory)
    finally:
        subprocess.run([str(REPO / "scripts/live-ingest.sh"), "stop", str(directory)], check=False)
        overrides.disable()
        shutil.rmtree(video_root, ignore_errors=True)


@pytest.fixture
def ingest(ingest_servers, site_tree):
    """The servers and a supervisor running in a thread, stopped after the test."""
    stop = threading.Event()
    supervisor = Supervisor()
    thread = threading.Thread(target=supervisor.serve, args=(stop,), daemon=True)
    thread.start()
    try:
        yield ingest_servers
    finally:
        ingest_servers.stop_publishers()
        stop.set()
        thread.join(timeout=30)


class World:
    """An academy with a course whose second lesson is live, its lecturer, a learner."""

    def __init__(self):
        home = HomePage.objects.get()
        hq = make_unit(home, HeadquartersPage, "吉林省工匠学院总部", slug="academies")
        self.academy = make_unit(
            hq, IndustryAcademyPage, "吉林省新能源工匠学院", slug="new-energy", industry="新能源"
        )
        users = get_user_model().objects
        self.lecturer_user = users.create_user(
            "lecturer_live", password=DEMO_PASSWORD, first_name="王", last_name="建国"
        )
        self.lecturer_user.groups.add(self.academy.lecturer_group)
        self.admin = users.create_user("admin_live")
        self.admin.groups.add(self.academy.admin_group)
        faculty = LecturerIndexPage(title="师资", slug="faculty")
        self.academy.add_child(instance=faculty)
        self.lecturer = LecturerPage(title="王建国", slug="wang", user=self.lecturer_user)
        faculty.add_child(instance=self.lecturer)
        self.lecturer.save_revision().publish()
        self.course = make_course(self.academy, "风电场升压站设备巡视及维护", lessons=2)
        self.lesson = self.course.lessons()[1]
        self.learner = make_learner("13900139001", name="李学员")
        course_services.course_enrol(learner=self.learner, course=self.course)
        self.outsider = make_learner("13900139002", name="赵路人")

    @staticmethod
    def other_academy_admin():
        """An administrator of another academy."""
        hq = HeadquartersPage.objects.get()
        other = make_unit(
            hq, IndustryAcademyPage, "吉林省新材料工匠学院", slug="new-materials", industry="新材料"
        )
        admin = get_user_model().objects.create_user("admin_other")
        admin.groups.add(other.admin_group)
        return admin

    def lecture(
        self,
        *,
        starts_in=datetime.timedelta(minutes=5),
        length=datetime.timedelta(hours=1),
        **fields,
    ):
        starts = timezone.now() + starts_in
        lecture = LiveLecture(
            title=fields.pop("title", "升压站设备巡视直播课"),
            course=self.course,
            lesson_key=self.lesson.key,
            lecturer=self.lecturer,
            starts_at=starts,
            ends_at=starts + length,
            **fields,
        )
        return services.lecture_save(lecture=lecture, user=self.admin)


@pytest.fixture
def world(site_tree):
    return World()


def wait_for(predicate, *, timeout: float = 60.0, interval: float = 0.25, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what or predicate}")


def status_of(lecture) -> str:
    return LiveLecture.objects.values_list("status", flat=True).get(pk=lecture.pk)


__all__ = ["LiveStatus", "status_of", "wait_for"]
