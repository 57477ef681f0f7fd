"""The monthly grid's foot: the totals of one window, added up from its rows (no query),
or of every customer of the filtered month (?totals=month, and the exports)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, F, Func, Sum, Value

from billing.grid import Column, CustomerRow, GridFilters, ProductRow, billable, month_columns
from billing.grid_pivot import Pivot
from billing.models import Bill
from billing.selectors import ZERO, bill_payments, billed_amount
from billing.selectors.balances import balance_totals
from billing.services.periods import month_end
from customers.models import Customer

PRODUCT_VALUES = ("product_id", "product__name", "product__unit", "product__sort_order", "date")


def among(field: str, ids: list[int]) -> Func:
    """`field` is one of `ids`, sent as one array parameter: the same SQL text (planned
    once per connection) whatever their number, not an IN list of a thousand."""
    return Func(
        F(field),
        Value(ids),
        template="(%(expressions)s::bigint[]))",
        arg_joiner=" = ANY(",
        output_field=BooleanField(),
    )


@dataclass
class GridTotals:
    """The filtered month's totals over all its customers (every page)."""

    customers: int
    products: list[ProductRow]  # per product: each day, week and the month
    delivered_amount: Decimal
    billed: Decimal  # the customers' live bills of the month
    paid: Decimal  # their payments dated in the month
    balance: Decimal  # what they owe today, together


def grid_totals(
    filters: GridFilters, customers: list[tuple[int, str]], columns: list[Column] | None = None
) -> GridTotals:
    """Totals of these customers (as grid_customers lists them). Four queries, whatever
    the number of customers."""
    columns = columns or month_columns(filters.period)
    ids = [pk for pk, _ in customers]
    if not ids:
        return GridTotals(0, [], ZERO, ZERO, ZERO, ZERO)
    quantities = (
        billable(filters)
        .filter(among("customer_id", ids))
        .values_list(*PRODUCT_VALUES)
        .annotate(quantity=Sum("delivered_qty"), amount=Sum(billed_amount()))
        .order_by()
    )
    # Per product: its name, unit and sort order, then its days, quantities and amounts.
    products: dict[int, tuple] = {}
    for product_id, name, unit, sort_order, day, quantity, amount in quantities:
        product = products.get(product_id)
        if product is None:
            product = products[product_id] = (name, unit, sort_order, [], [], [])
        product[3].append(day.day)
        product[4].append(quantity)
        product[5].append(amount)
    pivot = Pivot(columns)
    rows = sorted(
        (
            pivot.row(name, unit, sort_order, days, day_quantities, sum(amounts, ZERO))
            for name, unit, sort_order, days, day_quantities, amounts in products.values()
        ),
        key=lambda row: row.sort,
    )
    billed = (
        Bill.objects.filter(among("customer_id", ids), period=filters.period)
        .exclude(status=Bill.Status.VOID)
        .aggregate(total=Sum("total", default=ZERO))["total"]
    )
    paid = (
        bill_payments()
        .filter(
            among("customer_id", ids),
            paid_on__range=(filters.period, month_end(filters.period)),
        )
        .aggregate(total=Sum("amount", default=ZERO))["total"]
    )
    owed = balance_totals(Customer.objects.filter(among("pk", ids)))["due"]
    return GridTotals(
        customers=len(ids),
        products=rows,
        delivered_amount=sum((row.amount for row in rows), ZERO),
        billed=billed,
        paid=paid,
        balance=owed,
    )


def page_totals(rows: list[CustomerRow]) -> GridTotals:
    """The totals of one window's rows, added up from them: no query. Each product's
    day and week cells are added up column by column over its lines."""
    groups: dict[tuple, list[ProductRow]] = {}
    for row in rows:
        for line in row.products:
            group = groups.get(line.sort)
            if group is None:
                groups[line.sort] = [line]
            else:
                group.append(line)
    lines = []
    for key in sorted(groups):
        group = groups[key]
        first = group[0]
        lines.append(
            ProductRow(
                first.product,
                first.unit,
                list(map(_column_total, *[line.cells for line in group])),
                sum((line.quantity for line in group), Decimal("0")),
                sum((line.amount for line in group), ZERO),
                first.weeks,
                key,
            )
        )
    return GridTotals(
        customers=len(rows),
        products=lines,
        delivered_amount=sum((line.amount for line in lines), ZERO),
        billed=sum((row.bill.total for row in rows if row.bill), ZERO),
        paid=sum((row.paid for row in rows), ZERO),
        balance=sum((row.balance for row in rows), ZERO),
    )


def _column_total(*cells: Decimal | None) -> Decimal | None:
    """One column's cells added up (None: nothing in it)."""
    total = None
    for cell in cells:
        if cell is not None:
            total = cell if total is None else total + cell
    return total
