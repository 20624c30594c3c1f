import os
import threading
import time
from pathlib import Path

import pytest

from video.transcoding import TranscodeError, run
from video.transcoding.runner import kill_group

PROGRESS = ("-progress", "pipe:1", "-nostats", "-hide_banner", "-nostdin")


def live_members(group: int) -> list[int]:
    """Processes (zombies excluded) still in a process group."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def test_hung_ffmpeg_is_killed_on_stall(tmp_path):
    fifo = tmp_path / "never-written"
    os.mkfifo(fifo)
    pids: list[int] = []
    cmd = ["ffmpeg", *PROGRESS, "-f", "s16le", "-i", str(fifo), "-f", "null", "-"]
    started = time.monotonic()
    with pytest.raises(TranscodeError) as caught:
        run(cmd, duration=10, stall_timeout=1, on_start=pids.append)
    assert time.monotonic() - started < 5
    assert caught.value.transient
    assert pids and live_members(pids[0]) == []


def test_whole_process_group_is_killed(tmp_path):
    """A child that forks (here: a shell with a background job) leaves nothing behind."""
    pids: list[int] = []
    cmd = ["sh", "-c", "sleep 60 & sleep 60"]
    with pytest.raises(TranscodeError):
        run(cmd, stall_timeout=0.5, on_start=pids.append)
    assert live_members(pids[0]) == []


def test_a_watchdog_can_kill_the_run_through_its_pid():
    pids: list[int] = []
    errors: list[TranscodeError] = []

    def supervised():
        try:
            run(["ffmpeg", *PROGRESS, "-re", "-f", "lavfi", "-i", "testsrc2=d=30", "-f", "null",
                 "-"], duration=30, on_start=pids.append)  # fmt: skip
        except TranscodeError as exc:
            errors.append(exc)

    worker = threading.Thread(target=supervised)
    worker.start()
    while not pids:
        time.sleep(0.05)
    kill_group(pids[0])
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert errors and errors[0].transient  # killed by a signal: worth retrying
    assert live_members(pids[0]) == []


def test_timeout_is_permanent():
    with pytest.raises(TranscodeError) as caught:
        run(["sleep", "60"], timeout=0.5, stall_timeout=None)
    assert not caught.value.transient
    assert "超过" in caught.value.message


def test_exception_in_callback_kills_ffmpeg():
    pids: list[int] = []

    def explode(progress):
        raise RuntimeError("worker is shutting down")

    # -re reads in real time, so this ffmpeg would otherwise run for 30 s.
    cmd = ["ffmpeg", *PROGRESS, "-re", "-f", "lavfi", "-i", "testsrc2=d=30", "-f", "null", "-"]
    with pytest.raises(RuntimeError):
        run(cmd, on_progress=explode, duration=30, on_start=pids.append)
    assert live_members(pids[0]) == []


def test_progress_is_reported_until_100():
    updates = []
    cmd = ["ffmpeg", *PROGRESS, "-f", "lavfi", "-i", "testsrc2=d=2", "-f", "null", "-"]
    run(cmd, on_progress=updates.append, duration=2)
    percents = [update.percent for update in updates]
    assert percents == sorted(percents)
    assert percents[-1] == 100 and updates[-1].done


def test_bad_input_is_permanent_with_stderr_detail(tmp_path):
    missing = tmp_path / "missing.mp4"
    with pytest.raises(TranscodeError) as caught:
        run(["ffmpeg", *PROGRESS, "-i", str(missing), "-f", "null", "-"])
    assert not caught.value.transient
    assert "No such file" in caught.value.detail
    assert "重新上传" in caught.value.message


def test_full_disk_is_transient_even_when_ffmpeg_exits_0():
    cmd = [
        "ffmpeg",
        *PROGRESS,
        "-f",
        "lavfi",
        "-i",
        "testsrc2=d=1",
        "-f",
        "mpegts",
        "-y",
        "/dev/full",
    ]
    with pytest.raises(TranscodeError) as caught:
        run(cmd)
    assert caught.value.transient
    assert "存储空间不足" in caught.value.message


def test_killed_by_a_signal_is_transient():
    with pytest.raises(TranscodeError) as caught:
        run(["sh", "-c", "kill -9 $$"])
    assert caught.value.transient
