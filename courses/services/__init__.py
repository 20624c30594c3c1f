"""Writes with business rules. Keyword-only, typed, one transaction each."""

from courses.services.catalogue import (
    CatalogueImportError,
    ImportResult,
    catalogue_choices,
    catalogue_import,
    catalogue_template,
)
from courses.services.enrolment import (
    BulkEnrolmentError,
    BulkResult,
    EnrolmentError,
    course_enrol,
    course_enrol_bulk,
    course_unenrol,
    enrolment_approve,
    enrolment_reject,
    enrolments_decide,
    waitlist_promote,
)
from courses.services.follows import follow_set
from courses.services.outline import lesson_video_attach
from courses.services.study import (
    StudyState,
    certificate_issue_if_complete,
    lesson_heartbeat,
    lesson_open,
)

__all__ = [
    "BulkEnrolmentError",
    "BulkResult",
    "CatalogueImportError",
    "EnrolmentError",
    "ImportResult",
    "StudyState",
    "catalogue_choices",
    "catalogue_import",
    "catalogue_template",
    "certificate_issue_if_complete",
    "course_enrol",
    "course_enrol_bulk",
    "course_unenrol",
    "enrolment_approve",
    "enrolment_reject",
    "enrolments_decide",
    "follow_set",
    "lesson_heartbeat",
    "lesson_open",
    "lesson_video_attach",
    "waitlist_promote",
]
