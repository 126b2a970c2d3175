"""Spreadsheet files handed to people (templates, credentials, exports) and read from them (imports).

Written: cells that a spreadsheet program would run as a formula (=, +, -, @, tab, CR at the start) are
neutralized: in CSV by a leading apostrophe, in .xlsx by storing them as plain text.

Read (`read_sheet`, shared by the question-bank and roster importers): the sheet's declared size is
checked before a row is built, no row is ever built wider than the header, and no more rows are read
than an import may have, so a tiny file that declares a cell at XFD1048576 costs nothing.
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The largest sheet any import reads (header included); bigger ones are refused before reading.
MAX_SHEET_ROWS, MAX_SHEET_COLUMNS = 20_000, 50
UNREADABLE = "无法读取 Excel 文件，请确认是 .xlsx 格式（不是 .xls 或改了扩展名的文件）"


class Formula(str):
    """The text of a cell that really is a formula ("=A1"), unlike text that merely starts with "="."""


@dataclass
class Sheet:
    """The first sheet of a workbook: its header row (row 1) and its non-blank rows below it."""

    header: list[object] = field(default_factory=list)
    rows: list[tuple[int, list[object]]] = field(default_factory=list)  # (spreadsheet row number, cells)


def too_large(found: str, max_rows: int = MAX_SHEET_ROWS, max_columns: int = MAX_SHEET_COLUMNS) -> str:
    """The refusal of a sheet bigger than an import may be; `found` says what was seen."""
    return (f"表格过大（{found}）：一次最多导入{max_rows}行×{max_columns}列，请删去多余的行和列"
            "（包括远处只设了格式的空白单元格），或分成几个文件")


def read_sheet(data: bytes, problems, *, formulas: bool = False, max_rows: int = MAX_SHEET_ROWS,
               max_columns: int = MAX_SHEET_COLUMNS) -> Sheet | None:
    """The first sheet, or None with the reason added to `problems` (a domain.problems.Collector).

    formulas=True returns formula cells as `Formula` (their text); otherwise the value Excel last
    calculated for them.
    """
    from openpyxl import load_workbook

    from . import archives

    try:
        archives.check_zip(data)  # before openpyxl inflates anything: refuse zip bombs
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=not formulas)
    except archives.UnsafeArchive as exc:
        problems.add(str(exc))
        return None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError):
        problems.add(UNREADABLE)
        return None
    try:
        return _read(workbook.worksheets[0], problems, max_rows, max_columns, formulas)
    except (KeyError, ValueError, TypeError, IndexError, OSError, zipfile.BadZipFile, SyntaxError):
        problems.add(UNREADABLE)  # a damaged sheet inside a valid zip (XML errors are SyntaxErrors)
        return None
    finally:
        workbook.close()


def _read(worksheet, problems, max_rows: int, max_columns: int, formulas: bool) -> Sheet | None:
    # The <dimension> element, when present, declares the used range: refuse before reading a row.
    declared_rows, declared_columns = worksheet.max_row, worksheet.max_column
    if (declared_rows or 0) > max_rows or (declared_columns or 0) > max_columns:
        problems.add(too_large(f"{declared_rows or '?'}行×{declared_columns or '?'}列", max_rows, max_columns))
        return None
    # The declaration may be missing or lie, so every read below is bounded as well.
    first = next(worksheet.iter_rows(min_row=1, max_row=1, max_col=max_columns + 1), ())
    header = [_value(cell) for cell in first]
    if len(header) > max_columns and header[max_columns] not in (None, ""):
        problems.add(too_large(f"超过{max_columns}列", max_rows, max_columns))
        return None
    while header and header[-1] in (None, ""):
        header.pop()
    sheet = Sheet(header=header)
    if not header:
        return sheet
    # Cell objects only when formulas must be told from text; plain values are faster.
    rows = worksheet.iter_rows(min_row=2, max_row=max_rows + 1, max_col=len(header), values_only=not formulas)
    for number, cells in enumerate(rows, start=2):
        values = [_value(cell) for cell in cells] if formulas else cells
        if all(value is None or value == "" for value in values):
            continue  # blank rows (Excel leaves many) cost nothing
        if number > max_rows:
            problems.add(too_large(f"超过{max_rows}行", max_rows, max_columns))
            return None
        sheet.rows.append((number, list(values)))
    return sheet


def _value(cell) -> object:
    if getattr(cell, "data_type", None) == "f" and isinstance(cell.value, str):
        return Formula(cell.value)
    return cell.value


def neutralize(value: object) -> object:
    """The value, with an apostrophe in front if a spreadsheet could read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel on Chinese Windows opens it without mojibake."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralize(cell) for cell in header])
    for row in rows:
        writer.writerow(["" if cell is None else neutralize(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[object]], title: str = "Sheet1",
            widths: Sequence[int] | None = None) -> bytes:
    """A one-sheet workbook; every string is stored as text, never as a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths or (), start=1):
        sheet.column_dimensions[_letter(index)].width = width
    sheet.append([_text_cell(sheet, cell) for cell in header])
    for row in rows:
        sheet.append([_text_cell(sheet, cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_xlsx_book(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> bytes:
    """A workbook of several sheets, each (title, header, rows), with the same text rules as to_xlsx."""
    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title[:31])
        sheet.append([_text_cell(sheet, cell) for cell in header])
        for row in rows:
            sheet.append([_text_cell(sheet, cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, value: object):
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    return cell


def _letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
