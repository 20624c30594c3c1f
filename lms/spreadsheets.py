"""Writing spreadsheets that people open in Excel or WPS: text stays text.

openpyxl stores a string starting with "=" as a formula. A learner who calls their work
unit ``=HYPERLINK("http://evil.example/","x")``, an admin's reason ``=2+5`` or an imported
course title ``=cmd|' /C calc'!A0`` would become live formulas in every export that
shows them. Every export writes its rows with :func:`append_row`.
"""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell


def append_row(sheet, values: Iterable) -> None:
    """Append the values as a row of ``sheet`` (a normal or write-only worksheet), every
    string as a text cell, whatever it starts with."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value)
        if isinstance(value, str):
            cell.data_type = "s"
        cells.append(cell)
    sheet.append(cells)


def table_workbook(*, title: str, headings: list[str], rows: Iterable[Iterable]) -> bytes:
    """An .xlsx of one sheet: the headings, then the rows (see `append_row`)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    append_row(sheet, headings)
    for row in rows:
        append_row(sheet, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
