"""Bulk import of video files:

manage.py import_video PATH --title TITLE [--collection NAME] [--sync] [--json]
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Collection

from video import conf, services
from video.models import Video, VideoStatus, Visibility
from video.services import jobs


class Command(BaseCommand):
    help = (
        "Import a video file into the library. The file is copied; the original stays. "
        "--sync runs the whole pipeline here instead of in the queue; --json prints the "
        "result as one JSON object. Exits with 1 if the video failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--title", required=True)
        parser.add_argument("--collection", help="collection name (default: the root)")
        parser.add_argument(
            "--visibility", choices=Visibility.values, default=Visibility.RESTRICTED
        )
        parser.add_argument("--sync", action="store_true", help="transcode now, in-process")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, path: Path, title: str, collection: str | None, **options):
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        video = services.video_create(
            source_path=path,
            filename=path.name,
            title=title,
            collection=self._collection(collection),
            uploaded_by=None,
            visibility=options["visibility"],
            move=False,
            enqueue=not options["sync"],
        )
        if options["sync"]:
            job = video.jobs.get()
            jobs.job_run(key=str(job.key), attempt=job.attempt)
        video.refresh_from_db()
        result = self._result(video)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
        else:
            self.stdout.write(f"video {video.pk}: {video.get_status_display()}")
        if video.status == VideoStatus.FAILED:
            raise CommandError(video.failure_reason, returncode=1)

    def _collection(self, name: str | None) -> Collection:
        if not name:
            return Collection.get_first_root_node()
        matches = list(Collection.objects.filter(name=name)[:2])
        if len(matches) != 1:
            found = "no" if not matches else "more than one"
            raise CommandError(f"{found} collection is called {name!r}")
        return matches[0]

    def _result(self, video: Video) -> dict:
        rendition_set = video.current_rendition_set
        root = conf.stream_root()
        return {
            "id": video.pk,
            "status": video.status,
            "error": video.failure_reason or None,
            "duration": video.duration,
            "width": video.width,
            "height": video.height,
            "has_audio": video.has_audio,
            "renditions": [
                {"height": r["height"], "bandwidth": r["bandwidth"]}
                for r in (rendition_set.renditions if rendition_set else [])
            ],
            "master": str(root / rendition_set.path(rendition_set.master))
            if rendition_set
            else None,
            "poster": str(root / video.poster.name) if video.poster else None,
        }
