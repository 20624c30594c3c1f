"""Spreadsheets for admins: one sheet of headings and rows, text never taken for a formula."""

import io
from collections.abc import Iterable

from openpyxl import Workbook

# A cell starting with one of these is read as a formula by Excel and its kin.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A cell's value as written, unless Excel would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_workbook(*, title: str, headings: list[str], rows: Iterable[Iterable]) -> bytes:
    """One sheet: the headings, then the rows, with text never taken for a formula."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(headings)
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
