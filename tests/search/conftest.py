"""Search tests run against both backends: the embedded one in the test database, and
a real Elasticsearch node — the one `scripts/test.sh` started (ELASTICSEARCH_URL), or
one started here for the session when run on their own."""

import datetime
import os
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from academies import demo as academies_demo
from academies.models import HeadquartersPage, IndustryAcademyPage, TrainingBasePage
from search.backends import ELASTICSEARCH, EMBEDDED, get_backend
from search.backends.elasticsearch import client
from search.documents import CourseDocument, course_documents, visible_course_ids
from search.models import IndexOperation

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = [EMBEDDED, ELASTICSEARCH]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def elasticsearch_url():
    url = os.environ.get("ELASTICSEARCH_URL")
    if url:
        yield url
        return
    run_dir = tempfile.mkdtemp(prefix="lms-search-es-")
    os.chmod(run_dir, 0o755)
    script = ROOT / "scripts" / "elasticsearch.sh"
    started = subprocess.run(
        [script, "start", f"{run_dir}/es", str(_free_port())],
        check=True,
        capture_output=True,
        text=True,
    )
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run([script, "stop", f"{run_dir}/es"], check=False)
        os.rmdir(run_dir)


def drop_indices(url: str, alias: str) -> None:
    # Deleting by wildcard is refused (action.destructive_requires_name): name them.
    names = list(client(url).indices.get(index=f"{alias}*"))
    if names:
        client(url).indices.delete(index=",".join(names))


@pytest.fixture(params=BACKENDS)
def backend_name(request, settings):
    """Each test using this runs once per backend, the other one switched off."""
    settings.ELASTICSEARCH_URL = ""
    if request.param == ELASTICSEARCH:
        url = request.getfixturevalue("elasticsearch_url")
        alias = f"lms-test-{uuid.uuid4().hex[:12]}"
        settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_INDEX = url, alias
        yield request.param
        drop_indices(url, alias)
    else:
        yield request.param


@pytest.fixture
def backend(backend_name, db):
    return get_backend(backend_name)


@pytest.fixture
def refresh(backend_name, settings):
    """Make what was just indexed searchable (Elasticsearch refreshes every second)."""

    def refresh():
        if backend_name == ELASTICSEARCH:
            client(settings.ELASTICSEARCH_URL).indices.refresh(index=settings.ELASTICSEARCH_INDEX)

    return refresh


@pytest.fixture(scope="session")
def demo_documents(django_db_setup, django_db_blocker) -> list[CourseDocument]:
    """The documents of the demo catalogue (`manage.py seed_demo`), made once: the
    demo is seeded in a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", verbosity=0)
        docs, _hidden = course_documents(list(visible_course_ids()))
        transaction.set_rollback(True)
    return docs


def make_doc(id_: int, title: str, **fields) -> CourseDocument:
    """A course document built directly, as the mapping from a CoursePage would."""
    defaults = {
        "url": f"/courses/{id_}/",
        "summary": f"{title}的课程简介",
        "academy_id": "1",
        "academy": "吉林省新能源工匠学院",
        "category_id": "1",
        "category": "职业发展",
        "level": "beginner",
        "level_label": "初级",
        "hours": 8.0,
        "mode": "online",
        "mode_label": "线上",
        "openness": "open",
        "published_at": datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
        + datetime.timedelta(days=id_),
    }
    return CourseDocument(id=id_, title=title, **{**defaults, **fields})


@pytest.fixture
def units(db):
    """The "1+6+N" hierarchy of the demo, without courses, and an empty outbox (as
    if its notes about the units had been applied)."""
    for _label, step in academies_demo.steps():
        step()
    IndexOperation.objects.all().delete()


@pytest.fixture
def hq(units):
    return HeadquartersPage.objects.get()


@pytest.fixture
def new_energy(units):
    return IndustryAcademyPage.objects.get(slug="new-energy")


@pytest.fixture
def influencer_base(units):
    """A training base under an industry academy (吉林省新电商工匠学院)."""
    return TrainingBasePage.objects.get(slug="liaoyuan-influencer-base")
