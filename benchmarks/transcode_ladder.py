"""Time the one-process HLS ladder against the usual one-process-per-rung approach.

Three ways to turn the same source into the same ladder:

  pipeline  video.transcoding.transcode(): probe, one ffmpeg, master rewrite,
            validation, poster and sprite
  baseline  one ffmpeg per rung, one after the other, each decoding the source itself
            (same filters and encoder settings; the audio is encoded once, in the first)
  bare      the pipeline's ffmpeg command alone, run with subprocess

Run from the project root:  .venv/bin/python benchmarks/transcode_ladder.py [--seconds 60]
Wall times on a shared 2-core machine are noisy: --repeat N keeps the best of N runs,
and child CPU seconds are printed too, since they barely depend on other load.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from video.transcoding import (
    build_command,
    plan_audio,
    plan_ladder,
    probe,
    transcode,
)

# Roughly what a phone records: High profile, no B-frames, 12 Mb/s at 1080p30.
SOURCE_BITS_PER_PIXEL = 0.19


def make_source(path: Path, seconds: int, height: int) -> None:
    width = round(height * 16 / 9 / 2) * 2
    bitrate = int(width * height * 30 * SOURCE_BITS_PER_PIXEL)
    cmd = [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate=30:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
        "-c:v", "libx264", "-preset", "superfast", "-bf", "0", "-profile:v", "high",
        "-pix_fmt", "yuv420p", "-b:v", str(bitrate), "-maxrate", str(bitrate),
        "-bufsize", str(bitrate), "-c:a", "aac", "-b:a", "128k", "-ac", "2", str(path),
    ]  # fmt: skip
    subprocess.run(cmd, check=True)


def run_pipeline(src: Path, out: Path) -> dict[str, float]:
    return transcode(src, out).timings


def run_baseline(src: Path, out: Path) -> None:
    source = probe(src)
    audio = plan_audio(source)
    for index, rung in enumerate(plan_ladder(source)):
        rung_dir = out / rung.name
        rung_dir.mkdir()
        cmd = build_command(src, rung_dir, source, [rung], audio if index == 0 else None)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def run_bare(src: Path, out: Path) -> None:
    source = probe(src)
    cmd = build_command(src, out, source, plan_ladder(source), plan_audio(source))
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def measure(job: Callable[[Path, Path], object], src: Path, work: Path) -> tuple:
    """(wall seconds, child CPU seconds, job's return value) of one run in a fresh dir."""
    out = Path(tempfile.mkdtemp(dir=work))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    value = job(src, out)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60, help="source length (default 60)")
    parser.add_argument("--height", type=int, default=1080, help="source height (default 1080)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per method, best kept")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="ladder-bench-") as tmp:
        work = Path(tmp)
        src = work / "source.mp4"
        print(f"source: {args.seconds} s, {args.height}p30 + AAC stereo ...", flush=True)
        make_source(src, args.seconds, args.height)
        rungs = plan_ladder(probe(src))
        print("ladder:", ", ".join(f"{r.name} {r.width}x{r.height}" for r in rungs))

        jobs = {"pipeline": run_pipeline, "baseline": run_baseline, "bare": run_bare}
        best: dict[str, tuple] = {}
        for attempt in range(args.repeat):
            for name, job in jobs.items():  # interleaved, so drifting load hits all three
                wall, cpu, value = measure(job, src, work)
                print(f"  run {attempt + 1} {name:<8} {wall:7.1f} s wall {cpu:7.1f} s CPU")
                if name not in best or wall < best[name][0]:
                    best[name] = (wall, cpu, value)
        report(best)


def report(best: dict[str, tuple]) -> None:
    pipeline, baseline, bare = (best[name] for name in ("pipeline", "baseline", "bare"))
    timings = pipeline[2]
    without_images = pipeline[0] - timings["images"]
    print()
    for name, (wall, cpu, _) in best.items():
        print(f"{name:<9} {wall:7.1f} s wall   {cpu:7.1f} s CPU")
    print("pipeline steps: " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
    print(f"baseline / pipeline: {baseline[0] / pipeline[0]:.2f}x wall, "
          f"{baseline[1] / pipeline[1]:.2f}x CPU")  # fmt: skip
    print(f"pipeline overhead vs bare: {(pipeline[0] / bare[0] - 1) * 100:+.1f} % wall "
          f"({(without_images / bare[0] - 1) * 100:+.1f} % without poster and sprite), "
          f"{(pipeline[1] / bare[1] - 1) * 100:+.1f} % CPU")  # fmt: skip
    non_encode = sum(v for k, v in timings.items() if k != "encode")
    print(f"pipeline time outside ffmpeg's encode: {non_encode:.2f} s "
          f"({non_encode / timings['encode'] * 100:.1f} % of the encode)")  # fmt: skip


if __name__ == "__main__":
    main()
