"""manage.py import_video: --sync runs the pipeline in-process, --json reports it."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from video.models import JobState, Video

pytestmark = pytest.mark.django_db


def import_video(*args) -> tuple[dict, int]:
    from io import StringIO

    out = StringIO()
    code = 0
    try:
        call_command("import_video", *map(str, args), stdout=out)
    except CommandError as error:
        code = error.returncode
    return json.loads(out.getvalue()), code


def test_sync_json_reports_a_ready_video(clip, units):
    source = clip("landscape.mp4")
    result, code = import_video(source, "--title", "光伏发电站设计", "--collection",
                                units.a.title, "--sync", "--json")  # fmt: skip
    assert code == 0
    assert set(result) == {"id", "status", "error", "duration", "width", "height", "has_audio",
                           "renditions", "master", "poster"}  # fmt: skip
    assert result["status"] == "ready" and result["error"] is None
    assert (result["width"], result["height"], result["has_audio"]) == (320, 180, True)
    assert result["duration"] == pytest.approx(2.0, abs=0.1)
    assert [r["height"] for r in result["renditions"]] == [180, 0]
    assert all(r["bandwidth"] > 0 for r in result["renditions"])
    assert Path(result["master"]).read_text().startswith("#EXTM3U")
    assert Path(result["poster"]).is_file()
    video = Video.objects.get(pk=result["id"])
    assert video.collection == units.a.collection and video.title == "光伏发电站设计"
    assert source.is_file()  # the original is copied, not moved


def test_sync_json_exits_non_zero_for_a_broken_file(clip, units):
    result, code = import_video(clip("truncated.mp4"), "--title", "坏文件", "--sync", "--json")
    assert code == 1
    assert result["status"] == "failed" and "不完整" in result["error"]
    assert result["renditions"] == [] and result["master"] is None
    assert Video.objects.get(pk=result["id"]).jobs.get().state == JobState.FAILED


def test_without_sync_the_video_waits_for_the_queue(clip, units):
    result, code = import_video(clip("audio.mp3"), "--title", "宣讲录音", "--json")
    assert code == 0 and result["status"] == "queued" and result["duration"] is None


def test_an_unknown_collection_is_an_error(clip, units):
    with pytest.raises(CommandError, match="collection"):
        call_command("import_video", str(clip("audio.mp3")), "--title", "x", "--collection", "无")
