"""Session-wide fixtures: generated clips and their transcoded output, each made once."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from video.transcoding import TranscodeResult, transcode
from video.transcoding.progress import Progress

from .media import make


@dataclass
class Transcoded:
    result: TranscodeResult
    stage: Path
    progress: list[Progress] = field(default_factory=list)
    pids: list[int] = field(default_factory=list)


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    """``clip(name)``: path of a generated media file, made on first use."""
    folder = tmp_path_factory.mktemp("clips")

    def get(name: str) -> Path:
        path = folder / name
        if not path.exists():
            if name == "playlist.mp4":
                get("landscape.mp4")
            make(name, path)
        return path

    return get


@pytest.fixture(scope="session")
def transcoded(clip, tmp_path_factory):
    """``transcoded(name)``: the pipeline's output for a clip, computed once per session."""
    cache: dict[str, Transcoded] = {}

    def get(name: str) -> Transcoded:
        if name not in cache:
            stage = tmp_path_factory.mktemp("stage")
            progress: list[Progress] = []
            pids: list[int] = []
            result = transcode(clip(name), stage, on_progress=progress.append, on_start=pids.append)
            cache[name] = Transcoded(result, stage, progress, pids)
        return cache[name]

    return get
