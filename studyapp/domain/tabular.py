"""Tabular exports (attendance, completion, results) as streamed CSV or an .xlsx workbook.

The cell rules live in `domain.sheets` (one home): a text cell a spreadsheet could run as a formula
(starting with = + - @ tab CR) gets a leading apostrophe in CSV and is stored as a string cell (never
a formula) in .xlsx; numbers pass through, so a score stays a number in Excel. This module adds the streaming shape every report wants:

    csv_rows(headers, rows)      -> iterator of str chunks: BOM + header line, then one chunk per row
    xlsx_bytes(headers, rows, sheet_title) -> bytes of a one-sheet workbook
    export_filename(stem, ext)   -> "stem.ext" with characters unsafe in a file name replaced

`rows` may be any iterable (a generator over a query result), so a CSV of 10 000 rows never sits
in memory at once. Serve them with `studyapp.web.downloads.csv_response / xlsx_response`.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

from .sheets import neutralize, to_xlsx, to_xlsx_book

BOM = "\ufeff"


def cell(value: object) -> object:
    """One cell as exported: None → "", datetimes as "YYYY-MM-DD HH:MM", formula-looking text neutralized."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return neutralize(value)


def csv_rows(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """CSV text in chunks: a UTF-8 byte-order mark (Excel on Chinese Windows needs it), then lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([cell(h) for h in headers])
    yield BOM + flush()
    for row in rows:
        writer.writerow([cell(value) for value in row])
        yield flush()


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The whole CSV as one string (tests, small files)."""
    return "".join(csv_rows(headers, rows))


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]], sheet_title: str = "Sheet1",
               widths: Sequence[int] | None = None) -> bytes:
    """A one-sheet workbook; text is stored as text (never a formula), numbers stay numbers."""
    prepared = ([_xlsx_cell(value) for value in row] for row in rows)
    return to_xlsx(list(headers), prepared, title=_sheet_title(sheet_title), widths=widths)


def xlsx_book_bytes(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> bytes:
    """A workbook of several sheets, each (title, headers, rows), cells as in xlsx_bytes."""
    return to_xlsx_book((_sheet_title(title), list(headers), ([_xlsx_cell(v) for v in row] for row in rows))
                        for title, headers, rows in sheets)


def export_filename(stem: str, ext: str) -> str:
    """A download name: keeps Chinese, drops path separators and characters Windows refuses."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", stem).strip(" .") or "export"
    return f"{cleaned[:80]}.{ext}"


def _xlsx_cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def _sheet_title(title: str) -> str:
    # Excel forbids []:*?/\ in sheet names and caps them at 31 characters.
    return (re.sub(r"[\[\]:*?/\\]", "_", title) or "Sheet1")[:31]
