# Over 400 lines: one read of the grid (rows, week and month totals, the totals foot) kept together.
"""The monthly grid: customers × days of a month, per product, the way the business has
always kept it in spreadsheets — daily delivered quantities, week totals, the month's
quantity and amount, then the customer's bill, payments in the month, balance and
whether the bill is paid.

A fixed number of queries whatever the number of customers:

1. `grid_window` — one page (a window of PER_PAGE customers, in route order: delivery
   boy, stop, then name) of the month's customers (a delivered or partial delivery dated
   in it, or a live bill for it) that pass the filters: a count and the page's ids with
   their bill of the month, then `bill_coverage` for the page's issued bills. Only the
   payment status filter needs every customer's status first (`grid_customers`, two
   queries over the whole month), so only that filter reads the whole month's list.
2. `grid_rows` for that window: the customers (with area, route and marketing staff, and
   today's billing mode and wallet balance), the quantities aggregated in SQL (one
   GROUP BY customer, product, date for the window), the bills, the month's payments and
   the balances — five queries, pivoted here in Python.
3. The foot: `page_totals`, the window's totals added up from its rows (no query), or on
   demand (and in the exports) `grid_totals` over every customer of the filtered month —
   four queries, but over the whole month's deliveries.

Quantities count delivered and partial deliveries (what is billed), morning and evening
together; amounts round each delivery to the paisa, as billing does. With a product
chosen, the quantities are that product's only; the bill, payments and balance stay the
customer's whole account.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Window
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from billing.models import Bill, BillingMode
from billing.selectors import (
    ZERO,
    PaymentStatus,
    balances_for,
    bill_coverage,
    bill_payments,
    billed_amount,
)
from billing.selectors.balances import balance_totals
from billing.selectors.wallet_overview import with_wallet_column
from billing.services.periods import month_end
from customers.models import Customer
from deliveries.models import Delivery
from earlybird.units import number_text

PER_PAGE = 50  # customers per window: a page renders in a few milliseconds
MAX_PAGE = 100_000  # a larger ?page= is past the end anyway
EXPORT_CHUNK = 500  # customers per round of queries when exporting a whole month

NO_BILL = "no_bill"
STATUS_LABELS = {**PaymentStatus.LABELS, NO_BILL: "No bill"}


@dataclass(frozen=True)
class GridFilters:
    period: date  # first day of the month
    area_id: int | None = None
    delivery_boy_id: int | None = None  # the customer's route
    marketing_staff_id: int | None = None
    payment_status: str = ""  # a PaymentStatus, NO_BILL, or "" for all
    product_id: int | None = None  # only this product's deliveries (and their customers)


@dataclass(frozen=True)
class Column:
    """A day of the month, or the total of a (Monday-first) week after its last day."""

    kind: str  # "day" or "week"
    label: str
    day: date | None = None
    week: int | None = None  # 1-based week number within the month
    title: str = ""

    @property
    def is_week(self) -> bool:
        return self.kind == "week"

    @property
    def weekday(self) -> str:
        return f"{self.day:%a}"[:2] if self.day else ""


def month_columns(period: date) -> list[Column]:
    """Days 1..N with a week total after each Sunday and after the last day."""
    columns: list[Column] = []
    last = month_end(period).day
    week, first_of_week = 1, 1
    for n in range(1, last + 1):
        day = period.replace(day=n)
        columns.append(Column("day", str(n), day=day, week=week, title=f"{day:%a %d %b}"))
        if day.weekday() == 6 or n == last:
            columns.append(
                Column(
                    "week",
                    f"W{week}",
                    week=week,
                    title=f"Week {week}: {first_of_week}–{n} {day:%b}",
                )
            )
            week, first_of_week = week + 1, n + 1
    return columns


# A day's quantity in a narrow cell: halves and quarters as one glyph (1½), so a month
# of days fits a 1280 px screen; exports keep the numbers.
FRACTIONS = {Decimal("0.25"): "¼", Decimal("0.5"): "½", Decimal("0.75"): "¾"}


def short_quantity(value: Decimal | None) -> str:
    if value is None:
        return ""
    whole = int(value)
    glyph = FRACTIONS.get(value - whole)
    if glyph is None:
        return number_text(value)
    return f"{whole or ''}{glyph}"


@dataclass
class ProductRow:
    product: str
    unit: str
    cells: list[Decimal | None]  # aligned with the month's columns (None: nothing that day)
    quantity: Decimal
    amount: Decimal
    weeks: list[bool]  # aligned with the columns: True for a week total
    sort: tuple = ()  # the product's place among the products

    @property
    def marked_cells(self) -> list[tuple[str, bool]]:
        """(short text, is a week total) per column."""
        return [
            (short_quantity(value), week)
            for value, week in zip(self.cells, self.weeks, strict=True)
        ]

    @property
    def cells_html(self) -> SafeString:
        """The row's day and week cells as HTML: built here in one pass, because a
        template loop over ~36 cells × 50 customers was most of the page's time."""
        return mark_safe(  # noqa: S308 - every value is escaped  # nosec B308 B703
            "".join(
                f'<td class="num grid-week">{escape(text)}</td>'
                if week
                else f'<td class="num">{escape(text)}</td>'
                for text, week in self.marked_cells
            )
        )


@dataclass
class CustomerRow:
    customer: Customer
    products: list[ProductRow]
    delivered_amount: Decimal  # the month's deliveries at their prices
    bill: Bill | None  # the month's live (draft or issued) bill
    paid: Decimal  # payments dated in the month
    balance: Decimal  # owed today (negative: credit)
    payment_status: str  # PaymentStatus or NO_BILL

    @property
    def wallet(self) -> Decimal | None:
        """The wallet balance of a customer prepaid today (None for a postpaid one)."""
        if getattr(self.customer, "billing_mode", None) != BillingMode.Mode.PREPAID:
            return None
        return self.customer.wallet_balance

    @property
    def delivery_boy(self) -> str:
        stop = getattr(self.customer, "route_stop", None)
        return stop.delivery_boy.name if stop else ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.payment_status, "")

    @property
    def lines(self) -> list[ProductRow | None]:
        """The product rows, or one empty row for a customer billed without deliveries."""
        return self.products or [None]


# --- which customers -----------------------------------------------------------------


def _month_customers(filters: GridFilters):
    """(customer id, live bill id, its status) of the month's customers passing the filters
    (all but the payment status), in route order; a queryset, so a page can cut it."""
    customers = Customer.objects.all()
    if filters.area_id:
        customers = customers.filter(area_id=filters.area_id)
    if filters.delivery_boy_id:
        customers = customers.filter(route_stop__delivery_boy_id=filters.delivery_boy_id)
    if filters.marketing_staff_id:
        customers = customers.filter(marketing_staff_id=filters.marketing_staff_id)
    delivered = _billable(filters).filter(customer=OuterRef("pk"))
    live_bill = (
        Bill.objects.filter(customer=OuterRef("pk"), period=filters.period)
        .exclude(status=Bill.Status.VOID)
        .order_by("pk")
    )
    # With a product chosen, its buyers only (a bill without that product is not one).
    # The bill first: once a month is billed, the month's deliveries (tens of thousands)
    # need not be read to know who is on it.
    on_grid = Q(Exists(delivered))
    if not filters.product_id:
        on_grid = Q(Exists(live_bill)) | on_grid
    return (
        customers.filter(on_grid)
        .annotate(
            bill_id=Subquery(live_bill.values("pk")[:1]),
            bill_status=Subquery(live_bill.values("status")[:1]),
        )
        .order_by(
            F("route_stop__delivery_boy__name").asc(nulls_last=True),
            "route_stop__position",
            "name",
            "pk",
        )
        .values_list("pk", "bill_id", "bill_status")
    )


def _with_statuses(rows) -> list[tuple[int, str]]:
    """[(customer id, payment status)] for (id, bill id, bill status) rows: one query."""
    rows = list(rows)
    coverage = bill_coverage(
        [bill_id for _, bill_id, status in rows if status == Bill.Status.ISSUED]
    )
    return [
        (pk, coverage[bill_id].status if bill_id in coverage else NO_BILL)
        for pk, bill_id, _ in rows
    ]


def grid_customers(filters: GridFilters) -> list[tuple[int, str]]:
    """[(customer id, payment status)] of every customer of the month passing the filters,
    in route order (exports, the payment status filter, the month's totals). Two queries,
    whatever the number of customers."""
    statuses = _with_statuses(_month_customers(filters))
    if filters.payment_status:
        statuses = [row for row in statuses if row[1] == filters.payment_status]
    return statuses


def grid_window(filters: GridFilters, number, per_page: int | None = None) -> Page:
    """One page of the grid's customers; its object_list is [(customer id, payment
    status)]. Two queries (the page with the count of all as a window, then its bills'
    coverage) — but the payment status filter needs every customer's status first
    (grid_customers), and a page past the end costs a count and the last page."""
    per_page = per_page or PER_PAGE
    if filters.payment_status:
        return Paginator(grid_customers(filters), per_page).get_page(number)
    try:
        number = min(max(int(number), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    rows = _window(filters, number, per_page)
    if not rows and number > 1:  # past the end: the last page, as Paginator.get_page does
        number = max(-(-_month_customers(filters).count() // per_page), 1)
        rows = _window(filters, number, per_page)
    count = rows[0][3] if rows else 0
    return Page(_with_statuses(row[:3] for row in rows), number, Paginator(range(count), per_page))


def _window(filters: GridFilters, number: int, per_page: int) -> list[tuple]:
    """(id, bill id, bill status, count of all) of the page's customers: one query."""
    start = (number - 1) * per_page
    return list(
        _month_customers(filters).annotate(of=Window(Count("pk")))[start : start + per_page]
    )


def _billable(filters: GridFilters):
    """The month's delivered and partial deliveries (of the chosen product)."""
    deliveries = Delivery.objects.filter(
        date__range=(filters.period, month_end(filters.period)),
        status__in=Delivery.BILLABLE_STATUSES,
    )
    if filters.product_id:
        deliveries = deliveries.filter(product_id=filters.product_id)
    return deliveries


class _Pivot:
    """Quantities by (product, day) spread over the month's columns, week totals added."""

    def __init__(self, columns: list[Column]):
        self.columns = columns
        self.day_index = {column.day: i for i, column in enumerate(columns) if column.day}
        self.week_index = {column.week: i for i, column in enumerate(columns) if column.is_week}
        self.weeks = [column.is_week for column in columns]

    def new_row(self, name: str, unit: str, sort_order: int) -> dict:
        sort = (sort_order, name)
        row = ProductRow(
            name, unit, [None] * len(self.columns), Decimal("0"), ZERO, self.weeks, sort
        )
        return {"sort": sort, "row": row}

    def add(self, target: ProductRow, day: date, quantity: Decimal, amount: Decimal) -> None:
        at = self.day_index[day]
        week = self.week_index[self.columns[at].week]
        cells = target.cells
        cells[at] = quantity if cells[at] is None else cells[at] + quantity
        cells[week] = quantity if cells[week] is None else cells[week] + quantity
        target.quantity += quantity
        target.amount += amount


# What a row (page and exports) shows of the customer: not every column of five tables.
ROW_FIELDS = (
    "name",
    "code",
    "phone",
    "area__name",
    "marketing_staff__username",
    "route_stop__delivery_boy__name",
)
PRODUCT_VALUES = ("product_id", "product__name", "product__unit", "product__sort_order", "date")


# --- one page of rows ----------------------------------------------------------------


def grid_rows(
    *,
    period: date,
    customers: list[tuple[int, str]],
    columns: list[Column] | None = None,
    product_id: int | None = None,
) -> list[CustomerRow]:
    """The grid rows of these customers (as grid_customers lists them), in that order.
    Five queries, whatever the number of customers, products and days."""
    if not customers:
        return []
    columns = columns or month_columns(period)
    pivot = _Pivot(columns)
    ids = [pk for pk, _ in customers]
    start, end = period, month_end(period)

    by_id = {
        customer.pk: customer
        for customer in with_wallet_column(Customer.objects.filter(pk__in=ids))
        .select_related("area", "route_stop__delivery_boy", "marketing_staff")
        .only(*ROW_FIELDS)
    }
    quantities = (
        _billable(GridFilters(period=period, product_id=product_id))
        .filter(customer_id__in=ids)
        .values_list("customer_id", *PRODUCT_VALUES)
        .annotate(quantity=Sum("delivered_qty"), amount=Sum(billed_amount()))
        .order_by()
    )
    # Tuples, not dicts: ~30 rows per customer and product (issue 18).
    per_customer: dict[int, dict[int, dict]] = {}
    for customer_id, product_id, name, unit, sort_order, day, quantity, amount in quantities:
        products = per_customer.setdefault(customer_id, {})
        product = products.get(product_id)
        if product is None:
            product = products[product_id] = pivot.new_row(name, unit, sort_order)
        pivot.add(product["row"], day, quantity, amount)

    bills = {
        bill.customer_id: bill
        for bill in Bill.objects.filter(customer_id__in=ids, period=period).exclude(
            status=Bill.Status.VOID
        )
    }
    paid = dict(
        bill_payments()
        .filter(customer_id__in=ids, paid_on__range=(start, end))
        .order_by()
        .values("customer_id")
        .annotate(total=Sum("amount"))
        .values_list("customer_id", "total")
    )
    balances = balances_for(ids)

    rows = []
    for pk, status in customers:
        products = sorted(per_customer.get(pk, {}).values(), key=lambda p: p["sort"])
        product_rows = [p["row"] for p in products]
        rows.append(
            CustomerRow(
                customer=by_id[pk],
                products=product_rows,
                delivered_amount=sum((p.amount for p in product_rows), ZERO),
                bill=bills.get(pk),
                paid=paid.get(pk, ZERO),
                balance=balances.get(pk, ZERO),
                payment_status=status,
            )
        )
    return rows


def all_grid_rows(
    filters: GridFilters, customers: list[tuple[int, str]] | None = None
) -> Iterator[CustomerRow]:
    """Every row of the filtered month, a chunk of customers at a time (for exports)."""
    if customers is None:
        customers = grid_customers(filters)
    columns = month_columns(filters.period)
    for first in range(0, len(customers), EXPORT_CHUNK):
        yield from grid_rows(
            period=filters.period,
            customers=customers[first : first + EXPORT_CHUNK],
            columns=columns,
            product_id=filters.product_id,
        )


# --- the totals row -------------------------------------------------------------------


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
    pivot = _Pivot(columns)
    products: dict[int, dict] = {}
    quantities = (
        _billable(filters)
        .filter(customer_id__in=ids)
        .values_list(*PRODUCT_VALUES)
        .annotate(quantity=Sum("delivered_qty"), amount=Sum(billed_amount()))
        .order_by()
    )
    for product_id, name, unit, sort_order, day, quantity, amount in quantities:
        product = products.get(product_id)
        if product is None:
            product = products[product_id] = pivot.new_row(name, unit, sort_order)
        pivot.add(product["row"], day, quantity, amount)
    rows = [p["row"] for p in sorted(products.values(), key=lambda p: p["sort"])]
    billed = (
        Bill.objects.filter(customer_id__in=ids, period=filters.period)
        .exclude(status=Bill.Status.VOID)
        .aggregate(total=Sum("total", default=ZERO))["total"]
    )
    paid = (
        bill_payments()
        .filter(
            customer_id__in=ids,
            paid_on__range=(filters.period, month_end(filters.period)),
        )
        .aggregate(total=Sum("amount", default=ZERO))["total"]
    )
    owed = balance_totals(Customer.objects.filter(pk__in=ids))["due"]
    return GridTotals(
        customers=len(ids),
        products=rows,
        delivered_amount=sum((row.amount for row in rows), ZERO),
        billed=billed,
        paid=paid,
        balance=owed,
    )


def page_totals(rows: list[CustomerRow]) -> GridTotals:
    """The totals of one window's rows, added up from them: no query."""
    products: dict[tuple, ProductRow] = {}
    for row in rows:
        for line in row.products:
            total = products.get(line.sort)
            if total is None:
                empty = [None] * len(line.cells)
                total = products[line.sort] = ProductRow(
                    line.product, line.unit, empty, Decimal("0"), ZERO, line.weeks, line.sort
                )
            total.cells = [
                a if b is None else (b if a is None else a + b)
                for a, b in zip(total.cells, line.cells, strict=True)
            ]
            total.quantity += line.quantity
            total.amount += line.amount
    lines = [products[key] for key in sorted(products)]
    return GridTotals(
        customers=len(rows),
        products=lines,
        delivered_amount=sum((line.amount for line in lines), ZERO),
        billed=sum((row.bill.total for row in rows if row.bill), ZERO),
        paid=sum((row.paid for row in rows), ZERO),
        balance=sum((row.balance for row in rows), ZERO),
    )
