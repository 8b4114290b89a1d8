"""CSV files that open right in a spreadsheet and cannot run anything there. Pure.

- UTF-8 with a byte-order mark: without it Excel reads UTF-8 as the local code page and
  French accents and Arabic names come out garbled.
- A text cell starting with =, +, -, @, a tab or a carriage return would be read as a formula
  (CSV injection: a learner named "=HYPERLINK(…)"): such cells get a leading apostrophe, which
  spreadsheets show as plain text. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralise(value) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: list[str], rows: Iterable[Iterable]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return (BOM + buffer.getvalue()).encode("utf-8")
