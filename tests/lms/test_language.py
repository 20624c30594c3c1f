"""The Chinese interface addresses people as 您, never 你, in every app's catalogue."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def translations() -> list[tuple[Path, str]]:
    found = []
    for catalogue in sorted(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po")):
        entry_is_translation = False
        for line in catalogue.read_text(encoding="utf-8").splitlines():
            if line.startswith("msgstr"):
                entry_is_translation = True
            elif line.startswith(("msgid", "msgctxt", "#")) or not line.strip():
                entry_is_translation = False
            if entry_is_translation:
                found.append((catalogue.relative_to(ROOT), line))
    return found


def test_every_catalogue_says_nin_not_ni():
    lines = translations()
    assert len(lines) > 500  # every app's catalogue was read
    informal = [f"{path}: {line}" for path, line in lines if "你" in line]
    assert not informal, "\n".join(informal)
