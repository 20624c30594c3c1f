"""Reading uploaded spreadsheets (CSV or XLSX) into rows of text, keeping row numbers."""

import csv
import datetime
import io
import zipfile
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException


class TableError(Exception):
    """The file as a whole cannot be read; the message says what to do."""


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Spreadsheets store 13800138000 or 8 as floats.
        return str(int(value))
    if isinstance(value, float | Decimal):
        return format(value, "f").rstrip("0").rstrip(".")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def _decode(raw: bytes) -> str:
    # Excel in China saves CSV as GB18030 (GBK) unless told otherwise.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("The CSV file is neither UTF-8 nor GBK text. Save it as CSV UTF-8."))


def read_table(file, *, filename: str) -> list[tuple[int, list[str]]]:
    """(row number as the spreadsheet shows it, cells) for every non-empty row."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        rows = csv.reader(io.StringIO(_decode(file.read())))
    elif suffix == ".xlsx":
        try:
            book = load_workbook(file, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise TableError(
                _("The file could not be opened as an Excel workbook (.xlsx).")
            ) from error
        rows = book.active.iter_rows(values_only=True)
    else:
        raise TableError(_("Upload a .csv or .xlsx file."))
    table = []
    number = 0
    try:
        for number, row in enumerate(rows, start=1):
            cells = [_cell_text(value) for value in row]
            if any("\x00" in cell for cell in cells):  # no database stores it in text
                raise TableError(
                    _(
                        "Row %(row)d holds a NUL character, which cannot be stored. Retype "
                        "the row's cells and import again."
                    )
                    % {"row": number}
                )
            if any(cells):
                table.append((number, cells))
    except csv.Error as error:
        # Most often a cell over the csv module's 128 KB limit, or a stray quote.
        raise TableError(
            _(
                "Row %(row)d could not be read: a cell is longer than %(limit)d KB, or a "
                "quotation mark is not closed. Shorten or correct it and import again."
            )
            % {"row": number + 1, "limit": csv.field_size_limit() // 1024}
        ) from error
    return table
