"""The learner's pages and their JSON endpoints, through the Django test client."""

import json
import re

import pytest
from django.urls import reverse

from courses.models import Enrolment, EnrolmentStatus
from exams.models import Answer, Attempt, AttemptEvent, ExamKind
from tests.courses.factories import make_course
from tests.exams.factories import make_bank, make_exam, make_paper, one_of_each


@pytest.fixture
def exam(new_energy):
    paper = make_paper(new_energy, fixed=[(q, 2) for q in one_of_each(make_bank(new_energy))])
    return make_exam(new_energy, paper, ExamKind.PRACTICE, time_limit_minutes=20)


def post_json(client, url, body, **extra):
    raw = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(url, raw, content_type="application/json", **extra)


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def start(client, exam, device="dev-a"):
    response = client.post(reverse("exams:start", args=(exam.pk,)), {"device": device})
    assert response.status_code == 302
    return Attempt.objects.get(exam=exam)


def test_list_detail_start_take_save_submit_result(signed_in, exam, learner):
    assert exam.title in signed_in.get(reverse("exams:list")).content.decode()
    detail = signed_in.get(reverse("exams:detail", args=(exam.pk,))).content.decode()
    # The button waits for the script that says which device this is (a tap before it
    # ran was refused as "no device").
    assert re.search(r'<button type="submit" class="[^"]*" disabled>\s*开始考试', detail)
    attempt = start(signed_in, exam)
    page = signed_in.get(reverse("exams:take", args=(attempt.pk,))).content.decode()
    assert page.count("data-question=") == 5 and "题目导航" in page
    saved = post_json(
        signed_in,
        reverse("exams:save", args=(attempt.pk,)),
        {"device": "dev-a", "position": 0, "response": [], "client_id": "x1", "revision": 1},
    )
    assert saved.status_code == 200 and saved.json()["revision"] == 1
    submitted = post_json(
        signed_in, reverse("exams:submit", args=(attempt.pk,)), {"device": "dev-a"}
    )
    assert submitted.status_code == 200
    result = signed_in.get(submitted.json()["result_url"])
    assert result.status_code == 200
    # Handed in: the taking page now leads to the result.
    assert (
        signed_in.get(reverse("exams:take", args=(attempt.pk,))).url
        == submitted.json()["result_url"]
    )


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        {"device": "dev-a", "position": "0", "response": [1], "client_id": "a", "revision": 1},
        {"device": "dev-a", "position": 0, "response": [1], "client_id": "a", "revision": 0},
        {"device": "dev-a", "position": 99, "response": [1], "client_id": "a", "revision": 1},
        {"device": "dev-a", "position": 0, "response": [1], "client_id": "a\x00", "revision": 1},
        {"device": "dev-a", "position": 0, "response": "B", "client_id": "a", "revision": 1},
        {"device": ["x"], "position": 0, "response": [1], "client_id": "a", "revision": 1},
        {"device": "dev-a", "position": 0, "response": [1], "client_id": "a", "revision": 2**40},
        {"device": "dev\x00", "position": 0, "response": [1], "client_id": "a", "revision": 1},
    ],
)
def test_bad_saves_get_a_clear_4xx_and_write_nothing(signed_in, exam, body):
    attempt = start(signed_in, exam)
    response = post_json(signed_in, reverse("exams:save", args=(attempt.pk,)), body)
    assert 400 <= response.status_code < 500
    error = response.json()["error"]
    assert error["code"] and error["message"]
    assert not Answer.objects.filter(attempt=attempt).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"device": "dev-a", "kind": "hidden", "client_id": "e", "at": "2026-13-45T99:00:00"},
        {"device": "dev-a", "kind": "hidden", "client_id": "e", "at": "yesterday"},
        {"device": "dev-a", "kind": "submitted", "client_id": "e"},
        {"device": "dev\x00", "kind": "hidden", "client_id": "e"},
        {"device": "dev-a", "kind": "hidden", "client_id": ""},
    ],
)
def test_bad_events_get_a_clear_4xx(signed_in, exam, body):
    attempt = start(signed_in, exam)
    response = post_json(signed_in, reverse("exams:event", args=(attempt.pk,)), body)
    assert response.status_code == 400 and response.json()["error"]["message"]
    assert not AttemptEvent.objects.filter(attempt=attempt, kind="hidden").exists()


def test_an_event_with_a_local_time_is_kept(signed_in, exam):
    attempt = start(signed_in, exam)
    body = {"device": "dev-a", "kind": "hidden", "client_id": "e", "at": "2026-01-01T08:00:00"}
    response = post_json(signed_in, reverse("exams:event", args=(attempt.pk,)), body)
    assert response.status_code == 200
    assert AttemptEvent.objects.filter(attempt=attempt, kind="hidden").count() == 1


def test_a_stale_page_claiming_a_handed_in_attempt_gets_no_new_paper(signed_in, exam):
    attempt = start(signed_in, exam)
    post_json(signed_in, reverse("exams:submit", args=(attempt.pk,)), {"device": "dev-a"})
    claim = post_json(signed_in, reverse("exams:claim", args=(attempt.pk,)), {"device": "dev-a"})
    assert claim.status_code == 409 and claim.json()["error"]["code"] == "submitted"
    assert Attempt.objects.filter(exam=exam).count() == 1


def test_the_other_device_is_refused_and_it_is_evidence(signed_in, exam):
    attempt = start(signed_in, exam, device="phone")
    claim = post_json(signed_in, reverse("exams:claim", args=(attempt.pk,)), {"device": "tablet"})
    assert claim.status_code == 200
    refused = post_json(
        signed_in,
        reverse("exams:save", args=(attempt.pk,)),
        {"device": "phone", "position": 0, "response": [], "client_id": "p", "revision": 1},
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "other_device"
    assert AttemptEvent.objects.filter(attempt=attempt, kind="refused").exists()


def test_someone_elses_attempt_is_not_found(client, exam, learner):
    client.force_login(learner)
    attempt = start(client, exam)
    from tests.courses.factories import make_learner

    client.force_login(make_learner("13900000009"))
    assert client.get(reverse("exams:take", args=(attempt.pk,))).status_code == 404
    assert client.get(reverse("exams:result", args=(attempt.pk,))).status_code == 404
    response = post_json(
        client,
        reverse("exams:save", args=(attempt.pk,)),
        {"device": "dev-a", "position": 0, "response": [], "client_id": "x", "revision": 1},
    )
    assert response.status_code == 404


def test_final_exam_is_for_enrolled_learners_only(signed_in, new_energy, learner):
    course = make_course(new_energy, "光伏发电站设计")
    paper = make_paper(new_energy, fixed=[(q, 2) for q in one_of_each(make_bank(new_energy))])
    exam = make_exam(new_energy, paper, ExamKind.FINAL, course=course)
    assert signed_in.get(reverse("exams:detail", args=(exam.pk,))).status_code == 404
    Enrolment.objects.create(learner=learner, course=course, status=EnrolmentStatus.ACTIVE)
    assert signed_in.get(reverse("exams:detail", args=(exam.pk,))).status_code == 200


def test_pages_need_a_login(client, exam):
    assert client.get(reverse("exams:list")).status_code == 302
    response = post_json(client, reverse("exams:save", args=(1,)), {})
    assert response.status_code == 401


def test_a_reloaded_taking_page_shows_every_saved_answer_escaped(signed_in, new_energy):
    """The taking page (built by exams_tags, not a template loop) shows on a reload what
    was saved for every type of question, marks it in the question map, shows only the
    first question, and escapes what the bank's authors typed."""
    bank = make_bank(new_energy)
    questions = one_of_each(bank)
    single = questions[0]
    single.options = ["<script>alert(1)</script>", "电压", "频率", "功率因数"]
    single.save()
    paper = make_paper(new_energy, fixed=[(q, 2) for q in questions])
    exam = make_exam(new_energy, paper, ExamKind.PRACTICE, time_limit_minutes=20)
    attempt = start(signed_in, exam)
    kinds = {q.pk: q.type for q in questions}
    responses = {
        "single": [1],
        "multiple": [0, 3],
        "true_false": [False],
        "fill": ["电压 <b>", "5"],
        "short": ["先断开直流侧 & 交流侧"],
    }
    saved_positions = []
    for position, entry in enumerate(attempt.questions):
        kind = kinds[entry["question"]]
        if kind == "short":
            continue  # left unanswered: the map must not mark it
        body = {"device": "dev-a", "position": position, "response": responses[kind],
                "client_id": f"c{position}", "revision": 1}  # fmt: skip
        saved = post_json(signed_in, reverse("exams:save", args=(attempt.pk,)), body)
        assert saved.status_code == 200
        saved_positions.append(position)
    page = signed_in.get(reverse("exams:take", args=(attempt.pk,))).content.decode()

    sections = re.findall(r'<section class="card exam-question" data-question="(\d+)"[^>]*>', page)
    assert len(sections) == 5
    hidden = [
        " hidden" in tag for tag in re.findall(r'<section class="card exam-question"[^>]*>', page)
    ]
    assert hidden == [False, True, True, True, True]
    assert (
        "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    )
    name = {kinds[e["question"]]: f"q{p}-{e['question']}" for p, e in enumerate(attempt.questions)}
    checked = set(re.findall(r'name="([^"]+)" value="([^"]+)" checked', page))
    assert checked == {
        (name["single"], "1"), (name["multiple"], "0"), (name["multiple"], "3"),
        (name["true_false"], "false"),
    }  # fmt: skip
    assert f'name="{name["fill"]}-0" value="电压 &lt;b&gt;"' in page
    assert f'name="{name["fill"]}-1" value="5"' in page
    short = name["short"]
    assert (
        f'<textarea id="{short}-text" name="{short}" rows="6" maxlength="5000"></textarea>' in page
    )
    answered = re.findall(r'class="exam-map__item is-answered" data-goto="(\d+)"', page)
    assert sorted(map(int, answered)) == saved_positions
    assert "第 1 题 / 共 5 题" in page and "第 5 题 / 共 5 题" in page
