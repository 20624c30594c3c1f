"""Talking to the RTMP ingest server (nginx with libnginx-mod-rtmp) outside its callbacks."""

import logging
import urllib.parse
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)


def drop_publisher(*, stream_key: str) -> bool:
    """Disconnect whoever publishes on the key (结束直播), through nginx-rtmp's control
    module; the key itself is refused from then on. False if nothing was dropped."""
    base = settings.LIVE_RTMP_CONTROL_URL.rstrip("/")
    if not base:
        return False
    query = urllib.parse.urlencode({"app": "live", "name": stream_key})
    try:
        with urllib.request.urlopen(f"{base}/drop/publisher?{query}", timeout=5) as response:
            return response.status == 200 and response.read().strip() not in (b"", b"0")
    except OSError as error:
        logger.warning("could not drop the publisher of a live lecture: %s", error)
        return False
