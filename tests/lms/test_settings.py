"""Settings refuse bad configuration. Each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "a1B2c3D4e5F6g7H8i9J0" * 3


def run_manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("LMS_") and key not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage(
        "check", DJANGO_SETTINGS_MODULE="lms.settings.production", LMS_DATA_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "LMS_SECRET_KEY 未设置" in result.stderr


def test_production_refuses_a_weak_secret_key(tmp_path):
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        LMS_SECRET_KEY="secret",
        LMS_DATA_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "太短或太简单" in result.stderr


def test_production_passes_the_deployment_checklist(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        LMS_SECRET_KEY=STRONG_KEY,
        LMS_ALLOWED_HOSTS="learn.example.org",
        LMS_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_collects_the_static_files_with_hashed_names_compressed(tmp_path):
    result = run_manage(
        "collectstatic",
        "--noinput",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        LMS_SECRET_KEY=STRONG_KEY,
        LMS_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "static" / "staticfiles.json").read_text()
    for name in ("vendor/hls.min.js", "vendor/tus.min.js", "css/site.css", "js/video-player.js"):
        assert f'"{name}"' in manifest, name
    # Brotli and gzip copies beside each hashed file, for WhiteNoise to send.
    hashed = json.loads(manifest)["paths"]["vendor/hls.min.js"]
    for suffix in ("", ".br", ".gz"):
        assert (tmp_path / "static" / f"{hashed}{suffix}").is_file(), suffix


def test_a_misspelt_boolean_is_refused(tmp_path):
    result = run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
        LMS_DEBUG="maybe",
        LMS_DATA_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "LMS_DEBUG must be true or false" in result.stderr


def test_database_url_selects_the_database(tmp_path):
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
            "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/x",
            "LMS_DATA_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "django.db.backends.postgresql", result.stderr
