import shutil

import pytest

from video.transcoding import ValidationError, plan_ladder, probe, validate


@pytest.fixture
def output(transcoded, clip, tmp_path):
    """A private copy of a good output, its source probe and its rungs, to tamper with."""
    stage = tmp_path / "out"
    shutil.copytree(transcoded("landscape.mp4").stage, stage)
    source = probe(clip("landscape.mp4"))
    return stage, source, plan_ladder(source)


def edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_untouched_output_passes(output):
    validate(*output)


def test_missing_segment_entry_is_rejected(output):
    stage, source, rungs = output
    playlist = stage / "240p/index.m3u8"
    lines = playlist.read_text().splitlines()
    last = max(i for i, line in enumerate(lines) if line.startswith("#EXTINF"))
    playlist.write_text("\n".join(lines[:last] + lines[last + 2 :]) + "\n")
    with pytest.raises(ValidationError) as caught:
        validate(stage, source, rungs)
    assert "240p" in caught.value.detail
    assert "请" in caught.value.message


def test_duration_mismatch_is_rejected(output):
    stage, source, rungs = output
    edit(stage / "audio/index.m3u8", "#EXTINF:4.", "#EXTINF:9.")
    with pytest.raises(ValidationError):
        validate(stage, source, rungs)


def test_deleted_segment_file_is_rejected(output):
    stage, source, rungs = output
    (stage / "360p/00001.m4s").unlink()
    with pytest.raises(ValidationError) as caught:
        validate(stage, source, rungs)
    assert "missing" in caught.value.detail


def test_master_without_codecs_is_rejected(output):
    stage, source, rungs = output
    master = stage / "master.m3u8"
    master.write_text(master.read_text().replace('CODECS="avc1', 'X-CODECS="avc1'))
    with pytest.raises(ValidationError) as caught:
        validate(stage, source, rungs)
    assert "CODECS" in caught.value.detail


def test_wrong_orientation_is_rejected(output, clip):
    stage, _, _ = output
    portrait = probe(clip("portrait.mp4"))
    with pytest.raises(ValidationError):
        validate(stage, portrait, plan_ladder(portrait))


def test_unfinished_playlist_is_rejected(output):
    stage, source, rungs = output
    edit(stage / "360p/index.m3u8", "#EXT-X-ENDLIST", "")
    with pytest.raises(ValidationError) as caught:
        validate(stage, source, rungs)
    assert "unfinished" in caught.value.detail
