"""Reads for the staff customer pages: the list with balances, and everything a
customer's page shows — its orders (orders), deliveries and route (deliveries), bills,
payments and balance (billing).

Every function here runs a fixed number of queries, whatever the number of customers,
orders, deliveries or bills.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from billing.models import Bill, Payment
from billing.selectors import ZERO, with_balances
from billing.selectors.wallet_overview import with_wallet_column
from customers import selectors as customer_selectors
from customers.models import Customer
from deliveries.models import Delivery
from earlybird import changes
from earlybird.months import month_after
from earlybird.prepared import prepared_cursor
from orders.models import CustomerPrice, Order
from web.staff.calendar import CalendarDay, describe_ahead, month_calendar, orders_for_calendar

RECENT_BILLS = 12
RECENT_PAYMENTS = 20
RECENT_ONE_TIME_DAYS = 60


class ListRow(NamedTuple):
    """A customer as the list shows it (web/staff/customers/list_rows.py): read as plain
    values, not five model instances per row; with its balance, billing mode today and
    wallet balance. Equal rows draw the same markup, which the list keeps by row."""

    pk: int
    name: str
    code: str
    phone: str
    status: str
    area: str | None
    marketer: str | None
    position: int | None
    route: str | None  # the delivery boy's name, None on no route
    balance: Decimal = ZERO
    billing_mode: str = ""
    wallet_balance: Decimal = ZERO


LIST_VALUES = (
    "pk",
    "name",
    "code",
    "phone",
    "status",
    "area__name",
    "marketing_staff__username",
    "route_stop__position",
    "route_stop__delivery_boy__name",
)


MAX_PAGE = 100_000  # a larger ?page= is past the end anyway
LIST_ORDER = ("name", "pk")  # customers.selectors.customer_list's, written in _page_sql


def list_page(*, number, per_page: int, **filters) -> Page:
    """One page of customers.selectors.customer_list (same filters) as ListRows, with each
    row's balance, billing mode today and wallet: one query whatever the number of
    customers. The list is counted and the page cut from it in its order by an offset (a
    parameter: one SQL text for every page), then the money read for the page's rows
    only with billing's formulas (with_balances, with_wallet_column). A page past the end
    (or below 1) is the last one, as Paginator.get_page has it."""
    customers = customer_selectors.customer_list(**filters)
    try:
        number = min(int(number), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    rows = _page_rows(customers, number, per_page) if number >= 1 else []
    if not rows and number != 1:
        number = max(-(-customers.count() // per_page), 1)
        rows = _page_rows(customers, number, per_page)
    count = rows[0][1] if rows else 0
    return Page([row for row, _ in rows], number, Paginator(range(count), per_page))


def _page_rows(customers: QuerySet, number: int, per_page: int) -> list[tuple[ListRow, int]]:
    """[(row, count of the whole list)] of page `number`. Only the list's filters are
    compiled on each view; the statement around them is built once per filter shape."""
    if tuple(customers.query.order_by) != LIST_ORDER:
        raise ValueError(f"The list's order is {LIST_ORDER}, as its SQL says.")
    try:
        list_sql, list_params = (
            customers.values_list("pk", "name").order_by().query.sql_with_params()
        )
    except EmptyResultSet:  # customers.none(): nobody to list
        return []
    sql, rows_params = _page_sql(list_sql, int(per_page), timezone.localdate())
    with prepared_cursor() as cursor:
        found = changes.fetchall(cursor, sql, (*list_params, (number - 1) * per_page, *rows_params))
        return [
            (ListRow(*values, balance.quantize(ZERO), mode, wallet), of)
            for *values, balance, mode, wallet, of in found
        ]


@lru_cache(maxsize=64)
def _page_sql(list_sql: str, per_page: int, today: date) -> tuple[str, tuple]:
    """The page's statement around the list's SQL (its filters, evaluated once) and the
    parameters of its rows' part. The list is counted and cut to the page by an offset,
    a top-N sort to the page's end rather than numbering every row; the page's size is in
    the text (a constant: one text still), so that the planner knows the page is a few
    rows and reads their money by key."""
    rows_sql, rows_params = _rows_sql(today)
    # Both parts are SQL that Django compiled from querysets, their values parameters.
    sql = (
        "WITH page (pk, name, of) AS MATERIALIZED ("  # noqa: S608
        f" SELECT pk, name, COUNT(*) OVER () FROM ({list_sql}) listed (pk, name)"
        f" ORDER BY name, pk OFFSET %s LIMIT {per_page})"
        f" SELECT row.*, page.of FROM page JOIN ({rows_sql}) row ON row.pk = page.pk"
        " ORDER BY page.name, page.pk"
    )
    return sql, rows_params


@lru_cache(maxsize=2)
def _rows_sql(today: date) -> tuple[str, tuple]:
    """What a row shows of each customer of `page` (the CTE above), its balance, billing
    mode today and wallet included: compiled once a day, the same text on every view."""
    # `id = ANY(ARRAY(…))`, not `id IN (SELECT …)`: the page's rows are read by their key,
    # whatever the planner guesses of the page's size (a semi-join scanned the table).
    on_page = Customer.objects.filter(
        RawSQL(
            '"customers_customer"."id" = ANY(ARRAY(SELECT pk FROM page))',
            (),
            output_field=BooleanField(),
        )
    )
    rows = with_wallet_column(with_balances(on_page), today=today).order_by()
    values = (*LIST_VALUES, "balance", "billing_mode", "wallet_balance")
    return rows.values_list(*values).query.sql_with_params()


@dataclass
class CustomerPage:
    customer: Customer
    subscriptions: list[Order]
    one_time_orders: list[Order]
    month: date
    weeks: list[list[CalendarDay]]
    bills: list[Bill]
    payments: list[Payment]
    special_prices: list[CustomerPrice]
    upcoming_from: date


def customer_page(*, customer_id: int, user, month: date, today: date | None = None):
    """Everything the customer's staff page shows, or None if the user may not see it.

    A fixed number of queries (about ten): the customer with its balance, orders,
    their lines, overrides and pauses, the month's deliveries, recent bills, recent
    payments and special prices.
    """
    today = today or timezone.localdate()
    customer = (
        with_balances(customer_selectors.customers_visible_to(user))
        .select_related("area", "marketing_staff", "route_stop__delivery_boy", "user")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        return None
    since = min(today, month)
    # Every subscription; one-time orders of the shown month and of the last weeks on,
    # not years of them.
    orders = list(
        orders_for_calendar(
            Order.objects.filter(customer=customer)
            .filter(
                Q(kind=Order.Kind.SUBSCRIPTION)
                | Q(start_date__gte=min(since, today - timedelta(days=RECENT_ONE_TIME_DAYS)))
            )
            .order_by("-start_date", "-pk"),
            since=since,
        )
    )
    for order in orders:
        describe_ahead(order, today=today)
    subscriptions = [o for o in orders if o.kind == Order.Kind.SUBSCRIPTION]
    one_time = [o for o in orders if o.kind == Order.Kind.ONE_TIME]
    deliveries = list(
        Delivery.objects.filter(customer=customer, date__gte=month, date__lt=month_after(month))
        .exclude(status=Delivery.Status.CANCELLED)
        .select_related("product", "order")
        .order_by("date", "shift", "product__sort_order", "pk")
    )
    live = [o for o in orders if o.end_date is None or o.end_date >= month]
    weeks = month_calendar(
        month=month,
        orders=live,
        deliveries=deliveries,
        customer_status=customer.status,
        today=today,
    )
    bills = list(
        Bill.objects.filter(customer=customer)
        .exclude(status=Bill.Status.VOID)
        .order_by("-period", "-pk")[:RECENT_BILLS]
    )
    payments = list(
        Payment.objects.filter(customer=customer)
        .select_related("received_by")
        .order_by("-paid_on", "-pk")[:RECENT_PAYMENTS]
    )
    special_prices = list(
        CustomerPrice.objects.filter(customer=customer)
        .select_related("product")
        .order_by("product__sort_order", "product__name", "-effective_from")
    )
    return CustomerPage(
        customer=customer,
        subscriptions=subscriptions,
        one_time_orders=one_time,
        month=month,
        weeks=weeks,
        bills=bills,
        payments=payments,
        special_prices=special_prices,
        upcoming_from=today,
    )
