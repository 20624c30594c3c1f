"""Live lectures on this machine: latency, CPU per lecture, replay time, segment serving.

Starts everything on loopback the way `make run` would: a throw-away SQLite site (migrated,
with one academy, course, lecturer and learner), the development server answering nginx's
on_publish, the django-q2 worker, nginx with its RTMP module (scripts/live-ingest.sh) and
the ingest supervisor (`manage.py live_ingest`), then publishes with ffmpeg:

  latency   a 720p30 stream (test picture + tone, sent in real time); for every new
            segment of the 720p playlist, the time it became fetchable minus the time its
            last frame was sent. "On screen" adds hls.js' hold-back (2 segments, 4 s).
  cpu       N lectures at once (720p30 sources sent with -c copy, so publishing costs
            nothing): CPU seconds of each transcoder per second, from /proc, and whether
            every lecture kept up with real time.
  replay    seconds from 结束直播 (services.lecture_end) to the replay being a ready video.
  serving   wrk against nginx: one 720p segment and the live playlist through the signed
            URLs, for N concurrent viewers.

    .venv/bin/python benchmarks/live.py [--seconds 60] [--lectures 2] [--viewers 100,1000]
        [--port 8670]

Shared machine: the load average is printed with every figure. Ten ports from --port
(8670-8679 by default: web, RTMP, HTTP, then SRT).
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.loopback import load_average  # noqa: E402

PORTS = {"web": 8670, "rtmp": 8671, "http": 8672, "srt": 8673, "last": 8679}
PY = str(ROOT / ".venv/bin/python")


def environment(data_dir: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "LMS_DATA_DIR": str(data_dir),
        "LMS_LIVE_RTMP_URL": f"rtmp://127.0.0.1:{PORTS['rtmp']}/live",
        "LMS_LIVE_RTMP_PULL_URL": f"rtmp://127.0.0.1:{PORTS['rtmp']}/live",
        "LMS_LIVE_RTMP_CONTROL_URL": f"http://127.0.0.1:{PORTS['http']}/control",
        "LMS_LIVE_SRT_PORTS": f"{PORTS['srt']}-{PORTS['last']}",
        "LMS_LOG_LEVEL": "WARNING",
    }


def make_source(path: Path, seconds: int) -> None:
    """720p30 H.264 + AAC, as OBS would send it (keyframe every 2 s)."""
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=1280x720:rate=30:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
         "-c:v", "libx264", "-preset", "veryfast", "-g", "60", "-b:v", "2500k",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "128k", "-f", "flv", str(path)],
        check=True,
    )  # fmt: skip


def publish(source: Path, key: str) -> subprocess.Popen:
    return subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-i", str(source),
         "-c", "copy", "-f", "flv", f"rtmp://127.0.0.1:{PORTS['rtmp']}/live/{key}"],
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def wait_for(predicate, timeout=60.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError


def segments_of(path: Path) -> list[float]:
    try:
        text = path.read_text()
    except FileNotFoundError:
        return []
    return [float(m) for m in re.findall(r"#EXTINF:([\d.]+),", text)]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--lectures", type=int, default=2)
    parser.add_argument("--viewers", default="100,1000")
    parser.add_argument("--port", type=int, default=PORTS["web"], help="first of ten ports")
    args = parser.parse_args()
    PORTS.update({name: args.port + n for n, name in enumerate(PORTS) if name != "last"})
    PORTS["last"] = args.port + 9

    data_dir = Path(tempfile.mkdtemp(prefix="lms-bench-live-"))
    env = environment(data_dir)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    print(f"load average at start: {load_average()}")
    call_command("migrate", verbosity=0)
    from live import conf, selectors, services
    from live.models import IngestSession, LiveLecture, LiveStatus
    from tests.live.conftest import World
    from video import conf as video_conf

    world = World()
    processes = []
    ingest_dir = data_dir / "ingest"
    try:
        processes.append(subprocess.Popen(
            [PY, "manage.py", "runserver", "--noreload", f"127.0.0.1:{PORTS['web']}"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))  # fmt: skip
        processes.append(subprocess.Popen(
            [PY, "manage.py", "qcluster"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))  # fmt: skip
        processes.append(subprocess.Popen(
            [PY, "manage.py", "live_ingest"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))  # fmt: skip
        subprocess.run(
            [ROOT / "scripts/live-ingest.sh", "start", ingest_dir, str(PORTS["rtmp"]),
             str(PORTS["http"]), f"http://127.0.0.1:{PORTS['web']}", video_conf.root(),
             conf.ingest_secret(), video_conf.stream_secret()],
            check=True, env={**env, "LMS_LIVE_NGINX_WORKERS": "2"},
        )  # fmt: skip
        time.sleep(2)
        source = data_dir / "source.flv"
        make_source(source, args.seconds)

        # Latency and CPU: N lectures at once.
        lectures = [
            world.lecture(starts_in=-datetime.timedelta(seconds=5), title=f"基准直播 {n}")
            for n in range(args.lectures)
        ]
        sent_at = {}
        publishers = []
        for lecture in lectures:
            sent_at[lecture.pk] = time.time()
            publishers.append(publish(source, lecture.stream_key))
        first = lectures[0]

        def on_air(lecture):
            return LiveLecture.objects.get(pk=lecture.pk).status == LiveStatus.LIVE

        for lecture in lectures:
            wait_for(lambda lecture=lecture: on_air(lecture), timeout=60)
        first.refresh_from_db()
        top = first.ladder["rungs"][0]["name"]
        playlist = video_conf.stream_root() / first.rendition_dir / top / "index.m3u8"
        latencies, seen = [], 0
        pids = {
            lecture.pk: wait_for(
                lambda lecture=lecture: (
                    IngestSession.objects.filter(lecture=lecture)
                    .values_list("ffmpeg_pid", flat=True)
                    .first()
                )
            )
            for lecture in lectures
        }
        cpu_start = {pk: cpu_seconds(pid) for pk, pid in pids.items()}
        window_start = time.monotonic()
        while publishers[0].poll() is None:
            durations = segments_of(playlist)
            if len(durations) > seen:
                now = time.time()
                end = sum(durations)
                latencies.append(now - (sent_at[first.pk] + end))
                seen = len(durations)
            time.sleep(0.02)
        window = time.monotonic() - window_start
        cpu = {pk: (cpu_seconds(pid) - cpu_start[pk]) / window for pk, pid in pids.items()}
        steady = latencies[2:] or latencies
        print(f"\nlatency, frame sent → segment fetchable (720p, {len(steady)} segments): "
              f"p50 {statistics.median(steady):.2f} s, max {max(steady):.2f} s; on screen "
              f"with hls.js' 2-segment hold-back ≈ {statistics.median(steady) + 4:.1f} s "
              f"— target < 10 s (load {load_average()})")  # fmt: skip
        kept_up = []
        for lecture in lectures:
            lecture.refresh_from_db()
            name = lecture.ladder["rungs"][0]["name"]
            recorded = sum(
                segments_of(video_conf.stream_root() / lecture.rendition_dir / name / "index.m3u8")
            )
            kept_up.append(recorded)
        per_lecture = statistics.mean(cpu.values())
        print(f"CPU per 720p live lecture ({args.lectures} at once, ladder "
              f"{'/'.join(r['name'] for r in first.ladder['rungs'])} + audio): "
              f"{per_lecture:.2f} cores each → about {2 / per_lecture:.1f} lectures on 2 cores; "
              f"recorded {', '.join(f'{s:.0f}' for s in kept_up)} s of {args.seconds} s sent "
              f"(load {load_average()})")  # fmt: skip
        for proc in publishers:
            proc.wait()

        # Serving: wrk against nginx, before the end so the live playlist is still live.
        playback = selectors.playback_for(first)
        base = f"http://127.0.0.1:{PORTS['http']}"
        segment = next(line for line in playlist.read_text().splitlines() if line.endswith(".m4s"))
        urls = {
            "720p segment": base + playback.master_url.replace("master.m3u8", f"{top}/{segment}"),
            "live playlist": base + playback.master_url.replace("master.m3u8", f"{top}/index.m3u8"),
        }
        if shutil.which("wrk"):
            for viewers in [int(v) for v in args.viewers.split(",")]:
                for label, url in urls.items():
                    result = subprocess.run(
                        ["wrk", "-t", "2", "-c", str(viewers), "-d", "10s", "--latency", url],
                        capture_output=True, text=True, check=True,
                    ).stdout  # fmt: skip
                    rate = re.search(r"Requests/sec:\s+([\d.]+)", result).group(1)
                    p99 = re.search(r"99%\s+([\d.]+\w+)", result).group(1)
                    transfer = re.search(r"Transfer/sec:\s+([\d.]+\w+)", result).group(1)
                    print(f"nginx, {label}, {viewers} concurrent viewers: "
                          f"{float(rate):,.0f} requests/s, p99 {p99}, {transfer}/s "
                          f"(load {load_average()})")  # fmt: skip
        else:
            print("wrk is not installed (apt-get install wrk): segment serving not measured")

        # The replay.
        for lecture in lectures:
            wait_for(
                lambda lecture=lecture: (
                    LiveLecture.objects.get(pk=lecture.pk).status == LiveStatus.RECONNECTING
                )
            )
        ended = time.monotonic()
        services.lecture_end(lecture=first)
        wait_for(lambda: on_air(first) or LiveLecture.objects.get(pk=first.pk).status
                 in (LiveStatus.ENDED, LiveStatus.FAILED), timeout=120)  # fmt: skip
        took = time.monotonic() - ended
        first.refresh_from_db()
        print(
            f"结束直播 → replay ready ({first.video.duration:.0f} s lecture, "
            f"{first.get_status_display()}): {took:.1f} s — target ≤ 60 s (load {load_average()})"
        )
    finally:
        subprocess.run([ROOT / "scripts/live-ingest.sh", "stop", ingest_dir], check=False)
        for proc in processes:
            proc.terminate()
        for proc in processes:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
