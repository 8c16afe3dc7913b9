"""Downloads of the office pages: one way to write a table as CSV or XLSX, and any file."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from flask import Response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """Neutralise text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def download(content: bytes | str, mimetype: str, filename: str) -> Response:
    """A file the browser saves under `filename`."""
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


def csv_download(header: Sequence[str] | None, rows: Sequence[Sequence[Any]], filename: str) -> Response:
    """A table as CSV the way German spreadsheets read it: semicolons, decimal comma, UTF-8 with BOM."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, delimiter=";")
    if header:
        writer.writerow(header)
    for row in rows:
        writer.writerow(
            [str(v).replace(".", ",") if isinstance(v, Decimal) else ("" if v is None else safe_cell(v)) for v in row]
        )
    return download(buf.getvalue(), "text/csv", filename)


def xlsx_download(header: Sequence[str] | None, rows: Sequence[Sequence[Any]], filename: str, sheet: str) -> Response:
    """A table as an Excel workbook; euro amounts (Decimal) become numbers formatted in euros."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet[:31]
    if header:
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
    for row in rows:
        ws.append([float(v) if isinstance(v, Decimal) else safe_cell(v) for v in row])
        for cell, value in zip(ws[ws.max_row], row, strict=False):
            if isinstance(value, Decimal):
                cell.number_format = "#,##0.00 €"
    out = io.BytesIO()
    wb.save(out)
    return download(out.getvalue(), XLSX, filename)
