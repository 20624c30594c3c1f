"""Run the live ingest supervisor on the host of the RTMP server (beside nginx)."""

import signal
import threading

from django.core.management.base import BaseCommand

from live.ingest import Supervisor


class Command(BaseCommand):
    help = "Transcode live lectures as they are published (RTMP via nginx, SRT listeners)."

    def handle(self, *args, **options):
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write("live ingest supervisor running; Ctrl-C stops it")
        Supervisor().serve(stop)
