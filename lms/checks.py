"""A system check that every django-q2 task the code names exists.

Tasks are queued and scheduled by dotted strings (`async_task("video.tasks.transcode")`,
schedules written by data migrations), which no import checks: a renamed task would break
the queue silently. By the project's convention every task lives in an app's `tasks`
module, so every string of the form ``<app>.tasks.<name>`` in the project's code and
migrations must import as a callable."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

TASK_REFERENCE = re.compile(r"^[a-z_]+\.tasks\.[a-z_][a-z0-9_]*$")


def task_references(roots: list[Path]) -> Iterator[tuple[str, Path, int]]:
    """(dotted name, file, line) of every task named in the Python files under `roots`."""
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and TASK_REFERENCE.match(node.value)
                ):
                    yield node.value, path, node.lineno


def project_app_roots() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    return [
        Path(config.path)
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
    ]


def missing_tasks(roots: list[Path]) -> list[Error]:
    errors = []
    for name, path, line in task_references(roots):
        try:
            task = import_string(name)
        except ImportError:
            task = None
        if not callable(task):
            errors.append(
                Error(
                    f"{path.name}:{line} names the task {name}, which does not exist.",
                    hint="Rename the reference (and any schedule) along with the task.",
                    obj=str(path),
                    id="lms.E001",
                )
            )
    return errors


@register()
def tasks_exist(app_configs=None, **kwargs) -> list[Error]:
    return missing_tasks(project_app_roots())
