"""Enrolment: self-enrolment, approval, limited seats with a waiting list, leaving.

Every transition locks the course's row first (``SELECT … FOR UPDATE`` on PostgreSQL;
SQLite serialises writers with ``BEGIN IMMEDIATE``), so seats are never oversold and
the waiting list is promoted in order.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academies.selectors import unit_of
from accounts.phones import normalize_phone, phone_validator
from accounts.selectors import display_name
from courses.models import (
    CoursePage,
    Enrolment,
    EnrolmentPolicy,
    EnrolmentSource,
    EnrolmentStatus,
)
from courses.selectors import can_manage_course, seats_taken
from lms.models import AuditAction
from lms.services import audit_record


class EnrolmentError(Exception):
    """A request that cannot be carried out; the message is for the person who asked."""


def _audit(by, action: str, enrolment: Enrolment, course: CoursePage, detail: str = "") -> None:
    audit_record(
        actor=by,
        action=action,
        unit=unit_of(course),
        subject=f"{display_name(enrolment.learner)} · {course.title}",
        detail=detail,
        data={"enrolment": enrolment.pk, "course": course.pk, "learner": enrolment.learner_id},
    )


def _locked(course: CoursePage) -> CoursePage:
    # of=("self",) locks the course's own row, not the wagtailcore_page row editors use.
    return CoursePage.objects.select_for_update(of=("self",)).get(pk=course.pk)


def _require_manager(user, course: CoursePage) -> None:
    if not can_manage_course(user=user, course=course):
        raise PermissionDenied(_("Only the administrators of this course's academy may do this."))


def _has_free_seat(course: CoursePage) -> bool:
    return not course.is_limited or seats_taken(course=course) < course.seat_limit


def _activate(enrolment: Enrolment, *, by=None) -> None:
    enrolment.status = EnrolmentStatus.ACTIVE
    enrolment.enrolled_at = timezone.now()
    enrolment.waitlisted_at = None
    if by is not None:
        enrolment.decided_by = by
    enrolment.full_clean()
    enrolment.save()


def _enrol_locked(*, learner, course: CoursePage, source: str, by) -> Enrolment:
    enrolment = Enrolment.objects.filter(learner=learner, course=course).first()
    if enrolment is not None and enrolment.takes_part:
        return enrolment
    enrolment = enrolment or Enrolment(learner=learner, course=course)
    enrolment.source = source
    enrolment.decided_by = by
    enrolment.note = ""
    if source == EnrolmentSource.SELF and course.enrolment_policy == EnrolmentPolicy.APPROVAL:
        enrolment.status = EnrolmentStatus.PENDING
    elif _has_free_seat(course):
        _activate(enrolment)
        return enrolment
    else:
        enrolment.status = EnrolmentStatus.WAITLISTED
        enrolment.waitlisted_at = timezone.now()
    enrolment.full_clean()
    enrolment.save()
    return enrolment


@transaction.atomic
def course_enrol(*, learner, course: CoursePage, by=None) -> Enrolment:
    """Enrol a learner: at once (open course, or a free seat), as a request for approval,
    or on the waiting list when the seats are taken. Enrolling again changes nothing.
    With ``by`` an administrator enrols the learner, skipping approval."""
    course = _locked(course)
    if not course.live:
        raise EnrolmentError(_("This course is not open for enrolment."))
    if by is not None:
        _require_manager(by, course)
    source = EnrolmentSource.SELF if by is None else EnrolmentSource.ADMIN
    return _enrol_locked(learner=learner, course=course, source=source, by=by)


def _promote_locked(course: CoursePage) -> list[Enrolment]:
    waiting = Enrolment.objects.filter(course=course, status=EnrolmentStatus.WAITLISTED).order_by(
        "waitlisted_at", "pk"
    )
    promoted = []
    if course.enrolment_policy == EnrolmentPolicy.APPROVAL:
        # The course now needs approval: those waiting become requests to decide on.
        for enrolment in waiting:
            enrolment.status = EnrolmentStatus.PENDING
            enrolment.save(update_fields=["status", "updated_at"])
        return promoted
    for enrolment in waiting:
        if not _has_free_seat(course):
            break
        _activate(enrolment)
        promoted.append(enrolment)
    return promoted


@transaction.atomic
def waitlist_promote(*, course: CoursePage) -> list[Enrolment]:
    """Give free seats to the waiting list, first come first served (e.g. after an
    administrator raised the number of seats or opened the course)."""
    return _promote_locked(_locked(course))


@transaction.atomic
def course_unenrol(*, enrolment: Enrolment, by=None) -> list[Enrolment]:
    """Take a learner out of a course (they leave, or an administrator removes them).
    A freed seat goes to the first learner waiting; returns who was promoted."""
    course = _locked(enrolment.course)
    if by is not None and by.pk != enrolment.learner_id:
        _require_manager(by, course)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if not enrolment.takes_part:
        return []
    freed_seat = enrolment.status == EnrolmentStatus.ACTIVE
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.waitlisted_at = None
    enrolment.decided_by = by
    enrolment.full_clean()
    enrolment.save()
    if by is not None and by.pk != enrolment.learner_id:
        _audit(by, AuditAction.ENROLMENT_REMOVED, enrolment, course)
    return _promote_locked(course) if freed_seat else []


def _decide_locked(enrolment: Enrolment, course: CoursePage, *, approve: bool, by, note: str):
    enrolment = Enrolment.objects.select_for_update().select_related("learner").get(pk=enrolment.pk)
    if enrolment.status != EnrolmentStatus.PENDING:
        raise EnrolmentError(
            _("The request of %(name)s has already been decided.")
            % {"name": display_name(enrolment.learner)}
        )
    enrolment.note = note.strip()
    if approve:
        _activate(enrolment, by=by)
    else:
        enrolment.status = EnrolmentStatus.REJECTED
        enrolment.decided_by = by
        enrolment.full_clean()
        enrolment.save()
    action = AuditAction.ENROLMENT_APPROVED if approve else AuditAction.ENROLMENT_REFUSED
    _audit(by, action, enrolment, course, detail=enrolment.note)
    return enrolment


@transaction.atomic
def enrolment_approve(*, enrolment: Enrolment, by, note: str = "") -> Enrolment:
    """Accept a learner's request to join a course that needs approval."""
    course = _locked(enrolment.course)
    _require_manager(by, course)
    return _decide_locked(enrolment, course, approve=True, by=by, note=note)


@transaction.atomic
def enrolment_reject(*, enrolment: Enrolment, by, note: str = "") -> Enrolment:
    """Turn down a learner's request; they may ask again later."""
    course = _locked(enrolment.course)
    _require_manager(by, course)
    return _decide_locked(enrolment, course, approve=False, by=by, note=note)


@transaction.atomic
def enrolments_decide(*, enrolments: list[Enrolment], approve: bool, by, note: str) -> int:
    """Approve or turn down many requests at once, with one reason (required to turn
    down): all of them or, if any cannot be decided (another admin decided it meanwhile,
    a course the admin does not manage), none. Courses are locked in id order."""
    if not enrolments:
        raise EnrolmentError(_("Please choose at least one request."))
    if not approve and not note.strip():
        raise EnrolmentError(_("Please give a reason for turning the requests down."))
    by_course: dict[int, list[Enrolment]] = {}
    for enrolment in enrolments:
        by_course.setdefault(enrolment.course_id, []).append(enrolment)
    for course_id in sorted(by_course):
        course = _locked(by_course[course_id][0].course)
        _require_manager(by, course)
        for enrolment in by_course[course_id]:
            _decide_locked(enrolment, course, approve=approve, by=by, note=note)
    return len(enrolments)


@dataclass
class BulkProblem:
    row: int
    value: str
    message: str


class BulkEnrolmentError(Exception):
    """The file was refused as a whole; ``problems`` lists every bad row."""

    def __init__(self, problems: list[BulkProblem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class BulkResult:
    enrolled: int = 0
    waitlisted: int = 0
    already: int = 0
    repeated: int = 0


@transaction.atomic
def course_enrol_bulk(*, course: CoursePage, rows: list[tuple[int, str]], by) -> BulkResult:
    """Enrol registered learners by mobile number, all or none: with any unknown or
    malformed number nobody is enrolled and every problem is reported. Learners beyond
    the free seats of a limited course join the waiting list."""
    course = _locked(course)
    _require_manager(by, course)
    if not course.live:
        raise EnrolmentError(_("This course is not open for enrolment."))
    phones = [(row, normalize_phone(value), value) for row, value in rows]
    users = get_user_model().objects.in_bulk(
        [phone for _row, phone, _value in phones], field_name="username"
    )
    problems, learners, seen = [], [], set()
    result = BulkResult()
    for row, phone, value in phones:
        try:
            phone_validator(phone)
        except ValidationError:
            problems.append(BulkProblem(row, value, _("Not an 11-digit mobile number.")))
            continue
        if phone not in users:
            problems.append(
                BulkProblem(row, value, _("No learner has registered with this number."))
            )
        elif phone in seen:
            result.repeated += 1
        else:
            seen.add(phone)
            learners.append(users[phone])
    if not rows:
        problems.append(BulkProblem(0, "", _("The file holds no mobile numbers.")))
    if problems:
        raise BulkEnrolmentError(problems)
    audit_record(
        actor=by,
        action=AuditAction.LEARNERS_ENROLLED,
        unit=unit_of(course),
        subject=course.title,
        detail=_("%(count)d mobile numbers") % {"count": len(learners)},
        data={"course": course.pk, "learners": [learner.pk for learner in learners]},
    )
    for learner in learners:
        before = Enrolment.objects.filter(learner=learner, course=course).first()
        if before is not None and before.takes_part:
            result.already += 1
            continue
        enrolment = _enrol_locked(
            learner=learner, course=course, source=EnrolmentSource.BULK, by=by
        )
        if enrolment.status == EnrolmentStatus.ACTIVE:
            result.enrolled += 1
        else:
            result.waitlisted += 1
    return result
