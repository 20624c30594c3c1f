from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from search import services
from search.backends import SearchUnavailable, backend_names
from search.documents import visible_course_ids


class Command(BaseCommand):
    help = (
        "Rebuild the course search index from the published courses: a new index is "
        "filled, then swapped in; searches keep working meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--backend",
            choices=["all", *backend_names()],
            default="all",
            help="Which index to rebuild (default: every one in use).",
        )

    def handle(self, *args, **options):
        names = backend_names() if options["backend"] == "all" else [options["backend"]]
        total = sum(1 for _ in visible_course_ids())
        quiet = options["verbosity"] == 0
        for name in names:
            with tqdm(total=total, desc=name, unit="门", file=self.stderr, disable=quiet) as bar:
                try:
                    count = services.index_rebuild(backend_name=name, progress=bar.update)
                except SearchUnavailable as error:
                    raise CommandError(
                        f"无法重建 {name} 索引:搜索服务不可用,请检查后重试。({error})"
                    ) from error
            self.stdout.write(self.style.SUCCESS(f"{name}: 已索引 {count} 门课程 / indexed"))
