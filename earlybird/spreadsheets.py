"""Cells for CSV and Excel exports: text a spreadsheet shows as text, never runs.

Every export (the billing grid, procurement, …) writes its cells through `cell`, so a
customer or product named `=HYPERLINK(…)` is shown as typed, with a leading apostrophe,
and numbers stay numbers."""

from __future__ import annotations

import csv
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def cell(value) -> str:
    """One CSV cell: empty for None, plain digits for a Decimal, safe text otherwise."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, int | float):
        return str(value)
    return safe_text(str(value))


class SafeWriter:
    """csv.writer whose rows go through `cell`."""

    def __init__(self, stream):
        self.writer = csv.writer(stream)

    def writerow(self, row):
        return self.writer.writerow([cell(value) for value in row])
