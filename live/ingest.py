"""The ingest supervisor: one ffmpeg per connection of a publisher, and the SRT
listeners. Run by ``manage.py live_ingest`` on the host of the RTMP server.

- RTMP: nginx's ``on_publish`` asks the platform (``live.views.on_publish``), which
  records an accepted :class:`~live.models.IngestSession`; nginx records the stream to a
  file from its first packet. The supervisor claims the session, probes the file and
  runs the library's one-process ladder command on it as it grows
  (``video.transcoding.build_command`` with live options), while it joins the
  connections' playlists into the ones viewers read (``live.hls``).
- SRT: for every lecture open for publishing and holding an SRT port, srt-live-transmit
  listens there with the lecture's passphrase (a wrong one fails SRT's handshake; once a
  caller is connected, others are refused) and an ffmpeg relays what it receives,
  unchanged, to nginx under the lecture's stream key — from there it is an RTMP
  publisher like any other, refused or accepted by the same rules.

Every few seconds the supervisor beats on its sessions; a session whose beats stop is
taken over by the watchdog (``live.tasks.watchdog``), which kills its ffmpeg.
"""

from __future__ import annotations

import datetime
import logging
import os
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
# A recording that stops growing for this long ends the stream (a frozen publisher);
# nginx drops a silent publisher after 10 s, and says so, well before.
STALL_SECONDS = 30.0
FEED_CHUNK = 256 * 1024
FEED_POLL_SECONDS = 0.05
PUBLISHER_GONE_SECONDS = 15.0
# nginx has written the last packets this long after saying the publisher left.
TAIL_SECONDS = 1.0
PROBE_BYTES = 64 * 1024
PROBE_WAIT_SECONDS = 20.0
PROBE_OPTIONS = {"protocol_whitelist": "file", "format_whitelist": "flv,live_flv"}


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
    """Transcodes one accepted connection until its stream ends.

    nginx records the connection from its first packet (``record all``); the transcoder
    reads that file from its start as it grows, so nothing is lost while the stream is
    probed, and the file is the lecture's original, kept even if transcoding fails.
    """

    def __init__(self, session: IngestSession):
        super().__init__(name=f"live-session-{session.pk}", daemon=True)
        self.session = session
        self.lecture_id = session.lecture_id
        self.pid: int | None = None
        self.stopping = False
        self.finished = threading.Event()
        self.out_dir: str | None = None
        self.ladder: dict = {}
        self.master_written = False
        self.publisher_gone_at: float | None = None
        self.transcoder_done = threading.Event()

    def run(self):
        error = ""
        try:
            stream_key = LiveLecture.objects.values_list("stream_key", flat=True).get(
                pk=self.lecture_id
            )
            plan = services.session_begin(
                session_id=self.session.pk, hostname=HOSTNAME, pid=os.getpid()
            )
            recording = self._recording(stream_key)
            probe = self._probe(recording)
            ladder = services.lecture_ladder(lecture_id=self.lecture_id, ladder=ladder_for(probe))
            self.ladder, self.out_dir = ladder, plan.out_dir
            audio = ladder.get("audio")
            cmd = build_command(
                "pipe:0",
                plan.out_dir,
                probe,
                rungs_of(ladder),
                AudioRendition(channels=audio["channels"]) if audio and probe.has_audio else None,
                live=LiveOptions(
                    session=hls.session_name(self.session.number),
                    input_options=conf.RECORDING_INPUT,
                ),
            )
            read_end, write_end = os.pipe()
            feeder = threading.Thread(
                target=self._feed, args=(recording, write_end), name=f"{self.name}-feed"
            )
            feeder.start()
            try:
                run(
                    cmd,
                    on_start=lambda pid: self._transcoding(pid, recording),
                    stall_timeout=None,
                    stdin=read_end,
                )
            finally:
                os.close(read_end)
                self.transcoder_done.set()
                feeder.join()
        except MediaError as exc:
            if not self.stopping:
                error = exc.detail or exc.message
                logger.warning("live session %s: %s", self.session.pk, error)
        except Exception as exc:  # the session must end whatever happened
            logger.exception("live session %s crashed", self.session.pk)
            error = repr(exc)
        finally:
            try:
                self.stitch()
                services.session_end(session_id=self.session.pk, error=error)
            finally:
                self.finished.set()
                connection.close()

    def _recording(self, stream_key: str) -> str:
        """nginx's file of this connection: the newest one of the key, made since the
        connection was accepted."""
        since = self.session.created_at.timestamp() - 2
        deadline = time.monotonic() + PROBE_WAIT_SECONDS
        while time.monotonic() < deadline and not self.stopping:
            files = [
                path
                for path in conf.recordings_dir().glob(f"{stream_key}-*.flv")
                if path.stat().st_mtime >= since
            ]
            if files:
                return str(max(files, key=lambda path: path.stat().st_mtime))
            time.sleep(0.1)
        raise MediaError("没有收到直播信号。", detail="nginx wrote no recording")

    def _probe(self, path: str):
        """Probe the first second or so of the recording."""
        deadline = time.monotonic() + PROBE_WAIT_SECONDS
        while True:
            if os.path.getsize(path) >= PROBE_BYTES:
                try:
                    return probe_stream(file_url(path), options=PROBE_OPTIONS)
                except MediaError:
                    if time.monotonic() > deadline or self.stopping:
                        raise
            elif time.monotonic() > deadline or self.stopping:
                raise MediaError("直播信号中断。", detail="the recording stayed empty")
            time.sleep(0.2)

    def _feed(self, recording: str, pipe: int) -> None:
        """Copy the recording into the transcoder's stdin as nginx writes it; close the
        pipe (the end of the stream) once the publisher has left and the file stopped
        growing, or after a long silence."""
        last_data = time.monotonic()
        try:
            with open(recording, "rb") as source:
                while not self.stopping and not self.transcoder_done.is_set():
                    chunk = source.read(FEED_CHUNK)
                    if chunk:
                        os.write(pipe, chunk)
                        last_data = time.monotonic()
                        continue
                    quiet = time.monotonic() - last_data
                    if (self.publisher_gone_at and quiet > TAIL_SECONDS) or quiet > STALL_SECONDS:
                        break
                    time.sleep(FEED_POLL_SECONDS)
        except OSError:  # the transcoder is gone (broken pipe)
            pass
        finally:
            os.close(pipe)

    def _transcoding(self, pid: int, recording: str) -> None:
        self.pid = pid
        services.session_transcoding(session_id=self.session.pk, pid=pid, recording=recording)

    def publisher_left(self) -> None:
        """nginx said the publisher left: the feeder ends the stream once the recording
        has stopped growing."""
        self.publisher_gone_at = self.publisher_gone_at or time.monotonic()

    def stop(self) -> None:
        """End the stream now (the lecture was ended); ffmpeg finishes its last segment."""
        self.stopping = True

    def kill(self) -> None:
        self.stopping = True
        if self.pid:
            kill_group(self.pid)

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
    again (a reconnect) while the lecture is open.

    The listener is ``srt-live-transmit`` (Debian's srt-tools): it checks the lecture's
    passphrase and, once a caller is connected, refuses any other. What it receives (an
    MPEG-TS stream) goes, unchanged, to an ffmpeg that publishes it to nginx as FLV
    under the lecture's stream key.
    """

    def __init__(self, lecture: LiveLecture):
        super().__init__(name=f"live-srt-{lecture.pk}", daemon=True)
        self.lecture_id = lecture.pk
        self.port = lecture.srt_port
        self.passphrase = lecture.srt_passphrase
        self.stream_key = lecture.stream_key
        self.processes: list[subprocess.Popen] = []
        self.stopping = threading.Event()

    def commands(self) -> tuple[list[str], list[str]]:
        listener = [
            "srt-live-transmit", "-q", "-a:no", "-ll:error",
            conf.srt_listen_url(port=self.port, passphrase=self.passphrase), "file://con",
        ]  # fmt: skip
        relay = [
            "ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
            # Publish to nginx within a second of the caller: probe briefly.
            "-analyzeduration", "1000000", "-probesize", "1000000",
            "-f", "mpegts", "-i", "pipe:0",
            "-map", "0:v:0?", "-map", "0:a:0?", "-c", "copy",
            "-f", "flv", f"{conf.pull_url(self.stream_key)}?via=srt",
        ]  # fmt: skip
        return listener, relay

    def run(self):
        while not self.stopping.is_set():
            listener_cmd, relay_cmd = self.commands()
            listener = subprocess.Popen(
                listener_cmd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            relay = subprocess.Popen(
                relay_cmd,
                stdin=listener.stdout,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            listener.stdout.close()
            self.processes = [listener, relay]
            if self.stopping.is_set():  # stopped while these were starting
                self.stop()
            _out, relay_err = relay.communicate()
            _out, listener_err = listener.communicate()
            if not self.stopping.is_set():
                logger.info(
                    "live %s: SRT connection ended (listener %s: %s; relay %s: %s)",
                    self.lecture_id,
                    listener.returncode,
                    listener_err.decode(errors="replace")[-300:].strip(),
                    relay.returncode,
                    relay_err.decode(errors="replace")[-300:].strip(),
                )
            self.stopping.wait(0.5)

    def stop(self) -> None:
        self.stopping.set()
        for proc in self.processes:
            if proc.poll() is None:
                kill_group(proc.pid)


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
            connection.close()

    def tick(self, now: datetime.datetime | None = None) -> None:
        now = now or timezone.now()
        self._claim()
        self._stop_ended()
        for session_id, session_run in list(self.runs.items()):
            if session_run.finished.is_set():
                del self.runs[session_id]
            else:
                session_run.stitch()
        if time.monotonic() - self.last_beat >= HEARTBEAT_SECONDS:
            services.sessions_heartbeat(session_ids=list(self.runs))
            self.last_beat = time.monotonic()
        self._publishers_gone(now)
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

    def _publishers_gone(self, now) -> None:
        """nginx said the publisher left: end the transcoder; kill one that hangs on."""
        gone = IngestSession.objects.filter(
            pk__in=list(self.runs), publisher_gone_at__isnull=False
        ).values_list("pk", "publisher_gone_at")
        for session_id, gone_at in gone:
            if now - gone_at > datetime.timedelta(seconds=PUBLISHER_GONE_SECONDS):
                self.runs[session_id].kill()
            else:
                self.runs[session_id].publisher_left()

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
    """SIGKILL a lost session's transcoder on this host, recognised by its command line
    (it names the lecture's directory), so that a recycled pid is never killed by
    mistake."""
    if not session.ffmpeg_pid or not session.lecture.rendition_dir:
        return False
    try:
        cmdline = Path(f"/proc/{session.ffmpeg_pid}/cmdline").read_bytes()
    except OSError:
        return False
    if b"ffmpeg" not in cmdline or session.lecture.rendition_dir.encode() not in cmdline:
        return False
    kill_group(session.ffmpeg_pid)
    return True
