"""Writes of the search app: noting index changes in the outbox, applying them,
rebuilding an index, counting queries."""

import datetime
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_q.tasks import async_task

from search import selectors, text
from search.backends import SearchUnavailable, backend_names, get_backend
from search.documents import CourseDocument, course_documents, visible_course_ids
from search.models import IndexOperation, IndexRebuild, QueryCount

logger = logging.getLogger(__name__)

BATCH = 200
DRAIN_BATCH = 1000
DRAIN_SECONDS = 50  # leave the next scheduled run (every minute) its turn
REBUILD_LOCK_HOURS = 6  # a rebuild that never finished (killed) stops blocking after this


def index_enqueue(*, page_ids: Iterable[int]) -> None:
    """Note that the courses at or below these pages, or taught by the lecturers among
    them, changed. Call inside the transaction that changes them: the note is written
    with the change, and applied to every backend once it has committed."""
    page_ids = set(page_ids)
    if not page_ids:
        return
    IndexOperation.objects.bulk_create(
        [IndexOperation(backend=name, page_id=pid) for name in backend_names() for pid in page_ids]
    )
    transaction.on_commit(lambda: async_task("search.tasks.index_drain"), robust=True)


def _retry_delay(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(300, 5 * 2 ** min(attempts, 6)))


def _rebuilding(name: str) -> bool:
    since = timezone.now() - datetime.timedelta(hours=REBUILD_LOCK_HOURS)
    return IndexRebuild.objects.filter(
        backend=name, finished_at__isnull=True, started_at__gte=since
    ).exists()


def index_apply(*, backend_name: str, page_ids: Iterable[int]) -> None:
    """Bring the courses these pages concern up to date in one backend: index what is
    visible, remove what is gone, unpublished or private."""
    backend = get_backend(backend_name)
    course_ids = sorted(selectors.courses_affected(page_ids=page_ids))
    for start in range(0, len(course_ids), BATCH):
        docs, hidden = course_documents(course_ids[start : start + BATCH])
        backend.index(docs)
        backend.delete(sorted(hidden))


def index_drain(*, seconds: float = DRAIN_SECONDS) -> int:
    """Apply the outbox to each backend. A backend that fails keeps its notes, tried
    again later with a growing delay; nothing is dropped. Returns how many were applied."""
    applied, deadline = 0, time.monotonic() + seconds
    for name in backend_names():
        if _rebuilding(name):
            continue
        while time.monotonic() < deadline:
            due = list(
                IndexOperation.objects.filter(backend=name, next_attempt_at__lte=timezone.now())
                .order_by("id")
                .values_list("id", "page_id", "attempts")[:DRAIN_BATCH]
            )
            if not due:
                break
            page_ids = {page_id for _id, page_id, _a in due}
            # Every note about these pages committed so far (also those waiting for a
            # retry) is covered by what is applied now, read from the database after this.
            covered = list(
                IndexOperation.objects.filter(backend=name, page_id__in=page_ids).values_list(
                    "id", flat=True
                )
            )
            try:
                index_apply(backend_name=name, page_ids=page_ids)
            except Exception as error:  # the notes stay; nothing else may stop publishing
                if not isinstance(error, SearchUnavailable):
                    logger.exception("search index %s: could not apply changes", name)
                attempts = max(a for _id, _p, a in due) + 1
                IndexOperation.objects.filter(id__in=[row[0] for row in due]).update(
                    attempts=F("attempts") + 1,
                    next_attempt_at=timezone.now() + _retry_delay(attempts),
                    last_error=str(error)[:2000],
                )
                logger.warning("search index %s unavailable, will retry: %s", name, error)
                break
            # Not by page: a note committed meanwhile (even with a lower id, by a
            # transaction that began earlier) may describe a change this did not see.
            IndexOperation.objects.filter(id__in=covered).delete()
            applied += len(due)
    return applied


def published_documents() -> Iterator[CourseDocument]:
    """The documents of every visible course, read from the database batch by batch."""
    ids = visible_course_ids()
    while batch := list(islice(ids, BATCH)):
        yield from course_documents(batch)[0]


def index_rebuild(*, backend_name: str, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild one backend's index from the published courses, without downtime.
    Changes made meanwhile wait in the outbox and are applied right after."""
    rebuild = IndexRebuild.objects.create(backend=backend_name)
    try:
        rebuild.documents = get_backend(backend_name).rebuild(
            published_documents(), progress=progress
        )
    finally:
        rebuild.finished_at = timezone.now()
        rebuild.save(update_fields=["documents", "finished_at"])
    index_drain()
    return rebuild.documents


def popularity_refresh() -> int:
    """Queue the courses whose enrolments or plays changed since they were indexed."""
    changed = selectors.courses_with_changed_popularity()
    with transaction.atomic():
        index_enqueue(page_ids=changed)
    return len(changed)


def query_record(*, query: str, total: int) -> None:
    """Count a search (and whether it found nothing it was asked for: `total` counts
    the strict matches, not the partial ones) for today; nobody is identified."""
    query = text.normalize(query)[:100]
    if not query:
        return
    day = timezone.localdate()
    zero = 1 if total == 0 else 0
    updated = QueryCount.objects.filter(query=query, day=day).update(
        searches=F("searches") + 1, zero_results=F("zero_results") + zero
    )
    if not updated:
        try:
            with transaction.atomic():
                QueryCount.objects.create(query=query, day=day, searches=1, zero_results=zero)
        except IntegrityError:  # counted by a simultaneous request first
            QueryCount.objects.filter(query=query, day=day).update(
                searches=F("searches") + 1, zero_results=F("zero_results") + zero
            )
