"""Writes with business rules. Keyword-only, typed, one transaction each."""

from courses.services.accounts import (
    learner_profile_update,
    learner_register,
    password_reset_confirm,
    password_reset_request,
)
from courses.services.catalogue import CatalogueImportError, ImportResult, catalogue_import
from courses.services.enrolment import (
    BulkEnrolmentError,
    BulkResult,
    EnrolmentError,
    course_enrol,
    course_enrol_bulk,
    course_unenrol,
    enrolment_approve,
    enrolment_reject,
    waitlist_promote,
)
from courses.services.follows import follow_set
from courses.services.study import StudyState, lesson_heartbeat, lesson_open

__all__ = [
    "BulkEnrolmentError",
    "BulkResult",
    "CatalogueImportError",
    "EnrolmentError",
    "ImportResult",
    "StudyState",
    "catalogue_import",
    "course_enrol",
    "course_enrol_bulk",
    "course_unenrol",
    "enrolment_approve",
    "enrolment_reject",
    "follow_set",
    "learner_profile_update",
    "learner_register",
    "lesson_heartbeat",
    "lesson_open",
    "password_reset_confirm",
    "password_reset_request",
    "waitlist_promote",
]
