"""Run ffmpeg under supervision: progress, deadlines, and no process left behind."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable

from .errors import TranscodeError
from .progress import Progress, ProgressParser, Throttle

STALL_SECONDS = 120.0
STDERR_LINES = 40
_POLL_SECONDS = 0.5
_JOIN_SECONDS = 5.0
_EOF = None
_DISK_FULL = "No space left on device"

NO_SPACE_MESSAGE = "服务器存储空间不足,系统稍后会自动重试。"
_KILLED = "转码进程被系统中断,系统稍后会自动重试。"
_STALLED = "转码长时间没有进展,已中止,系统稍后会自动重试。"
_TIMED_OUT = "视频处理时间超过上限,已中止。请剪短视频或分段后重新上传。"
_FAILED = "视频无法转码,文件可能已损坏。请确认它在电脑上能正常播放后重新上传。"


def run(
    cmd: list[str],
    *,
    on_progress: Callable[[Progress], None] | None = None,
    duration: float | None = None,
    timeout: float | None = None,
    stall_timeout: float | None = STALL_SECONDS,
    on_start: Callable[[int], None] | None = None,
    stdin: int | None = None,
) -> None:
    """Run ``cmd`` (an ffmpeg command with ``-progress pipe:1``) to completion.

    ffmpeg gets its own process group, killed as a whole on timeout, on a stall (no
    progress for ``stall_timeout`` seconds) or on any exception, including one raised
    by a callback. ``on_start(pid)`` lets a watchdog elsewhere kill the group too.
    ``stdin``: a file descriptor ffmpeg reads ``pipe:0`` from (a live stream).
    Raises :class:`TranscodeError`: transient for a full disk, a kill signal or a stall;
    permanent for bad input or a run that exceeds ``timeout``.
    """
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL if stdin is None else stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    stderr_tail: deque[str] = deque(maxlen=STDERR_LINES)
    pumps = [
        _pump(proc.stdout, lines.put, on_eof=lambda: lines.put(_EOF)),
        _pump(proc.stderr, stderr_tail.append),
    ]
    report = _reporter(on_progress, duration)
    try:
        if on_start:
            on_start(proc.pid)
        _follow(proc, lines, report, timeout, stall_timeout)
    except BaseException:
        kill_group(proc.pid)
        proc.wait()
        raise
    finally:
        for pump in pumps:
            pump.join(timeout=_JOIN_SECONDS)
    stderr = "\n".join(stderr_tail)
    # ffmpeg 5.1 can exit 0 after failing to write to a full disk.
    if proc.returncode != 0 or _DISK_FULL in stderr:
        raise _failure(proc.returncode, stderr)


def kill_group(pid: int) -> None:
    """SIGKILL the process group led by ``pid`` (as passed to ``on_start``), if any is left."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _pump(stream, sink: Callable, on_eof: Callable | None = None) -> threading.Thread:
    def drain():
        with stream:
            for raw in stream:
                sink(raw.decode(errors="replace").rstrip())
        if on_eof:
            on_eof()

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    return thread


def _reporter(on_progress, duration) -> Callable[[str], bool]:
    """Line handler that returns whether the output time advanced."""
    parser = ProgressParser(duration or 0.0)
    throttle = Throttle(on_progress) if on_progress else None

    def handle(line: str) -> bool:
        before = parser.out_time
        update = parser.feed(line)
        if update and throttle:
            throttle(update)
        return parser.out_time > before

    return handle


def _follow(proc, lines: queue.Queue, report, timeout, stall_timeout) -> None:
    started = last_advance = time.monotonic()
    while True:
        try:
            line = lines.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            line = ""
        if line is _EOF:
            try:
                proc.wait(timeout=_POLL_SECONDS)
                return
            except subprocess.TimeoutExpired:
                lines.put(_EOF)  # stdout is closed but the process lingers: keep watching
        elif line and report(line):
            last_advance = time.monotonic()
        now = time.monotonic()
        if timeout is not None and now - started > timeout:
            raise TranscodeError(_TIMED_OUT, transient=False, detail=f"timeout after {timeout}s")
        if stall_timeout is not None and now - last_advance > stall_timeout:
            raise TranscodeError(
                _STALLED, transient=True, detail=f"no progress for {stall_timeout}s"
            )


def _failure(returncode: int, stderr: str) -> TranscodeError:
    detail = f"ffmpeg exited with {returncode}: {stderr}"
    if _DISK_FULL in stderr:
        return TranscodeError(NO_SPACE_MESSAGE, transient=True, detail=detail)
    # ffmpeg turns SIGTERM/SIGINT into exit code 255 after logging the signal.
    if returncode < 0 or "received signal" in stderr:
        return TranscodeError(_KILLED, transient=True, detail=detail)
    return TranscodeError(_FAILED, transient=False, detail=detail)
