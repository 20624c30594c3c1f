"""Writing spreadsheets that people open in Excel or WPS: text stays text.

openpyxl stores a string starting with "=" as a formula. A learner who calls their work
unit ``=HYPERLINK("http://evil.example/","x")``, an admin's reason ``=2+5`` or an imported
course title ``=cmd|' /C calc'!A0`` would become live formulas in every export that
shows them. Every export writes its rows with :func:`append_row`.
"""

from collections.abc import Iterable

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
