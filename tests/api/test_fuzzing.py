"""Schemathesis against the live API, as an app and as an attacker would use it: requests
generated from /api/v1/openapi.json (valid ones, invalid ones, undeclared methods and
content types), anonymously and with a learner's token, with a fixed seed and a bounded
number of examples. Every check must pass: no server error, every answer as documented,
valid input accepted, invalid input refused."""

import shutil
import subprocess
from pathlib import Path

import pytest

from courses import services
from lms import services as lms_services
from tests.conftest import run_demo_steps
from tests.courses.factories import make_course, make_learner

CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = "20261207"
EXAMPLES = "15"


def _schemathesis(url: str, *extra: str) -> subprocess.CompletedProcess:
    command = [shutil.which("st") or str(Path(__file__).parents[2] / ".venv/bin/st")]
    return subprocess.run(
        [
            *command,
            "--config-file",
            str(CONFIG),
            "run",
            f"{url}/api/v1/openapi.json",
            "--checks",
            "all",
            "--seed",
            SEED,
            "--max-examples",
            EXAMPLES,
            "--workers",
            "1",
            "--no-color",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.django_db(transaction=True)
def test_generated_requests_find_no_server_error_and_no_broken_contract(site_tree, live_server):
    run_demo_steps("academies.demo")
    from academies.models import IndustryAcademyPage

    academy = IndustryAcademyPage.objects.get(title="吉林省新能源工匠学院")
    course = make_course(academy, "风电场升压站设备巡视及维护", lessons=2)
    learner = make_learner("13900000077", "赵工")
    services.course_enrol(learner=learner, course=course)
    _token, raw = lms_services.token_issue(user=learner)

    anonymous = _schemathesis(live_server.url)
    assert anonymous.returncode == 0, anonymous.stdout[-8000:]
    # With the learner's token; revoking it would leave the rest of the run anonymous.
    learner_run = _schemathesis(
        live_server.url,
        "--header",
        f"Authorization: Bearer {raw}",
        "--exclude-operation-id",
        "lms_api_token_delete",
    )
    assert learner_run.returncode == 0, learner_run.stdout[-8000:]
    assert "passed" in learner_run.stdout
