"""The queue's tasks are named by strings; a system check imports every one."""

from django.core.management import call_command

from lms.checks import missing_tasks, project_app_roots, task_references


def test_every_task_the_project_names_exists():
    named = {name for name, _path, _line in task_references(project_app_roots())}
    # Queued by code, and scheduled by data migrations: both kinds are found.
    assert {"video.tasks.transcode", "search.tasks.index_drain"} <= named
    assert missing_tasks(project_app_roots()) == []
    call_command("check", fail_level="ERROR")


def test_a_renamed_task_is_reported(tmp_path):
    (tmp_path / "0009_schedule.py").write_text(
        'SCHEDULES = [("清理", "video.tasks.sweep_old_uploads", 60)]\n', encoding="utf-8"
    )
    (errors,) = missing_tasks([tmp_path])
    assert errors.id == "lms.E001"
    assert "video.tasks.sweep_old_uploads" in errors.msg
