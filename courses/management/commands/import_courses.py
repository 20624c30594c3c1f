from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from academies.selectors import unit_page_models
from courses.services import CatalogueImportError, catalogue_import
from courses.tabular import TableError, read_table


class Command(BaseCommand):
    help = (
        "Import a catalogue of courses (CSV or XLSX) into an academy, training base or the "
        "headquarters. All or nothing; courses already there (same title) are updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--academy", required=True, help="Title of the academy, training base or headquarters."
        )
        parser.add_argument(
            "--live", action="store_true", help="Publish the courses (default: drafts)."
        )

    def handle(self, *args, file: Path, academy: str, live: bool = False, **options):
        units = [
            unit for model in unit_page_models() for unit in model.objects.filter(title=academy)
        ]
        if len(units) != 1:
            raise CommandError(
                _("No unit is called “%(title)s”.") % {"title": academy}
                if not units
                else _("Several units are called “%(title)s”.") % {"title": academy}
            )
        try:
            with file.open("rb") as handle:
                table = read_table(handle, filename=file.name)
        except (OSError, TableError) as error:
            raise CommandError(str(error)) from error

        quiet = options["verbosity"] == 0
        with tqdm(total=max(len(table) - 1, 0), unit="row", file=self.stderr, disable=quiet) as bar:

            def progress(done: int, total: int) -> None:
                bar.update(done - bar.n)

            try:
                result = catalogue_import(
                    unit=units[0], table=table, publish=live, progress=progress
                )
            except CatalogueImportError as error:
                for problem in error.problems:
                    where = _("row %(row)d") % {"row": problem.row} if problem.row else _("file")
                    column = f" [{problem.column}]" if problem.column else ""
                    self.stderr.write(f"{where}{column}: {problem.message}")
                raise CommandError(
                    _("Nothing was imported: %(count)d problem(s) in the file.")
                    % {"count": len(error.problems)}
                ) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Imported into %(unit)s: %(created)d new, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                )
                % {
                    "unit": units[0].title,
                    "created": len(result.created),
                    "updated": len(result.updated),
                    "unchanged": len(result.unchanged),
                }
            )
        )
