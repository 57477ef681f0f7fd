"""From the grid statement's rows (billing.grid_rows) to the grid's: a customer's rows
made into a CustomerRow, its products' quantities spread over the month's columns.

A window's rows are kept by value: everything a customer's row shows is in their rows
of the statement (the quantities as the text of their arrays, so the key hashes fast), so
the same rows read again give the same CustomerRow, and its markup is kept with it
(billing.pages.grid_html). A change to anything the row shows changes its key: nothing
kept can be out of date. Most of a page's customers did not change since it was last
drawn, so a view only pivots and draws the ones that did (issue 18)."""

from datetime import date
from decimal import Decimal

from billing.grid import (
    NO_BILL,
    Column,
    CustomerRow,
    GridBill,
    GridCustomer,
    ProductRow,
    month_columns,
)
from billing.selectors import ZERO
from billing.selectors.bills import coverage_of
from earlybird.kept import Kept

_kept = Kept(1024)  # customer-months per process: about 13 KB each with their markup


class Pivot:
    """Quantities by day of the month spread over the month's columns, week totals
    added."""

    def __init__(self, columns: list[Column]):
        self.size = len(columns)
        self.weeks = [column.is_week for column in columns]
        # Day of the month -> its column; each week's column with its days' columns.
        self.at = {column.day.day: i for i, column in enumerate(columns) if column.day}
        self.week_days = [
            (i, [j for j, day in enumerate(columns) if day.day and day.week == column.week])
            for i, column in enumerate(columns)
            if column.is_week
        ]

    def row(
        self,
        name: str,
        unit: str,
        sort_order: int,
        days: list[int],
        quantities: list[Decimal],
        amount: Decimal,
    ) -> ProductRow:
        """A product's row of these days of the month (a day twice: its two shifts, added
        up) and their amount. The weeks and the month are added up from the days, once."""
        cells, at = [None] * self.size, self.at
        for day, quantity in zip(days, quantities, strict=True):
            column = at[day]
            cell = cells[column]
            cells[column] = quantity if cell is None else cell + quantity
        month = Decimal("0")
        for week_column, day_columns in self.week_days:
            week = None
            for column in day_columns:
                cell = cells[column]
                if cell is not None:
                    week = cell if week is None else week + cell
            if week is not None:
                cells[week_column] = week
                month += week
        return ProductRow(name, unit, cells, month, ZERO + amount, self.weeks, (sort_order, name))


def customer_rows(
    found: list[tuple],
    period: date,
    statuses: dict | None,
    *,
    keep: bool = False,
) -> list[CustomerRow]:
    """CustomerRows from the statement's rows (a customer's rows follow each other; the
    first column, the window's count, is no part of a row); their payment status from
    `statuses`, else from the rows' coverage. `keep`: reuse and keep them by value (a
    window's; not an export's thousands)."""
    pivot = None
    rows: list[CustomerRow] = []
    first, count = 0, len(found)
    while first < count:
        pk = found[first][1]
        end = first + 1
        while end < count and found[end][1] == pk:
            end += 1
        status = statuses[pk] if statuses is not None else None
        key = (period, status, *(values[1:] for values in found[first:end]))
        row = _kept.get(key) if keep else None
        if row is None:
            pivot = pivot or Pivot(month_columns(period))
            row = _customer_row(found[first:end], pivot, status)
            if keep:
                row.kept_as = key
                _kept.keep(key, row)
        rows.append(row)
        first = end
    return rows


def _customer_row(found: list[tuple], pivot: Pivot, status: str | None) -> CustomerRow:
    """One customer's CustomerRow from their rows of the statement."""
    (
        _,  # the window's count
        pk,
        name,
        code,
        phone,
        area,
        marketer,
        boy,
        mode,
        wallet,
        paid,
        balance,
        bill_id,
        bill_code,
        bill_status,
        bill_total,
        total,
        through,
        paid_ever,
        *_,
    ) = found[0]
    if status is None:
        status = coverage_of(total, through, paid_ever).status if total is not None else NO_BILL
    row = CustomerRow(
        customer=GridCustomer(pk, name, code, phone, area, marketer, boy, mode, wallet),
        products=[],
        delivered_amount=ZERO,
        bill=GridBill(bill_id, bill_code, bill_status, bill_total) if bill_id else None,
        paid=paid,
        balance=balance,
        payment_status=status,
    )
    for *_, product, unit, sort_order, days, quantities, amount in found:
        if product is not None:
            row.products.append(
                pivot.row(product, unit, sort_order, _ints(days), _decimals(quantities), amount)
            )
            row.delivered_amount += amount
    return row


def _ints(array: str) -> list[int]:
    """An int[] as PostgreSQL writes it: `{1,2,3}`."""
    return [int(value) for value in array[1:-1].split(",")]


def _decimals(array: str) -> list[Decimal]:
    """A numeric[] as PostgreSQL writes it: `{1.000,0.500}`."""
    return [Decimal(value) for value in array[1:-1].split(",")]
