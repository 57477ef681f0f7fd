"""The monthly grid's rows (billing.grid says what they hold): one statement a page.

`grid_window` reads a window of PER_PAGE customers of the filtered month — which ones
(their ids in route order, and the count of all), then in the same statement their rows
— their accounts (billing's balance and wallet formulas), their live bill and its
payment status (billing's coverage) and their quantities per product with each
delivery's day, a row per customer and product, made into the grid's rows by
billing.grid_pivot (a window's kept by value).
The payment status filter needs every customer's status first (billing.grid's
grid_customers, two queries), then the same statement reads the page's customers;
`grid_rows` and `all_grid_rows` (exports, a chunk of customers at a time) too.

The rows' statement has one text for every page, month and day (the customers are one
array parameter, or the window's filters of one shape), so the server plans it once per
connection (DB_PREPARE_THRESHOLD) and keeps a generic plan.
"""

from collections.abc import Iterator
from datetime import date
from functools import lru_cache

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, F, Func, OuterRef, Sum
from django.utils import timezone

from billing.grid import (
    LIVE_BILL,
    ROUTE_ORDER,
    CustomerRow,
    GridFilters,
    billable,
    grid_customers,
    live_bill_params,
    month_count,
    month_customers_sql,
)
from billing.grid_pivot import customer_rows
from billing.selectors import bill_payments, billed_amount, with_balances
from billing.selectors.balances import money_or_zero
from billing.selectors.bills import bill_coverage_sql
from billing.selectors.wallet_overview import with_wallet_column
from billing.services.periods import month_end
from customers.models import Customer
from earlybird import changes
from earlybird.prepared import prepared_cursor
from orders.models import Product

PER_PAGE = 50  # customers per window: a page renders in a few milliseconds
MAX_PAGE = 100_000  # a larger ?page= is past the end anyway
EXPORT_CHUNK = 500  # customers per statement when exporting a whole month


def grid_window(
    filters: GridFilters,
    number,
    per_page: int | None = None,
) -> Page:
    """One page of the grid: its object_list the rows (CustomerRow) of a window of
    customers in route order. One statement — but the payment status filter needs every
    customer's status first (grid_customers), and a page past the end costs a count and
    the last page."""
    per_page = per_page or PER_PAGE
    if filters.payment_status:
        page = Paginator(grid_customers(filters), per_page).get_page(number)
        rows = grid_rows(
            period=filters.period,
            customers=list(page.object_list),
            product_id=filters.product_id,
        )
        return Page(rows, page.number, page.paginator)
    try:
        number = min(max(int(number), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    rows, count = _window(filters, number, per_page)
    if not rows and number > 1:  # past the end: the last page, as Paginator.get_page does
        number = max(-(-month_count(filters) // per_page), 1)
        rows, count = _window(filters, number, per_page)
    return Page(rows, number, Paginator(range(count), per_page))


def grid_rows(
    *,
    period: date,
    customers: list[tuple[int, str]],
    product_id: int | None = None,
) -> list[CustomerRow]:
    """The grid rows of these customers (as grid_customers lists them, with their payment
    status), in that order: one statement, whatever the number of customers, products
    and days."""
    return _given(period, product_id, [pk for pk, _ in customers], dict(customers))


def all_grid_rows(
    filters: GridFilters, customers: list[tuple[int, str]] | None = None
) -> Iterator[CustomerRow]:
    """Every row of the filtered month, a chunk of customers at a time (for exports)."""
    if customers is None:
        customers = grid_customers(filters)
    for first in range(0, len(customers), EXPORT_CHUNK):
        yield from grid_rows(
            period=filters.period,
            customers=customers[first : first + EXPORT_CHUNK],
            product_id=filters.product_id,
        )


def _window(filters: GridFilters, number: int, per_page: int) -> tuple[list[CustomerRow], int]:
    """The rows of page `number` and the count of all the month's customers, in one
    statement: the window (its ids in route order, and the count) is its first part."""
    month_sql, month_params = month_customers_sql(filters)
    # month_sql: SQL that Django compiled, its values parameters read as `(SELECT %s)`,
    # hidden from the planner: else it replans the whole statement for them every time.
    window = WINDOW.format(month=month_sql.replace("%s", "(SELECT %s)"), order=ROUTE_ORDER)
    sql, params = _statement(filters.period, filters.product_id, timezone.localdate())
    with prepared_cursor() as cursor:
        found = changes.fetchall(
            cursor,
            f"WITH {window}{sql}",
            (*month_params, per_page, (number - 1) * per_page, *params),
        )
    return customer_rows(found, filters.period, None, keep=True), found[0][0] if found else 0


# --- the rows' statement ---------------------------------------------------------------

# Who is on the page, `given (id, n, total)`: the customers given (an array, in order)…
GIVEN = (
    "given (id, n, total) AS (SELECT u.id, u.n, NULL::bigint"
    " FROM unnest(%s::bigint[]) WITH ORDINALITY u (id, n))"
)
# … or a window of the month's customers in route order, `total` the count of all. Its
# plan is the statement's generic plan, whatever the month: the statuses in the text
# let it read the indexes made for them (billed month or not). The page's size and offset
# are hidden from the planner too (`(SELECT %s)`): seeing them, it judged a plan made for
# each request cheaper and planned every execution again (a millisecond each).
WINDOW = (
    "given (id, n, total) AS MATERIALIZED (SELECT m.id, row_number() OVER (ORDER BY {order}),"
    " m.total FROM (SELECT m.*, count(*) OVER () AS total FROM ({month}) m (id, boy, stop, name)"
    " ORDER BY {order} LIMIT (SELECT %s) OFFSET (SELECT %s)) m)"
)

# After `given`: their live bills, the issued ones' coverage, their accounts and
# quantities: a row per customer and product (one with no product for a customer billed
# without deliveries).
ROWS = (
    ", page (ids) AS (SELECT ARRAY(SELECT id FROM given)),"
    " bills AS (SELECT m.id AS customer_id, bill.* FROM given m {live_bill}),"
    # Each part computed once, for the page only (inlined, the planner joined them
    # first and ran their subqueries once per row of the join).
    " cov (id, total, through, paid) AS MATERIALIZED ({coverage}),"
    " acc AS MATERIALIZED ({accounts}),"
    " qty AS MATERIALIZED ({quantities})"
    " SELECT m.total, a.*, bills.id, bills.code, bills.status, bills.total,"
    " cov.total, cov.through, cov.paid,"
    " p.name, p.unit, p.sort_order, q.days, q.quantities, q.amount"
    " FROM given m JOIN acc a ON a.pk = m.id"
    " LEFT JOIN bills ON bills.customer_id = m.id"
    " LEFT JOIN cov ON cov.id = bills.id"
    " LEFT JOIN qty q ON q.customer_id = m.id"
    " LEFT JOIN ({products}) p (id, name, unit, sort_order) ON p.id = q.product_id"
    # The products as Python sorts them (sort order, name): by code point.
    ' ORDER BY m.n, p.sort_order, p.name COLLATE "C"'
)


def _given(
    period: date,
    product_id: int | None,
    ids: list[int],
    statuses: dict[int, str] | None,
) -> list[CustomerRow]:
    """The rows of these customers, in this order: one statement."""
    if not ids:
        return []
    sql, params = _statement(period, product_id, timezone.localdate())
    with prepared_cursor() as cursor:
        cursor.execute(f"WITH {GIVEN}{sql}", (ids, *params))
        return customer_rows(cursor.fetchall(), period, statuses)


@lru_cache(maxsize=16)
def _statement(period: date, product_id: int | None, today: date) -> tuple[str, tuple]:
    """The rows' statement after `given`, and its parameters after given's: one text for
    every page, month and day (one with a product chosen), planned once per connection."""
    accounts_sql, accounts_params = _accounts_sql(period, today)
    quantities_sql, quantities_params = _quantities_sql(period, product_id)
    coverage = bill_coverage_sql("ARRAY(SELECT id FROM bills WHERE status = 'issued')")
    products = Product.objects.order_by().values_list("pk", "name", "unit", "sort_order")
    # The parts: SQL that Django compiled or that we wrote, their values parameters.
    sql = ROWS.format(
        live_bill=LIVE_BILL,
        coverage=coverage,
        accounts=accounts_sql,
        quantities=quantities_sql,
        products=products.query.sql_with_params()[0],  # no parameters
    )
    return sql, (*live_bill_params(period), *accounts_params, *quantities_params)


# What a row shows of the customer and their money, in the accounts' columns.
ACCOUNT_FIELDS = (
    "pk",
    "name",
    "code",
    "phone",
    "area__name",
    "marketing_staff__username",
    "route_stop__delivery_boy__name",
    "billing_mode",
    "wallet_balance",
    "paid_in_month",
    "balance",
)


def on_page(field: str) -> Func:
    """`field` is one of the page's ids: `= ANY(array)`, which an index scans id by id
    (a join to the ids unnested was planned as a scan of the whole month)."""
    return Func(
        F(field),
        template="%(expressions)s = ANY((SELECT ids FROM page)::bigint[])",
        output_field=BooleanField(),
    )


def of_this_row(field: str) -> Func:
    """`field` is the customer of the statement's row (`m.id`: a lateral join's)."""
    return Func(F(field), template="%(expressions)s = m.id", output_field=BooleanField())


@lru_cache(maxsize=8)
def _accounts_sql(period: date, today: date) -> tuple[str, tuple]:
    """The page's customers with billing's formulas (with_balances, with_wallet_column:
    today's billing mode) and their payments in the month."""
    paid = (
        bill_payments()
        .filter(customer=OuterRef("pk"), paid_on__range=(period, month_end(period)))
        .order_by()
        .values("customer")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    customers = with_wallet_column(
        with_balances(Customer.objects.filter(on_page("pk"))), today=today
    ).annotate(paid_in_month=money_or_zero(paid))
    return customers.order_by().values_list(*ACCOUNT_FIELDS).query.sql_with_params()


@lru_cache(maxsize=8)
def _quantities_sql(period: date, product_id: int | None) -> tuple[str, tuple]:
    """Per customer and product of the page: the days and quantities of its deliveries
    as two arrays, in their text (the key its row is kept by, billing.grid_pivot; a day
    twice: its two shifts, added up by the pivot) and their amount
    (each delivery rounded as billing does). Read customer by customer (a lateral join:
    the index on customer and date, whatever the planner guesses of a month's size —
    over the page's ids at once, a generic plan scanned the whole month). The arrays are
    filled by the same rows in the same order, so they pair up: no ORDER BY."""
    deliveries = (
        billable(GridFilters(period=period, product_id=product_id))
        .filter(of_this_row("customer_id"))
        .annotate(amount=billed_amount())
        .values_list("product_id", "date", "delivered_qty", "amount")
        .order_by()
    )
    day_sql, day_params = deliveries.query.sql_with_params()
    # day_sql is SQL that Django compiled from a queryset, its values parameters.
    sql = (
        "SELECT m.id AS customer_id, d.product_id, d.days, d.quantities, d.amount"  # noqa: S608
        # The day of the month by date arithmetic (extract() makes a numeric per row).
        " FROM given m CROSS JOIN LATERAL (SELECT product_id,"
        " array_agg(date - %s::date + 1)::text, array_agg(quantity)::text, sum(amount)"
        f" FROM ({day_sql}) x (product_id, date, quantity, amount)"
        " GROUP BY product_id) d (product_id, days, quantities, amount)"
    )
    return sql, (period, *day_params)
