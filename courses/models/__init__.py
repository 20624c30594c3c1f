"""Courses, lecturers, enrolment and follows. See the submodules for each part."""

from courses.models.catalogue import Category, EnrolmentPolicy, Level, Mode
from courses.models.enrolment import Enrolment, EnrolmentSource, EnrolmentStatus
from courses.models.follows import Follow
from courses.models.lecturers import Honour, LecturerIndexPage, LecturerPage
from courses.models.pages import (
    Chapter,
    CourseIndexPage,
    CourseLecturer,
    CoursePage,
    CourseTag,
    Lesson,
)

__all__ = [
    "Category",
    "Chapter",
    "CourseIndexPage",
    "CourseLecturer",
    "CoursePage",
    "CourseTag",
    "Enrolment",
    "EnrolmentPolicy",
    "EnrolmentSource",
    "EnrolmentStatus",
    "Follow",
    "Honour",
    "LecturerIndexPage",
    "LecturerPage",
    "Lesson",
    "Level",
    "Mode",
]
