from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from academies import demo as academies_demo
from lms.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Load the demo content (academies, bases, users). Safe to run again: it duplicates nothing."
    )

    def handle(self, *args, **options):
        steps = list(academies_demo.steps())
        accounts = []
        with tqdm(
            steps,
            desc="seed_demo",
            unit="step",
            file=self.stderr,
            disable=options["verbosity"] == 0,
        ) as bar:
            for label, step in bar:
                bar.set_postfix_str(label[:24])
                with transaction.atomic():
                    result = step()
                if label == "users":
                    accounts = result
        self.stdout.write(self.style.SUCCESS("演示内容已就绪 / demo content ready"))
        self.stdout.write(f"演示账号密码 / demo password: {DEMO_PASSWORD}")
        for username, role in accounts:
            self.stdout.write(f"  {username:<28} {role}")
