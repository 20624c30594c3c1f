"""The exam endpoints of /api/v1/, every answer checked against the OpenAPI document by
the `api` client: a learner opens a preliminary's paper, saves answers (a repeat and a
stale one change nothing), leaves the page, goes on from another device, hands in and
reads the result; the academy's admin and lecturer read the results, another academy's
admin finds nothing — with a token and with the session."""

import pytest

from exams import services
from exams.models import Answer, AttemptEvent, ExamKind
from tests.api.conftest import ADMIN, ANONYMOUS, LEARNER, LECTURER, OTHER_ADMIN, USERNAMES
from tests.courses.factories import user
from tests.exams.factories import make_bank, make_exam, make_paper, one_of_each

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(people, new_energy):
    paper = make_paper(new_energy, fixed=[(q, 2) for q in one_of_each(make_bank(new_energy))])
    exam = make_exam(new_energy, paper, ExamKind.COMPETITION, title="新能源锂电保护 初赛")
    services.registrations_add(exam=exam, learners=[user(people[LEARNER])])
    return exam


@pytest.mark.parametrize("session", [False, True], ids=["token", "session"])
def test_a_learner_takes_a_preliminary_through_the_api(api, exam, session):
    api.log_in(USERNAMES[LEARNER], session=session)
    [listed] = api.get("/api/v1/exams/").json()
    assert listed["id"] == exam.pk and listed["kind"] == "competition"
    opened = api.post(f"/api/v1/exams/{exam.pk}/attempts/", {"device": "phone"}).json()
    assert len(opened["questions"]) == 5 and 3590 <= opened["seconds_left"] <= 3600
    attempt = opened["id"]
    single = next(q for q in opened["questions"] if q["type"] == "single")
    choice = [single["options"][0]["value"]]
    save = {"device": "phone", "position": single["position"], "response": choice,
            "client_id": "a1", "revision": 2}  # fmt: skip
    assert api.post(f"/api/v1/exams/attempts/{attempt}/answers/", save).json()["revision"] == 2
    repeat = api.post(f"/api/v1/exams/attempts/{attempt}/answers/", save).json()
    stale = api.post(f"/api/v1/exams/attempts/{attempt}/answers/",
                     {**save, "client_id": "a0", "revision": 1}).json()  # fmt: skip
    assert repeat["client_id"] == stale["client_id"] == "a1"
    assert Answer.objects.filter(attempt_id=attempt).count() == 1
    event = {"device": "phone", "kind": "hidden", "client_id": "e1"}
    assert api.post(f"/api/v1/exams/attempts/{attempt}/events/", event).status_code == 200
    # Another device resumes the same paper with the saved answer; the phone is refused.
    again = api.post(f"/api/v1/exams/{exam.pk}/attempts/", {"device": "tablet"}).json()
    assert again["id"] == attempt
    assert (
        next(q for q in again["questions"] if q["position"] == single["position"])["response"]
        == save["response"]
    )
    refused = api.post(f"/api/v1/exams/attempts/{attempt}/answers/",
                       {**save, "client_id": "a2", "revision": 3})  # fmt: skip
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "other_device"
    assert api.get(f"/api/v1/exams/attempts/{attempt}/result/").status_code == 409
    result = api.post(f"/api/v1/exams/attempts/{attempt}/submit/", {"device": "tablet"}).json()
    assert result["status"] == "done" and result["max_score"] == 10
    assert api.get(f"/api/v1/exams/attempts/{attempt}/result/").json() == result
    assert api.post(f"/api/v1/exams/{exam.pk}/attempts/", {"device": "tablet"}).status_code == 403
    kinds = set(AttemptEvent.objects.filter(attempt_id=attempt).values_list("kind", flat=True))
    assert {"opened", "hidden", "device", "refused", "submitted"} <= kinds


@pytest.mark.parametrize(
    "body",
    [
        {"device": "phone", "position": 0, "response": [1], "client_id": "a", "revision": 0},
        {"device": "phone", "position": -1, "response": [1], "client_id": "a", "revision": 1},
        {"device": "phone", "position": 0, "response": [1.5], "client_id": "a", "revision": 1},
        {"device": "phone", "position": 0, "response": [1], "client_id": "a\x00", "revision": 1},
        {"device": "", "position": 0, "response": [1], "client_id": "a", "revision": 1},
        {"device": "phone", "position": 0, "response": "B", "client_id": "a", "revision": 1},
        {"device": "phone", "position": 99, "response": [1], "client_id": "a", "revision": 1},
        {"device": "phone", "position": 0, "response": [9], "client_id": "a", "revision": 1},
    ],
)
def test_bad_saves_are_refused_as_documented(api, exam, body):
    api.log_in(USERNAMES[LEARNER])
    attempt = api.post(f"/api/v1/exams/{exam.pk}/attempts/", {"device": "phone"}).json()["id"]
    response = api.post(f"/api/v1/exams/attempts/{attempt}/answers/", body)
    assert response.status_code == 400 and response.json()["error"]["message"]
    assert not Answer.objects.filter(attempt_id=attempt).exists()


# What each role gets, in the order of ROLES.
ROLES = (ANONYMOUS, LEARNER, LECTURER, ADMIN, OTHER_ADMIN)


@pytest.mark.parametrize("session", [False, True], ids=["token", "session"])
@pytest.mark.parametrize("role", ROLES)
def test_permissions_across_academies(api, exam, people, role, session):
    learner = user(people[LEARNER])
    attempt = services.attempt_open(exam=exam, learner=learner, device="phone")
    services.attempt_submit(attempt_id=attempt.pk, learner=learner, device="phone")
    api.log_in(USERNAMES[role], session=session)
    column = ROLES.index(role)
    matrix = [
        ("GET", "/api/v1/exams/", None, (401, 200, 200, 200, 200)),
        ("POST", f"/api/v1/exams/{exam.pk}/attempts/", {"device": "x"}, (401, 403, 404, 404, 404)),
        ("GET", f"/api/v1/exams/attempts/{attempt.pk}/result/", None, (401, 200, 404, 404, 404)),
        ("POST", f"/api/v1/exams/attempts/{attempt.pk}/answers/",
         {"device": "x", "position": 0, "response": [], "client_id": "c", "revision": 9},
         (401, 409, 404, 404, 404)),
        ("GET", f"/api/v1/exams/{exam.pk}/results/", None, (401, 404, 200, 200, 404)),
    ]  # fmt: skip
    got = [(m, p, api.request(m, p, body).status_code) for m, p, body, _e in matrix]
    assert got == [(m, p, expected[column]) for m, p, _b, expected in matrix]
