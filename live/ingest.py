"""The ingest supervisor: one ffmpeg per connection of a publisher, and the SRT
listeners. Run by ``manage.py live_ingest`` on the host of the RTMP server.

- RTMP: nginx's ``on_publish`` asks the platform (``live.views.on_publish``), which
  records an accepted :class:`~live.models.IngestSession`. The supervisor claims it,
  probes the stream read back from nginx, and runs the library's one-process ladder
  command on it (``video.transcoding.build_command`` with live options) while it joins
  the connections' playlists into the ones viewers read (``live.hls``).
- SRT: for every lecture open for publishing and holding an SRT port, an ffmpeg listens
  there with the lecture's passphrase (a wrong one fails SRT's handshake; a listener
  takes one caller, so a second publisher is refused) and relays what it receives,
  unchanged, to nginx under the lecture's stream key — from there it is an RTMP
  publisher like any other, refused or accepted by the same rules.

Every few seconds the supervisor beats on its sessions; a session whose beats stop is
taken over by the watchdog (``live.tasks.watchdog``), which kills its ffmpeg.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from live import conf, hls, services
from live.models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    IngestSession,
    LiveLecture,
    LiveStatus,
    SessionState,
)
from live.replay import rendition_names, rungs_of
from video.transcoding import (
    AudioRendition,
    LiveOptions,
    MediaError,
    build_command,
    output_fps,
    plan_audio,
    plan_ladder,
    probe_stream,
    run,
    write_master,
)
from video.transcoding.command import AUDIO_NAME, rendition_uri
from video.transcoding.probe import file_url
from video.transcoding.runner import kill_group

logger = logging.getLogger(__name__)

HOSTNAME = socket.gethostname()
POLL_SECONDS = 0.5
HEARTBEAT_SECONDS = 5.0
# ffmpeg whose input stops delivering for this long is stopped (a frozen publisher);
# nginx drops a silent publisher after 10 s anyway.
STALL_SECONDS = 20.0
PUBLISHER_GONE_SECONDS = 15.0
# The transcoder is a fraction of a second behind the recorder; this is plenty.
TAIL_SECONDS = 2.0
PROBE_BYTES = 64 * 1024
PROBE_WAIT_SECONDS = 20.0
PROBE_OPTIONS = {"protocol_whitelist": "file", "format_whitelist": "mpegts"}


def ladder_for(probe) -> dict:
    """The lecture's ladder, fixed by its first connection: the library's ladder, up to
    LIVE_MAX_SHORT_SIDE (720p: two lectures per two cores), and its audio rendition."""
    rungs = plan_ladder(probe, max_short_side=settings.LIVE_MAX_SHORT_SIDE)
    audio = plan_audio(probe)
    return {
        "rungs": [
            {"name": r.name, "width": r.width, "height": r.height, "bitrate": r.bitrate}
            for r in rungs
        ],
        "audio": {"channels": audio.channels} if audio else None,
        "fps": float(output_fps(probe)) if rungs else None,
    }


class SessionRun(threading.Thread):
    """Records one accepted connection and transcodes it until its stream ends.

    A recorder (ffmpeg copying the RTMP stream to an MPEG-TS file, no re-encoding)
    starts at once, so nothing of the lecture is lost while the stream is probed; the
    transcoder reads that file from its start as it grows. The file is the lecture's
    original, kept even if transcoding fails.
    """

    def __init__(self, session: IngestSession):
        super().__init__(name=f"live-session-{session.pk}", daemon=True)
        self.session = session
        self.lecture_id = session.lecture_id
        self.pid: int | None = None
        self.recorder: subprocess.Popen | None = None
        self.stopping = False
        self.finished = threading.Event()
        self.out_dir: str | None = None
        self.ladder: dict = {}
        self.master_written = False
        self.recorder_ended_at: float | None = None

    def run(self):
        error = ""
        try:
            stream_key = LiveLecture.objects.values_list("stream_key", flat=True).get(
                pk=self.lecture_id
            )
            plan = services.session_begin(
                session_id=self.session.pk, hostname=HOSTNAME, pid=os.getpid()
            )
            self.recorder = self._record(conf.pull_url(stream_key), plan.record_path)
            probe = self._probe(plan.record_path)
            self.ladder = services.lecture_ladder(
                lecture_id=self.lecture_id, ladder=ladder_for(probe)
            )
            self.out_dir = plan.out_dir
            rungs = rungs_of(self.ladder)
            audio = self.ladder.get("audio")
            has_audio = audio and probe.has_audio
            cmd = build_command(
                file_url(plan.record_path),
                plan.out_dir,
                probe,
                rungs,
                AudioRendition(channels=audio["channels"]) if has_audio else None,
                live=LiveOptions(
                    session=hls.session_name(self.session.number),
                    input_options=conf.RECORDING_INPUT,
                ),
            )
            run(cmd, on_start=self._transcoder_started, stall_timeout=STALL_SECONDS)
        except MediaError as exc:
            if not self.stopping:
                error = exc.detail or exc.message
                logger.warning("live session %s: %s", self.session.pk, error)
        except Exception as exc:  # the session must end whatever happened
            logger.exception("live session %s crashed", self.session.pk)
            error = repr(exc)
        finally:
            try:
                if self.recorder is not None:
                    self._stop_recorder()
                self.stitch()
                services.session_end(session_id=self.session.pk, error=error)
            finally:
                self.finished.set()
                connection.close()

    def _record(self, url: str, path: str) -> subprocess.Popen:
        args = [a for k, v in conf.RTMP_INPUT.items() for a in (f"-{k}", str(v))]
        recorder = subprocess.Popen(
            ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", *args, "-i", url,
             "-map", "0:v:0?", "-map", "0:a:0?", "-c", "copy", "-flush_packets", "1",
             "-f", "mpegts", "-y", path],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        services.session_processes(session_id=self.session.pk, recorder_pid=recorder.pid)
        return recorder

    def _probe(self, path: str):
        """Probe the first second or so of the recording."""
        deadline = time.monotonic() + PROBE_WAIT_SECONDS
        while True:
            if os.path.exists(path) and os.path.getsize(path) >= PROBE_BYTES:
                try:
                    return probe_stream(file_url(path), options=PROBE_OPTIONS)
                except MediaError:
                    if self.recorder.poll() is not None or time.monotonic() > deadline:
                        raise
            elif self.recorder.poll() is not None or time.monotonic() > deadline:
                raise MediaError("直播信号中断。", detail="nothing was recorded from the stream")
            time.sleep(0.2)

    def _stop_recorder(self) -> None:
        if self.recorder.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.recorder.pid, signal.SIGINT)
            try:
                self.recorder.wait(timeout=10)
            except subprocess.TimeoutExpired:
                kill_group(self.recorder.pid)
                self.recorder.wait()

    def _transcoder_started(self, pid: int) -> None:
        self.pid = pid
        services.session_processes(session_id=self.session.pk, ffmpeg_pid=pid)

    def stop(self) -> None:
        """End the recording; the transcoder writes its last segments and exits."""
        self.stopping = True
        if self.recorder is not None and self.recorder.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.recorder.pid, signal.SIGINT)

    def kill(self) -> None:
        self.stopping = True
        for pid in (self.pid, self.recorder.pid if self.recorder else None):
            if pid:
                kill_group(pid)

    def finish_when_recorded(self) -> None:
        """The recorder stopped (the publisher left): give the transcoder a moment to
        read the rest of the file, then let it finish."""
        if self.recorder is None or self.recorder.poll() is None or not self.pid:
            return
        now = time.monotonic()
        if self.recorder_ended_at is None:
            self.recorder_ended_at = now
        elif now - self.recorder_ended_at > TAIL_SECONDS and not self.stopping:
            self.stopping = True
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGINT)

    def stitch(self) -> None:
        """Join the connections' playlists into the ones viewers read; write the master
        once every rendition has its first segment (the lecture is then on air)."""
        if not self.out_dir or not self.ladder:
            return
        names = rendition_names(self.ladder)
        ready = True
        for name in names:
            directory = os.path.join(self.out_dir, name)
            segments = hls.lecture_segments(directory)
            ready = ready and bool(segments)
            if segments:
                hls.write_index(directory, segments, ended=False)
        if ready and not self.master_written:
            rungs = rungs_of(self.ladder)
            write_master(
                self.out_dir,
                [rendition_uri(rung.name) for rung in rungs],
                rendition_uri(AUDIO_NAME) if self.ladder.get("audio") else None,
                frame_rate=self.ladder.get("fps") if rungs else None,
            )
            self.master_written = True
            services.lecture_on_air(lecture_id=self.lecture_id)


class Relay(threading.Thread):
    """Listens for an SRT publisher of one lecture and relays it to nginx, again and
    again (a reconnect) while the lecture is open."""

    def __init__(self, lecture: LiveLecture):
        super().__init__(name=f"live-srt-{lecture.pk}", daemon=True)
        self.lecture_id = lecture.pk
        self.port = lecture.srt_port
        self.passphrase = lecture.srt_passphrase
        self.stream_key = lecture.stream_key
        self.proc: subprocess.Popen | None = None
        self.stopping = threading.Event()

    def command(self) -> list[str]:
        target = f"{conf.pull_url(self.stream_key)}?via=srt"
        return [
            "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
            "-i", conf.srt_listen_url(port=self.port, passphrase=self.passphrase),
            "-map", "0:v:0?", "-map", "0:a:0?", "-c", "copy", "-f", "flv", target,
        ]  # fmt: skip

    def run(self):
        while not self.stopping.is_set():
            self.proc = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            _out, err = self.proc.communicate()
            if err and not self.stopping.is_set():
                logger.info("live %s: SRT relay ended: %s", self.lecture_id, err.decode()[-300:])
            self.stopping.wait(1.0)

    def stop(self) -> None:
        self.stopping.set()
        if self.proc and self.proc.poll() is None:
            kill_group(self.proc.pid)


class Supervisor:
    """Claims accepted connections, keeps SRT listeners, joins playlists, ends lectures
    whose grace period is over. :meth:`tick` does one round; :meth:`serve` loops."""

    def __init__(self):
        self.runs: dict[int, SessionRun] = {}
        self.relays: dict[int, Relay] = {}
        self.last_beat = 0.0

    def serve(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    self.tick()
                except Exception:
                    logger.exception("live supervisor: a round failed")
                stop.wait(POLL_SECONDS)
        finally:
            self.shutdown()

    def tick(self, now: datetime.datetime | None = None) -> None:
        now = now or timezone.now()
        self._claim()
        self._stop_ended()
        for session_id, session_run in list(self.runs.items()):
            if session_run.finished.is_set():
                del self.runs[session_id]
            else:
                session_run.finish_when_recorded()
                session_run.stitch()
        if time.monotonic() - self.last_beat >= HEARTBEAT_SECONDS:
            services.sessions_heartbeat(session_ids=list(self.runs))
            self.last_beat = time.monotonic()
        self._stop_abandoned(now)
        services.lectures_past_grace(now=now)
        self._keep_relays(now)

    def _claim(self) -> None:
        pending = IngestSession.objects.filter(
            state=SessionState.PENDING, protocol__in=("rtmp", "srt"), hostname=""
        ).exclude(pk__in=list(self.runs))
        for session in pending:
            if IngestSession.objects.filter(pk=session.pk, hostname="").update(hostname=HOSTNAME):
                session_run = SessionRun(session)
                self.runs[session.pk] = session_run
                session_run.start()

    def _stop_ended(self) -> None:
        ending = set(
            LiveLecture.objects.filter(
                pk__in=[run.lecture_id for run in self.runs.values()],
                status__in=(LiveStatus.ENDING, *FINISHED_STATUSES),
            ).values_list("pk", flat=True)
        )
        for session_run in self.runs.values():
            if session_run.lecture_id in ending and not session_run.stopping:
                session_run.stop()

    def _stop_abandoned(self, now) -> None:
        """nginx said the publisher left long ago and ffmpeg still runs: stop it."""
        gone_before = now - datetime.timedelta(seconds=PUBLISHER_GONE_SECONDS)
        abandoned = IngestSession.objects.filter(
            pk__in=list(self.runs), publisher_gone_at__lt=gone_before
        ).values_list("pk", flat=True)
        for session_id in abandoned:
            self.runs[session_id].kill()

    def _keep_relays(self, now) -> None:
        early = datetime.timedelta(minutes=settings.LIVE_EARLY_MINUTES)
        wanted = {
            lecture.pk: lecture
            for lecture in LiveLecture.objects.filter(
                status__in=OPEN_STATUSES, starts_at__lte=now + early
            )
            .exclude(srt_port=None)
            .exclude(status=LiveStatus.SCHEDULED, ends_at__lte=now)
        }
        for lecture_id, relay in list(self.relays.items()):
            lecture = wanted.get(lecture_id)
            changed = lecture is not None and (
                lecture.srt_passphrase != relay.passphrase or lecture.stream_key != relay.stream_key
            )
            if lecture is None or changed or not relay.is_alive():
                relay.stop()
                del self.relays[lecture_id]
        for lecture_id, lecture in wanted.items():
            if lecture_id not in self.relays:
                relay = Relay(lecture)
                self.relays[lecture_id] = relay
                relay.start()

    def shutdown(self) -> None:
        for relay in self.relays.values():
            relay.stop()
        for session_run in self.runs.values():
            session_run.stop()
        for session_run in self.runs.values():
            session_run.join(timeout=10)
        self.relays.clear()
        self.runs.clear()


def kill_session_ffmpeg(session: IngestSession) -> bool:
    """SIGKILL a lost session's recorder and transcoder on this host, each recognised by
    its command line (it names the lecture's files), so that a recycled pid is never
    killed by mistake."""
    killed = False
    marks = {
        session.ffmpeg_pid: session.lecture.rendition_dir,
        session.recorder_pid: session.lecture.stream_key,
    }
    for pid, mark in marks.items():
        if not pid or not mark:
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"ffmpeg" in cmdline and mark.encode() in cmdline:
            kill_group(pid)
            killed = True
    return killed
