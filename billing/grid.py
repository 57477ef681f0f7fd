"""The monthly grid: customers × days of a month, per product, the way the business has
always kept it in spreadsheets — daily delivered quantities, week totals, the month's
quantity and amount, then the customer's bill, payments in the month, balance and
whether the bill is paid.

Three modules, a fixed number of queries whatever the number of customers:

- here: the filters, the month's columns, what a row holds, and who is on the grid —
  the month's customers (a delivered or partial delivery dated in it, or a live bill for
  it) that pass the filters, in route order (delivery boy, stop, then name):
  `grid_customers`, every one of them with their payment status (two queries: exports,
  the payment status filter, the month's totals);
- `billing.grid_rows`: the rows of a page — `grid_window`, one window of PER_PAGE
  customers with their accounts, bills, payment status and quantities, in one
  statement — and of chosen customers (`grid_rows`, `all_grid_rows` for exports);
- `billing.grid_totals`: the foot — the window's totals added up from its rows, or on
  demand (and in the exports) `grid_totals` over every customer of the filtered month.

Quantities count delivered and partial deliveries (what is billed), morning and evening
together; amounts round each delivery to the paisa, as billing does. With a product
chosen, the quantities are that product's only; the bill, payments and balance stay the
customer's whole account.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q

from billing.models import Bill, BillingMode
from billing.selectors import PaymentStatus, bill_coverage
from billing.services.periods import month_end
from customers.models import Customer
from deliveries.models import Delivery
from earlybird.units import number_text

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
    return list(_month_columns(period))


@lru_cache(maxsize=24)
def _month_columns(period: date) -> tuple[Column, ...]:
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
    return tuple(columns)


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


@dataclass(slots=True)
class ProductRow:
    product: str
    unit: str
    cells: list[Decimal | None]  # aligned with the month's columns (None: nothing that day)
    quantity: Decimal
    amount: Decimal
    weeks: list[bool]  # aligned with the columns: True for a week total
    sort: tuple = ()  # the product's place among the products


@dataclass(slots=True)
class GridCustomer:
    """What a row shows of a customer, read as plain values (no model instances)."""

    pk: int
    name: str
    code: str
    phone: str
    area: str | None
    marketer: str | None  # the marketing staff's username
    delivery_boy: str | None  # the route's, None on no route
    billing_mode: str  # today's
    wallet_balance: Decimal


BILL_STATUS_LABELS = dict(Bill.Status.choices)


@dataclass(slots=True)
class GridBill:
    """The month's live (draft or issued) bill of a row."""

    pk: int
    code: str
    status: str
    total: Decimal

    @property
    def status_label(self) -> str:
        return str(BILL_STATUS_LABELS.get(self.status, self.status))  # lazy: translated now


@dataclass(slots=True)
class CustomerRow:
    customer: GridCustomer
    products: list[ProductRow]
    delivered_amount: Decimal  # the month's deliveries at their prices
    bill: GridBill | None  # the month's live (draft or issued) bill
    paid: Decimal  # payments dated in the month
    balance: Decimal  # owed today (negative: credit)
    payment_status: str  # PaymentStatus or NO_BILL
    kept_as: tuple = ()  # the key it is kept by, with its markup (billing.grid_pivot)

    @property
    def wallet(self) -> Decimal | None:
        """The wallet balance of a customer prepaid today (None for a postpaid one)."""
        if self.customer.billing_mode != BillingMode.Mode.PREPAID:
            return None
        return self.customer.wallet_balance

    @property
    def delivery_boy(self) -> str:
        return self.customer.delivery_boy or ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.payment_status, "")

    @property
    def lines(self) -> list[ProductRow | None]:
        """The product rows, or one empty row for a customer billed without deliveries."""
        return self.products or [None]


# --- who is on the grid ------------------------------------------------------------------


def _sql_list(values) -> str:
    """Our own constant strings (statuses) as an SQL list: ('a', 'b')."""
    return "(" + ", ".join("'" + str(value).replace("'", "''") + "'" for value in values) + ")"


# Statuses are written into the statements' text, not sent as parameters: a prepared
# statement's generic plan can then use the indexes whose condition names them
# (deliveries_billable_date, billing_bill_one_per_customer_period).
BILLABLE_SQL = _sql_list(Delivery.BILLABLE_STATUSES)


def _status_test(template: str) -> Func:
    return Func(F("status"), template=template, output_field=BooleanField())


def billable(filters: GridFilters):
    """The month's delivered and partial deliveries (of the chosen product)."""
    deliveries = Delivery.objects.filter(date__range=(filters.period, month_end(filters.period)))
    if filters.product_id:
        # The statuses as parameters: a generic plan then finds a product's deliveries by
        # its index, not by deliveries_billable_date (which has no product).
        return deliveries.filter(
            status__in=Delivery.BILLABLE_STATUSES, product_id=filters.product_id
        )
    return deliveries.filter(_status_test(f"%(expressions)s IN {BILLABLE_SQL}"))


def live_bills(period: date):
    """The month's live (draft or issued) bills: one per customer at most."""
    return Bill.objects.filter(_status_test("%(expressions)s <> 'void'"), period=period)


# In route order: a route's customers in walking order, routes by their delivery boy's
# name, customers on no route last, by name: over month_customers_sql's rows.
ROUTE_ORDER = "m.boy NULLS LAST, m.stop, m.name, m.id"
# The month's live bill of a customer `m.id` (none: NULLs).
LIVE_BILL = (
    "LEFT JOIN LATERAL (SELECT b.id, b.code, b.status, b.total FROM billing_bill b"
    " WHERE b.customer_id = m.id AND b.period = %s AND b.status <> 'void'"
    " ORDER BY b.id LIMIT 1) bill ON true"
)


def live_bill_params(period: date) -> tuple:
    return (period,)


class ProbedExists(Exists):
    """EXISTS looked up customer by customer (the index on customer and date), never by
    hashing every row of the subquery first: OFFSET 0 keeps the planner from making it a
    hashed subplan. For a month not billed yet, that hash read every delivery of the
    month (tens of thousands of rows, most of the grid's time) on each page."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


@lru_cache(maxsize=64)
def month_customers_sql(filters: GridFilters) -> tuple[str, tuple]:
    """The SQL of the month's customers passing the filters (all but the payment status),
    as rows (id, boy, stop, name) to be aliased `m (id, boy, stop, name)` and ordered by
    ROUTE_ORDER. Compiled once per filters: its text is the same for every filter of the
    same shape (the values are parameters)."""
    customers = Customer.objects.all()
    if filters.area_id:
        customers = customers.filter(area_id=filters.area_id)
    if filters.delivery_boy_id:
        customers = customers.filter(route_stop__delivery_boy_id=filters.delivery_boy_id)
    if filters.marketing_staff_id:
        customers = customers.filter(marketing_staff_id=filters.marketing_staff_id)
    delivered = billable(filters).filter(customer=OuterRef("pk"))
    # With a product chosen, its buyers only (a bill without that product is not one).
    # The bill first: once a month is billed, the month's deliveries (tens of thousands)
    # need not be read to know who is on it.
    if filters.product_id:  # a product's probe measured slower than its hashed subplan
        on_grid = Q(Exists(delivered))
    else:
        billed = Exists(live_bills(filters.period).filter(customer=OuterRef("pk")))
        on_grid = Q(billed) | Q(ProbedExists(delivered))
    return (
        customers.filter(on_grid)
        .order_by()
        .values_list("pk", "route_stop__delivery_boy__name", "route_stop__position", "name")
        .query.sql_with_params()
    )


def month_count(filters: GridFilters) -> int:
    """How many customers are on the filtered month (all but the payment status)."""
    month_sql, month_params = month_customers_sql(filters)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({month_sql}) m", month_params)  # noqa: S608
        return cursor.fetchone()[0]


def grid_customers(filters: GridFilters) -> list[tuple[int, str]]:
    """[(customer id, payment status)] of every customer of the month passing the filters,
    in route order (exports, the payment status filter, the month's totals). Two queries,
    whatever the number of customers: the customers with their live bill, then the
    issued bills' coverage."""
    month_sql, month_params = month_customers_sql(filters)
    # month_sql: SQL that Django compiled from a queryset, its values parameters.
    sql = (
        f"SELECT m.id, bill.id, bill.status FROM ({month_sql}) m (id, boy, stop, name)"  # noqa: S608
        f" {LIVE_BILL} ORDER BY {ROUTE_ORDER}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*month_params, *live_bill_params(filters.period)))
        rows = cursor.fetchall()
    coverage = bill_coverage(
        [bill_id for _, bill_id, status in rows if status == Bill.Status.ISSUED]
    )
    statuses = [
        (pk, coverage[bill_id].status if bill_id in coverage else NO_BILL)
        for pk, bill_id, _ in rows
    ]
    if filters.payment_status:
        statuses = [row for row in statuses if row[1] == filters.payment_status]
    return statuses
