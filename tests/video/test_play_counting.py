"""A play ticket counts once however many web workers answer it, without Redis: each
process has a cache of its own, so the database must say whether a ticket was used."""

import datetime
import time
from pathlib import Path

import pytest
from django.utils import timezone
from wagtail.models import Collection

from tests.processes import django_process
from video import services
from video.models import DailyPlays, UsedPlayTicket, Video, VideoStatus, Visibility
from video.services.videos import PLAY_SECONDS, PLAY_TICKET_MAX_AGE

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("site_tree"),
]

WORKERS = 3
# A web worker answering the player's report, started at the same moment as the others.
PLAYER = """
import datetime, time
from pathlib import Path
from django.utils import timezone
from video import services
from video.models import Video
from video.services.videos import PLAY_SECONDS
video = Video.objects.get(pk={video_id})
Path({ready!r}).touch()
while not Path({go!r}).exists():
    time.sleep(0.005)
later = timezone.now() + datetime.timedelta(seconds=PLAY_SECONDS + 1)
print("counted" if services.play_record(video=video, ticket={ticket!r}, now=later) else "refused")
"""


def test_one_ticket_counts_once_across_worker_processes(tmp_path):
    video = Video.objects.create(
        title="主变压器日常维护",
        collection=Collection.get_first_root_node(),
        status=VideoStatus.READY,
        visibility=Visibility.PUBLIC,
    )
    ticket = services.play_ticket(video=video)
    go = tmp_path / "go"
    players = [
        django_process(
            PLAYER.format(
                video_id=video.pk, ticket=ticket, ready=str(tmp_path / f"ready-{n}"), go=str(go)
            ),
            stdout=-1,
            text=True,
        )
        for n in range(WORKERS)
    ]
    try:
        deadline = time.monotonic() + 60
        while len(list(tmp_path.glob("ready-*"))) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.02)
        Path(go).touch()
        answers = sorted(player.communicate(timeout=60)[0].strip() for player in players)
    finally:
        for player in players:
            if player.poll() is None:
                player.kill()
    assert answers == ["counted"] + ["refused"] * (WORKERS - 1)
    video.refresh_from_db()
    assert video.play_count == 1
    assert DailyPlays.objects.get(video=video).plays == 1
    assert UsedPlayTicket.objects.count() == 1


def test_used_tickets_are_forgotten_once_too_old_to_count():
    video = Video.objects.create(title="x", collection=Collection.get_first_root_node())
    ticket = services.play_ticket(video=video)
    later = timezone.now() + datetime.timedelta(seconds=PLAY_SECONDS)
    assert services.play_record(video=video, ticket=ticket, now=later)
    assert services.play_tickets_forget(now=later) == 0
    day_after = later + datetime.timedelta(seconds=PLAY_TICKET_MAX_AGE + 1)
    assert services.play_tickets_forget(now=day_after) == 1
    # Forgotten, but refused all the same: the ticket is too old by then.
    assert not services.play_record(video=video, ticket=ticket, now=day_after)
