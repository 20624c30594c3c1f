"""`manage.py audit_hours`: every learner's hours recomputed from lesson progress and
class attendance, and each disagreement with the ledger reported. (The demo is audited in
tests/lms/test_seed_demo.py, which seeds it.)"""

import datetime
import io
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from courses.services import course_enrol
from learning.audit import audit_hours
from learning.models import LedgerEntry, LedgerSource, LessonProgress
from learning.services import ledger_adjust, ledger_append
from nightschool import services as nightschool
from nightschool.models import Booking
from tests.courses.factories import heartbeat, make_course, with_video_lesson
from tests.nightschool.conftest import before, school, session  # noqa: F401
from tests.nightschool.factories import make_learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def studied(school, session, before):  # noqa: F811
    """A learner who watched 3 minutes of a lecture and attended 80 minutes of a class."""
    learner = make_learner("13900000001", "王芳")
    course = with_video_lesson(make_course(school.site, "书法理论", lessons=1), seconds=600)
    course_enrol(learner=learner, course=course)
    start = timezone.now() - datetime.timedelta(minutes=10)
    for step in range(13):
        at = start + datetime.timedelta(seconds=15 * step)
        heartbeat(learner, course, course.lessons()[0], max(0, step - 1) * 15, step * 15, at=at)
    nightschool.booking_create(learner=learner, session=session, now=before)
    nightschool.attendance_record(
        session=session,
        learner=learner,
        minutes=80,
        reason="手机没电,讲师确认到课",
        by=school.admin,
        now=session.ends_at,
    )
    return learner, course


def audit() -> tuple[str, bool]:
    out = io.StringIO()
    try:
        call_command("audit_hours", stdout=out, stderr=io.StringIO())
    except CommandError as error:
        return out.getvalue() + str(error), False
    return out.getvalue(), True


def test_honest_records_agree_with_the_ledger(studied):
    learner, _course = studied
    assert LedgerEntry.objects.filter(learner=learner).count() == 4  # 3 video, 1 class
    report = audit_hours()
    assert report.disagreements == [] and report.adjusted == []
    assert report.expected_minutes == report.ledger_minutes == 3 + 80
    output, agreed = audit()
    assert agreed and "学时与台账一致" in output and "1.4 学时(83 分钟)" in output


def test_a_credit_without_or_beyond_its_record_is_reported(studied, school):  # noqa: F811
    learner, course = studied
    lesson = course.lessons()[0]
    ledger_append(  # written past the services: a forged lesson credit, an orphan one
        learner=learner, minutes=30, source="video", academy=school.site, course=course,
        reference=f"lesson:{lesson.key}",
    )  # fmt: skip
    ledger_append(
        learner=learner, minutes=60, source="reading", academy=school.site,
        reference=f"lesson:{uuid.uuid4()}",
    )  # fmt: skip
    Booking.objects.filter(learner=learner).update(credited_minutes=90)
    findings = {(f.expected, f.recorded) for f in audit_hours().disagreements}
    assert findings == {(3, 33), (None, 60), (90, 80)}
    output, agreed = audit()
    assert not agreed and "发现 3 处学时与台账不一致" in output
    assert "课时进度记录为 3 分钟,台账为 33 分钟" in output


def test_progress_credited_beyond_its_coverage_is_reported(studied):
    learner, _course = studied
    LessonProgress.objects.filter(learner=learner).update(watched=[[0, 60]])
    (finding,) = audit_hours().disagreements
    assert (finding.expected, finding.recorded) == (1, 3)


def test_an_admins_correction_is_listed_as_adjusted_not_as_a_disagreement(
    studied,
    school,  # noqa: F811
):
    learner, _course = studied
    entry = LedgerEntry.objects.filter(learner=learner, source=LedgerSource.VIDEO).first()
    ledger_adjust(
        learner=learner, minutes=-1, reason="重复计时", author=school.admin, corrects=entry
    )
    report = audit_hours()
    assert report.disagreements == []
    assert [(f.expected, f.recorded) for f in report.adjusted] == [(3, 2)]
    output, agreed = audit()
    assert agreed and "已人工调整" in output


def test_hours_below_zero_in_a_unit_and_unchecked_live_hours(studied, school):  # noqa: F811
    learner, _course = studied
    # Past the services (their rule refuses it): a unit's balance below zero.
    LedgerEntry.objects.create(
        learner=learner, minutes=-200, source=LedgerSource.MANUAL, reason="清零",
        academy_id=school.branch.pk, academy_title=school.branch.title,
    )  # fmt: skip
    ledger_append(learner=learner, minutes=45, source=LedgerSource.LIVE, academy=school.site)
    report = audit_hours()
    assert [(f.what, f.recorded) for f in report.disagreements] == [("辽源市青年职工夜校", -200)]
    assert report.not_checked == {LedgerSource.LIVE: 45}
    output, agreed = audit()
    assert not agreed and "未核对 / not checked: 直播课 45 分钟" in output
    assert "在辽源市青年职工夜校的学时为 -200 分钟" in output
