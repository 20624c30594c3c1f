"""File-system housekeeping for videos: sizes, posters, deleted videos."""

import contextlib
import shutil
from pathlib import Path

from video import conf


def tree_size(path: Path) -> int:
    return sum(entry.stat().st_size for entry in path.rglob("*") if entry.is_file())


def poster_discard(*, name: str) -> None:
    """Delete a lecturer-chosen poster that was replaced (set posters go with their set)."""
    if name and "/posters/" in name:
        with contextlib.suppress(FileNotFoundError):
            (conf.stream_root() / name).unlink()


def video_locations(*, video) -> list[Path]:
    """Every directory holding a video's files: its stream directory and its source's."""
    locations = [conf.stream_root() / str(video.pk)]
    if video.source:
        locations.append((conf.source_root() / video.source.name).parent)
    return locations


def locations_delete(*, locations: list[Path]) -> None:
    for location in locations:
        shutil.rmtree(location, ignore_errors=True)
