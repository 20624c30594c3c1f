import pytest

from video.transcoding.progress import Progress, ProgressParser, Throttle


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def block(out_time_us, progress="continue") -> list[str]:
    return [
        "frame=10",
        f"out_time_us={out_time_us}",
        f"out_time_ms={out_time_us}",
        "out_time=00:00:01.000000",
        "speed=2x",
        f"progress={progress}",
    ]


def feed(parser: ProgressParser, lines: list[str]) -> list[Progress]:
    return [update for line in lines if (update := parser.feed(line))]


def test_percent_and_eta():
    clock = FakeClock()
    parser = ProgressParser(10.0, clock=clock)
    clock.now += 5
    [update] = feed(parser, block(2_500_000))
    assert update.percent == 25.0
    assert update.out_time == 2.5
    assert update.eta == pytest.approx(15.0)  # 5 s for 25 %, so 15 s for the rest
    assert not update.done


def test_unknown_time_and_backwards_steps_keep_percent_monotonic():
    parser = ProgressParser(10.0, clock=FakeClock())
    updates = feed(parser, block("N/A") + block(4_000_000) + block(3_000_000) + block(-5))
    assert [u.percent for u in updates] == [0.0, 40.0, 40.0, 40.0]
    assert updates[0].eta is None


def test_stays_below_100_until_ffmpeg_says_end():
    parser = ProgressParser(10.0, clock=FakeClock())
    [running, final] = feed(parser, block(10_500_000) + block(10_500_000, "end"))
    assert running.percent < 100
    assert (final.percent, final.eta, final.done) == (100.0, 0.0, True)


def test_throttle_fires_every_two_seconds_and_always_at_the_end():
    clock = FakeClock()
    seen: list[Progress] = []
    throttle = Throttle(seen.append, clock=clock)
    for step in range(10):
        throttle(Progress(percent=step * 10, eta=None, out_time=step))
        clock.now += 0.5
    throttle(Progress(percent=100, eta=0, out_time=10, done=True))
    assert [p.percent for p in seen] == [0, 40, 80, 100]
