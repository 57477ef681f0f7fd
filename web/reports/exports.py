"""A report as a spreadsheet: the same table as CSV or Excel (.xlsx), a totals row last.

Every cell goes through earlybird.spreadsheets (text a spreadsheet would run as a
formula gets a leading apostrophe; numbers stay numbers). The totals are values, not
formulas, so a reader that does not calculate (openpyxl, a phone's viewer) sees them.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import FileResponse, HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from earlybird.spreadsheets import SafeWriter, safe_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0"


@dataclass
class Table:
    """A report's rows for a spreadsheet: cells are str, int, Decimal or None."""

    name: str  # the file's name, without the extension
    title: str  # the sheet's title (31 characters at most in Excel)
    header: list[str]
    rows: list[list] = field(default_factory=list)
    totals: list | None = None
    money: frozenset[str] = frozenset()  # header names of the columns in rupees


def csv_response(table: Table) -> HttpResponse:
    """The table as CSV (with a BOM, so Excel reads ₹ and Telugu names as UTF-8)."""
    output = io.StringIO()
    output.write("\ufeff")
    writer = SafeWriter(output)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(row)
    if table.totals is not None:
        writer.writerow(table.totals)
    response = HttpResponse(output.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
    return response


def xlsx_response(table: Table) -> FileResponse:
    """The table as an Excel workbook: a bold header and totals row, rupees formatted."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.title[:31])
    sheet.freeze_panes = "A2"
    for index, name in enumerate(table.header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(len(name) + 2, 10), 28)
    money = {index for index, name in enumerate(table.header) if name in table.money}
    bold = Font(bold=True)
    sheet.append([_cell(sheet, name, font=bold) for name in table.header])
    for row in table.rows:
        sheet.append([_value(sheet, value, index in money) for index, value in enumerate(row)])
    if table.totals is not None:
        sheet.append(
            [
                _value(sheet, value, index in money, font=bold)
                for index, value in enumerate(table.totals)
            ]
        )
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=f"{table.name}.xlsx", content_type=XLSX
    )


def _value(sheet, value, is_money: bool, *, font: Font | None = None):
    if isinstance(value, str):
        value = safe_text(value)
    number_format = MONEY_FORMAT if is_money and isinstance(value, Decimal) else None
    return _cell(sheet, value, font=font, number_format=number_format)


def _cell(sheet, value, *, font: Font | None = None, number_format: str | None = None):
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    return cell
