"""Hooks through which a higher app adds to what learning decides, without learning
importing it (like `video.selectors.register_watch_policy`).

- A *course requirement* ``requirement(*, learner, course_ids) -> {course_id: what}``
  names, per course, what the learner still has to do besides the lessons (e.g. pass the
  final exam); a course is complete only when no requirement names it.
- *Certificate lines* ``lines(certificate) -> [text, …]`` add lines to a certificate's
  PDF and verification page (e.g. the final exam's score).
"""

from collections.abc import Callable, Iterable

CourseRequirement = Callable[..., dict[int, str]]
CertificateLines = Callable[[object], list[str]]

_course_requirements: list[CourseRequirement] = []
_certificate_lines: list[CertificateLines] = []


def register_course_requirement(requirement: CourseRequirement) -> None:
    if requirement not in _course_requirements:
        _course_requirements.append(requirement)


def register_certificate_lines(lines: CertificateLines) -> None:
    if lines not in _certificate_lines:
        _certificate_lines.append(lines)


def unmet_requirements(*, learner, course_ids: Iterable[int]) -> dict[int, list[str]]:
    """What each course still asks of the learner beyond its lessons (absent: nothing)."""
    course_ids = list(course_ids)
    unmet: dict[int, list[str]] = {}
    for requirement in _course_requirements:
        for course_id, what in requirement(learner=learner, course_ids=course_ids).items():
            unmet.setdefault(course_id, []).append(what)
    return unmet


def certificate_lines(certificate) -> list[str]:
    return [line for lines in _certificate_lines for line in lines(certificate)]
