"""The JSON API: listing, booking, cancelling, confirming an offer, checking in and out."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from nightschool import services, tokens
from nightschool.models import Booking
from tests.nightschool.conftest import early_in_a_window, minutes
from tests.nightschool.factories import make_course, make_learner, make_session

pytestmark = pytest.mark.django_db


def post(client, name, *args, data=None):
    return client.post(
        reverse(f"api:{name}", args=args),
        data=json.dumps(data or {}),
        content_type="application/json",
    )


def test_listing_with_filters_and_my_booking(client, school, session):
    other_course = make_course(school.site, "心理健康", category="社会融入")
    make_session(school.site, other_course, title="压力从哪里来")
    learner = make_learner("13900000001")
    services.booking_create(learner=learner, session=session)
    client.force_login(learner)
    data = client.get(reverse("api:classes")).json()
    assert data["count"] == 2
    first = data["results"][0]
    assert first["title"] == "书法(楷书) · 间架结构"
    assert first["category"]["name"] == "文化艺术" and first["site"]["city"] == "长春市"
    assert first["venue"]["address"] == "长春市人民大街 1 号"
    assert (first["capacity"], first["seats_left"], first["waiting"]) == (10, 9, 0)
    assert first["my_booking"]["status"] == "confirmed"
    assert first["lecturer"]["name"] == "孙海峰"

    social = other_course.category_id
    data = client.get(reverse("api:classes"), {"category": social}).json()
    assert [row["title"] for row in data["results"]] == ["心理健康 · 压力从哪里来"]
    data = client.get(reverse("api:classes"), {"site": school.branch.pk}).json()
    assert data["count"] == 0
    assert client.get(reverse("api:classes"), {"category": "x"}).status_code == 400


def test_book_cancel_and_confirm_an_offer(client, session):
    session.capacity = 1
    session.save()
    first, second = make_learner("13900000001"), make_learner("13900000002")
    assert post(client, "book", session.pk).status_code == 401

    client.force_login(first)
    response = post(client, "book", session.pk)
    assert response.status_code == 201
    assert response.json()["my_booking"]["status"] == "confirmed"
    client.force_login(second)
    waiting = post(client, "book", session.pk).json()["my_booking"]
    assert (waiting["status"], waiting["waitlist_position"]) == ("waitlisted", 1)
    detail = client.get(reverse("api:class", args=(session.pk,))).json()
    assert detail["my_booking"]["waitlist_position"] == 1 and detail["seats_left"] == 0

    # Not one's own booking: not found.
    seat = Booking.objects.get(learner=first)
    assert post(client, "cancel", seat.pk).status_code == 404
    assert post(client, "accept", waiting["id"]).json()["error"]["code"] == "no_offer"

    client.force_login(first)
    assert post(client, "cancel", seat.pk).json()["status"] == "cancelled"
    client.force_login(second)
    accepted = post(client, "accept", waiting["id"])
    assert accepted.status_code == 200 and accepted.json()["status"] == "confirmed"


def test_errors_say_what_happened_in_chinese(client, session):
    session.booking_opens_at = timezone.now() + minutes(60)
    session.save()
    client.force_login(make_learner("13900000001"))
    response = post(client, "book", session.pk)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "not_open_yet" and "开放预约" in error["message"]


def test_check_in_and_out_through_the_api(client, school):
    start = timezone.now() - minutes(70)
    session = make_session(school.site, school.course, starts_at=start, title="基本笔画")
    learner = make_learner("13900000001")
    services.booking_create(learner=learner, session=session, now=start - minutes(60))
    client.force_login(learner)
    now = early_in_a_window()
    previous = tokens.make(session_id=session.pk, window=tokens.window_at(now) - 1)
    assert (
        post(client, "scan", session.pk, data={"token": "nonsense"}).json()["error"]["code"]
        == "invalid"
    )
    checked_in = post(client, "scan", session.pk, data={"token": previous}).json()
    assert checked_in["action"] == "checked_in"
    replay = post(client, "scan", session.pk, data={"token": previous})
    assert replay.status_code == 409 and replay.json()["error"]["code"] == "replay"
    Booking.objects.filter(learner=learner).update(checked_in_at=start)
    current = tokens.make(session_id=session.pk, window=tokens.window_at(now))
    checked_out = post(client, "scan", session.pk, data={"token": current}).json()
    assert checked_out["action"] == "checked_out"
    assert checked_out["booking"]["credited_minutes"] == 70
    response = client.post(
        reverse("api:scan", args=(session.pk,)),
        "not json",
        content_type="application/json",
    )
    assert response.json()["error"]["code"] == "invalid"


def test_classes_of_an_unpublished_or_private_course_are_not_served_by_id(client, school, session):
    learner = make_learner("13900000001")
    client.force_login(learner)
    url = reverse("api:class", args=[session.pk])
    assert client.get(url).status_code == 200

    session.course.unpublish()
    for response in (client.get(url), post(client, "book", session.pk)):
        assert response.status_code == 404
        assert "间架结构" not in response.content.decode()
    assert client.get(reverse("nightschool:class", args=[session.pk])).status_code == 404
    assert not Booking.objects.exists()

    session.course.save_revision().publish()
    PageViewRestriction.objects.create(
        page=session.course, restriction_type=PageViewRestriction.PASSWORD, password="yexiao"
    )
    assert client.get(url).status_code == 404
