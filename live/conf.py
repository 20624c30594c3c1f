"""Live settings read at call time (tests move them), and the URLs built from them."""

from pathlib import Path

from django.conf import settings
from django.utils.crypto import salted_hmac

from video import conf as video_conf

# How the recorder reads a stream back from nginx: only RTMP from this host's nginx.
RTMP_INPUT = {
    "protocol_whitelist": "rtmp,tcp",
    "format_whitelist": "flv,live_flv",
    "rw_timeout": 15_000_000,
}


# The transcoder reads nginx's recording through a pipe that the supervisor feeds as
# the file grows, and closes once the publisher has left: a real end of the stream, on
# which ffmpeg writes its last segment (a signal would lose it).
RECORDING_INPUT = {"f": "flv", "protocol_whitelist": "pipe", "format_whitelist": "flv,live_flv"}


def recordings_dir() -> Path:
    """Where nginx records each connection (``record_path`` in its configuration)."""
    return video_conf.root() / "recordings"


def ingest_secret() -> str:
    """Shared with nginx's on_publish URL, so that only the ingest server may call it."""
    return (
        settings.LIVE_INGEST_SECRET
        or salted_hmac("live.ingest", "secret", secret=settings.SECRET_KEY).hexdigest()[:32]
    )


def publish_url() -> str:
    """The server URL a lecturer puts in OBS (the stream key goes in its own field)."""
    return settings.LIVE_RTMP_URL.rstrip("/")


def pull_url(stream_key: str) -> str:
    return f"{settings.LIVE_RTMP_PULL_URL.rstrip('/')}/{stream_key}"


def srt_ports() -> range:
    first, _, last = settings.LIVE_SRT_PORTS.partition("-")
    return range(int(first), int(last or first) + 1)


def srt_publish_url(*, port: int, passphrase: str) -> str:
    return f"srt://{settings.LIVE_SRT_HOST}:{port}?passphrase={passphrase}&pbkeylen=16"


def srt_listen_url(*, port: int, passphrase: str) -> str:
    """For srt-live-transmit (latency in milliseconds)."""
    return (
        f"srt://{settings.LIVE_SRT_BIND}:{port}?mode=listener&passphrase={passphrase}"
        "&pbkeylen=16&latency=500"
    )
