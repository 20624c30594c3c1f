import datetime

import pytest
from django.utils import timezone

from academies.models import TrainingBasePage
from courses.services.enrolment import course_enrol
from learning.models import LedgerSource
from learning.services import ledger_append
from tests.courses.conftest import hq, new_energy, new_materials, unit_slice, units  # noqa: F401
from tests.courses.factories import make_course, make_learner, open_lesson, user, with_video_lesson
from tests.learning.test_progress import seconds, watch


def dated(monkeypatch, when: datetime.datetime):
    """Rows written from now on are stamped `when` (auto_now_add reads timezone.now)."""
    monkeypatch.setattr(timezone, "now", lambda: when)


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


class Scene:
    """Three courses in three units, three learners, one completion, hours in two months."""

    def __init__(self, hq, new_energy, new_materials, monkeypatch):  # noqa: F811
        self.hq, self.new_energy, self.new_materials = hq, new_energy, new_materials
        self.pv_base = TrainingBasePage.objects.get(slug="pv-base")
        self.solar = with_video_lesson(
            make_course(new_energy, "光伏发电站设计", lessons=2), seconds=300
        )
        self.wind = make_course(self.pv_base, "风电场升压站设备巡视及维护")
        self.materials = make_course(new_materials, "新材料检测技术")
        self.li = make_learner("13900000011", name="李明")
        self.wang = make_learner("13900000012", name="王芳")
        self.zhao = make_learner("13900000013", name="赵强")
        for learner, course in [
            (self.li, self.solar),
            (self.li, self.wind),
            (self.wang, self.solar),
            (self.zhao, self.materials),
        ]:
            course_enrol(learner=learner, course=course)
        video, text = self.solar.lessons()
        # 李明 watches the whole video and opens the text: the course is complete.
        for step in range(11):
            watch(
                self.li, self.solar, video, max(step - 1, 0) * 30, step * 30, at=seconds(step * 30)
            )
        open_lesson(self.li, self.solar, text)
        # 王芳 stops half-way.
        for step in range(6):
            watch(
                self.wang,
                self.solar,
                video,
                max(step - 1, 0) * 30,
                step * 30,
                at=seconds(step * 30),
            )
        # Class hours in earlier months, in three units.
        monkeypatch_undo = monkeypatch.context()
        with monkeypatch_undo as patch:
            for when, learner, course, minutes in [
                (local(2026, 1, 31, 23, 30), self.li, self.wind, 90),
                (local(2026, 2, 1, 0, 30), self.li, self.wind, 30),
                (local(2026, 2, 14, 10, 0), self.zhao, self.materials, 120),
            ]:
                dated(patch, when)
                ledger_append(
                    learner=learner,
                    minutes=minutes,
                    source=LedgerSource.CLASS,
                    academy=course.get_parent().specific,
                    course=course,
                )


@pytest.fixture
def scene(hq, new_energy, new_materials, monkeypatch):  # noqa: F811
    return Scene(hq, new_energy, new_materials, monkeypatch)


@pytest.fixture
def new_energy_admin(units):  # noqa: F811
    return user("new_energy_admin")


@pytest.fixture
def hq_admin(units):  # noqa: F811
    return user("hq_admin")
