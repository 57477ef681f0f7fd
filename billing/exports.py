"""The monthly grid of a whole filtered month as CSV (streamed) or Excel (.xlsx).

One row per customer and product: the customer's columns repeat on each of their rows;
the money columns (bill, payments in the month, balance, status) are filled on the
customer's first row only, so a column total in the spreadsheet adds each customer once.
A customer with a bill but no delivery in the month gets one row without a product.

The totals follow the customers: a "Total" row per product (each day, week and the
month, over every customer of the filtered month), then an "All products" row with the
month's amount, bills, payments and balance together.

Text that a spreadsheet would take for a formula (=, +, -, @ first) gets a leading
apostrophe; numbers are written as numbers.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from billing.grid import Column, CustomerRow, GridFilters, grid_customers, month_columns
from billing.grid_rows import all_grid_rows
from billing.grid_totals import GridTotals, grid_totals
from earlybird.spreadsheets import cell, safe_text

MONEY_FORMAT = "#,##0.00"


def header(columns: list[Column]) -> list[str]:
    return [
        "Customer code",
        "Customer",
        "Phone",
        "Area",
        "Delivery boy",
        "Marketing staff",
        "Product",
        "Unit",
        *(column.label for column in columns),
        "Quantity",
        "Amount",
        "Bill",
        "Bill status",
        "Bill total",
        "Paid in month",
        "Balance",
        "Payment status",
    ]


def grid_records(rows: Iterable[CustomerRow], columns: list[Column]) -> Iterator[list]:
    """Plain rows (str, Decimal or None) for a spreadsheet, after the header."""
    for row in rows:
        customer = row.customer
        who = [
            safe_text(customer.code),
            safe_text(customer.name),
            customer.phone,
            safe_text(customer.area or ""),
            safe_text(row.delivery_boy),
            safe_text(customer.marketer or ""),
        ]
        bill = row.bill
        money = [
            (bill.code or "draft") if bill else "",
            bill.status_label if bill else "",
            bill.total if bill else None,
            row.paid,
            row.balance,
            row.status_label,
        ]
        products = row.products or [None]
        for n, product in enumerate(products):
            if product is None:
                cells = [None] * len(columns)
                what = ["", "", *cells, None, None]
            else:
                what = [
                    safe_text(product.product),
                    product.unit,
                    *(_quantity(cell) for cell in product.cells),
                    _quantity(product.quantity),
                    product.amount,
                ]
            yield [*who, *what, *(money if n == 0 else [""] * len(money))]


TOTAL = "Total"
ALL_PRODUCTS = "All products"


def totals_records(totals: GridTotals, columns: list[Column]) -> Iterator[list]:
    """The totals rows, after the customers' rows (same columns)."""
    count = totals.customers
    who = [TOTAL, f"{count} customer{'' if count == 1 else 's'}", "", "", "", ""]
    for product in totals.products:
        yield [
            *who,
            safe_text(product.product),
            product.unit,
            *(_quantity(cell) for cell in product.cells),
            _quantity(product.quantity),
            product.amount,
            *[""] * 6,
        ]
    blank = [None] * len(columns)
    money = ["", "", totals.billed, totals.paid, totals.balance, ""]
    yield [*who, ALL_PRODUCTS, "", *blank, None, totals.delivered_amount, *money]


def _records(filters: GridFilters) -> tuple[list[Column], Iterator[list]]:
    """The month's columns, and every row after the header: customers, then totals."""
    columns = month_columns(filters.period)
    customers = grid_customers(filters)

    def records() -> Iterator[list]:
        yield from grid_records(all_grid_rows(filters, customers), columns)
        yield from totals_records(grid_totals(filters, customers, columns), columns)

    return columns, records()


def _quantity(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.normalize()


class _Echo:
    def write(self, value: str) -> str:
        return value


def grid_csv(filters: GridFilters) -> Iterator[str]:
    """The CSV text, line by line (for a StreamingHttpResponse); starts with a BOM so
    Excel reads the ₹ and Telugu names as UTF-8."""
    columns, records = _records(filters)
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header(columns))
    for record in records:
        yield writer.writerow([cell(value) for value in record])


def grid_xlsx(filters: GridFilters):
    """The workbook (openpyxl write-only mode) in a temporary file, rewound; the caller
    streams and closes it."""
    columns, records = _records(filters)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=f"{filters.period:%Y-%m}")
    sheet.freeze_panes = "I2"
    names = header(columns)
    for index, name in enumerate(names, start=1):
        width = 4.5 if len(name) <= 3 else min(max(len(name) + 2, 8), 22)
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    sheet.append([_cell(sheet, name, font=bold) for name in names])
    money_columns = {
        names.index(name) for name in ("Amount", "Bill total", "Paid in month", "Balance")
    }
    for record in records:
        font = bold if record[0] == TOTAL else None
        sheet.append(
            [
                _cell(sheet, value, font=font, number_format=MONEY_FORMAT)
                if index in money_columns and isinstance(value, Decimal)
                else (_cell(sheet, value, font=font) if font else value)
                for index, value in enumerate(record)
            ]
        )
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return output


def _cell(sheet, value, *, font: Font | None = None, number_format: str | None = None):
    cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    return cell
