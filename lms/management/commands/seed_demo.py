from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from lms.demo import DEMO_PASSWORD

# Each module's steps() yields (label, callable); a step that returns accounts
# (a list of (username, role)) has them printed at the end.
DEMO_MODULES = [
    "academies.demo",
    "video.demo",
    "courses.demo",
    "nightschool.demo",
    "live.demo",
    "learning.demo",
    "exams.demo",
    "search.demo",
]


class Command(BaseCommand):
    help = "Load the demo content. Safe to run again: it duplicates nothing."

    def handle(self, *args, **options):
        steps = [step for name in DEMO_MODULES for step in import_module(name).steps()]
        accounts = []
        quiet = options["verbosity"] == 0
        with tqdm(steps, desc="seed_demo", unit="step", file=self.stderr, disable=quiet) as bar:
            for label, step in bar:
                bar.set_postfix_str(label[:24])
                with transaction.atomic():
                    result = step()
                if label == "users":
                    accounts.extend(result)
        self.stdout.write(self.style.SUCCESS("演示内容已就绪 / demo content ready"))
        self.stdout.write(f"演示账号密码 / demo password: {DEMO_PASSWORD}")
        for username, role in accounts:
            self.stdout.write(f"  {username:<28} {role}")
