"""File downloads for exports: streamed CSV and .xlsx responses with a Chinese file name."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import quote

from flask import Response

from ..domain import tabular

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(filename: str) -> str:
    """Content-Disposition for any browser: ASCII fallback plus the UTF-8 name (RFC 6266)."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "export"
    if ascii_name.startswith("."):
        ascii_name = "export" + ascii_name
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(stem: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """Stream `rows` as a UTF-8 (BOM) CSV download named `stem`.csv.

    The body is written after the view returns, when the request's database session is gone: pass rows
    already fetched (a list), or a generator over plain values that needs no app context.
    """
    response = Response(tabular.csv_rows(headers, rows), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = attachment(tabular.export_filename(stem, "csv"))
    return response


def xlsx_response(stem: str, headers: Sequence[str], rows: Iterable[Sequence[object]],
                  sheet_title: str = "Sheet1") -> Response:
    """An .xlsx download named `stem`.xlsx with one sheet."""
    data = tabular.xlsx_bytes(headers, rows, sheet_title)
    response = Response(data, mimetype=XLSX_MIME)
    response.headers["Content-Disposition"] = attachment(tabular.export_filename(stem, "xlsx"))
    return response


def table_response(fmt: str, stem: str, headers: Sequence[str], rows: Iterable[Sequence[object]],
                   sheet_title: str = "Sheet1") -> Response:
    """`fmt` "xlsx" gives a workbook, anything else CSV (the view validates fmt beforehand if it cares)."""
    if fmt == "xlsx":
        return xlsx_response(stem, headers, rows, sheet_title)
    return csv_response(stem, headers, rows)
