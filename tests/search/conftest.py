"""Search tests run against both backends: the embedded one in the test database, and
a real Elasticsearch node — the one `scripts/test.sh` started (ELASTICSEARCH_URL), or
one started here for the session when run on their own."""

import datetime
import os
import socket
import subprocess
import tempfile
import uuid
from importlib import import_module
from pathlib import Path

import pytest
from wagtail.models import Page

from academies.models import HeadquartersPage, IndustryAcademyPage, TrainingBasePage
from courses.models import Honour, LecturerIndexPage, LecturerPage
from lms.models import HomePage
from nightschool.models import NightSchoolPage
from search.backends import ELASTICSEARCH, EMBEDDED, get_backend
from search.backends.elasticsearch import client
from search.documents import CourseDocument, course_documents, visible_course_ids
from search.models import IndexOperation
from tests.academies.factories import make_unit
from tests.conftest import rolled_back

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = [EMBEDDED, ELASTICSEARCH]
DEMO_CATALOGUE = ["academies.demo", "courses.demo", "nightschool.demo"]
DEMO_STEPS_WITHOUT_COURSES = {"lesson videos", "demo learner", "night-school classes"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port_url() -> str:
    """An Elasticsearch URL where nothing listens: a node that is down."""
    return f"http://127.0.0.1:{_free_port()}"


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
            es = client(settings.ELASTICSEARCH_URL).options(ignore_status=404)  # none yet
            es.indices.refresh(index=settings.ELASTICSEARCH_INDEX)

    return refresh


@pytest.fixture(scope="session")
def demo_documents(django_db_setup, django_db_blocker) -> list[CourseDocument]:
    """The documents of the demo catalogue — every course the academies', courses' and
    night school's demo make, as `manage.py seed_demo` does — made once for the session
    in a transaction rolled back afterwards. Without the video demo (transcoding takes
    a minute) and the steps that make no course (night-school classes, a learner)."""
    with rolled_back(django_db_blocker):
        for module in DEMO_CATALOGUE:
            for label, step in import_module(module).steps():
                if label not in DEMO_STEPS_WITHOUT_COURSES:
                    step()
        docs, _hidden = course_documents(list(visible_course_ids()))
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


@pytest.fixture(scope="module")
def unit_tree(django_db_setup, django_db_blocker) -> dict[str, int]:
    """A small "1+N+N" tree, made once for the tests of a module (provisioning a unit
    takes a while): the headquarters, two academies, a base under one, a night-school
    site; and an empty outbox (as if its notes about the units had been applied)."""
    with rolled_back(django_db_blocker):
        home = HomePage.objects.get()
        hq = make_unit(home, HeadquartersPage, "吉林省工匠学院总部", short_name="总部")
        new_energy = make_unit(hq, IndustryAcademyPage, "吉林省新能源工匠学院", industry="新能源")
        ecommerce = make_unit(hq, IndustryAcademyPage, "吉林省新电商工匠学院", industry="新电商")
        base = make_unit(ecommerce, TrainingBasePage, "辽源工人网红基地", city="辽源市")
        night_school = make_unit(home, NightSchoolPage, "吉林省青年职工夜校", city="长春市")
        IndexOperation.objects.all().delete()
        yield {
            "hq": hq.pk,
            "new_energy": new_energy.pk,
            "influencer_base": base.pk,
            "night_school": night_school.pk,
        }


@pytest.fixture
def units(db, unit_tree):
    """The unit tree, read afresh for each test (which may change it)."""
    return {name: Page.objects.get(pk=pk).specific for name, pk in unit_tree.items()}


@pytest.fixture
def hq(units):
    return units["hq"]


@pytest.fixture
def new_energy(units):
    return units["new_energy"]


@pytest.fixture
def influencer_base(units):
    """A training base under an industry academy (吉林省新电商工匠学院)."""
    return units["influencer_base"]


@pytest.fixture
def published(django_capture_on_commit_callbacks, refresh):
    """Run a change, then what runs after its commit (the drain), then refresh."""

    def published(change):
        with django_capture_on_commit_callbacks(execute=True):
            result = change()
        refresh()
        return result

    return published


def make_lecturer(hq, name, honours=()):
    """A published lecturer page in the faculty under the headquarters."""
    faculty = LecturerIndexPage.objects.first()
    if faculty is None:
        faculty = LecturerIndexPage(title="师资库", slug="lecturers")
        hq.add_child(instance=faculty)
        faculty.save_revision().publish()
    lecturer = LecturerPage(title=name, slug=f"lecturer-{LecturerPage.objects.count()}")
    lecturer.honours = list(Honour.objects.filter(name__in=honours))
    faculty.add_child(instance=lecturer)
    lecturer.save_revision().publish()
    return LecturerPage.objects.get(pk=lecturer.pk)
