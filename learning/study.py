"""What the learning app needs to know about a lesson being studied — built by the app that
owns lessons (courses), so that learning knows keys, lengths and units, not course models."""

import enum
import uuid
from dataclasses import dataclass
from typing import NamedTuple, Protocol


class Titled(NamedTuple):
    """A page the ledger names: a course or the unit (academy, base, night school) that
    runs it. Page instances have the same two attributes."""

    pk: int
    title: str


class Measure(enum.StrEnum):
    """How study of a lesson is measured."""

    VIDEO = "video"  # the player reports what was played
    LIVE = "live"  # the live player: as a video, the length being what was streamed so far
    READING = "reading"  # the page reports that it is open and visible; a stated study time
    NONE = "none"  # nothing to measure (no video, no study time): done once opened, no hours


@dataclass(frozen=True)
class StudiedLesson:
    key: uuid.UUID
    measure: Measure
    duration: float  # seconds: the video's length or the stated study time; 0 if unknown
    course: Titled
    unit: Titled | None


class OutlineLesson(Protocol):
    """A lesson of a course's outline, as course progress needs it."""

    key: uuid.UUID
    required: bool
