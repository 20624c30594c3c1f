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

__all__ = [
    "BulkEnrolmentError",
    "BulkResult",
    "CatalogueImportError",
    "EnrolmentError",
    "ImportResult",
    "catalogue_choices",
    "catalogue_import",
    "catalogue_template",
    "course_enrol",
    "course_enrol_bulk",
    "course_unenrol",
    "enrolment_approve",
    "enrolment_reject",
    "enrolments_decide",
    "follow_set",
    "lesson_video_attach",
    "waitlist_promote",
]
