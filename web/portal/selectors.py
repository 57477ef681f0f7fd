"""Reads for the customer's own pages at /me/: orders, prices, and the note on the UPI
pay link (the link itself: billing.upi). The delivery calendar is web.portal.agenda's. The balance, the bills and a
bill's statement are billing's reads (billing.selectors), the same as the staff pages
and the API show.

Each read runs a fixed number of queries, whatever the number of orders, days or bills.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, F, Func, Prefetch, Q, QuerySet, Value
from django.utils import timezone

from billing.models import Bill
from customers.models import Customer
from earlybird.prepared import prepared_cursor
from earlybird.sessions import NOT_READ, user_row
from orders.models import DayOverride, Order, OrderLine, OrderPause, Product
from orders.selectors import with_prices
from orders.services import customer_cutoff_passed

CALENDAR_DAYS_AHEAD = 30

# Orders that may still deliver something: not stopped, not cancelled.
_FINISHED = (Order.Status.STOPPED, Order.Status.CANCELLED)


def customer_of(user) -> Customer | None:
    """The signed-in user's customer, as their session read it (earlybird.sessions)."""
    if not user.is_authenticated:
        return None
    customer = user_row(user, Customer)
    if customer is NOT_READ:  # a session read without it
        customer = Customer.objects.filter(user=user).first()
    return customer


def first_open_day(*, now=None) -> date:
    """The first day a customer may still change (the cut-off is the evening before)."""
    day = timezone.localdate(now)
    while customer_cutoff_passed(day=day, now=now):
        day += timedelta(days=1)
    return day


# --- orders ---------------------------------------------------------------------------


def open_orders(*, customer: Customer, today: date, until: date | None = None) -> list[Order]:
    """The customer's orders that have days left from `today` on, with their lines
    (and products), their overrides from today to `until` and their pauses that have not
    ended, prefetched: four queries, ready for orders.schedule.schedule_of."""
    until = until or today + timedelta(days=CALENDAR_DAYS_AHEAD)
    overrides = DayOverride.objects.filter(date__gte=today, date__lte=until)
    lines = OrderLine.objects.select_related("product").prefetch_related(
        Prefetch("overrides", queryset=overrides)
    )
    pauses = OrderPause.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    return list(
        Order.objects.filter(customer=customer)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .exclude(status__in=_FINISHED)
        .prefetch_related(Prefetch("lines", queryset=lines), Prefetch("pauses", queryset=pauses))
        .order_by("kind", "start_date", "pk")
    )


def own_order(*, customer: Customer, order_id: int, today: date) -> Order | None:
    """One of the customer's own orders (None for anyone else's), prefetched like
    open_orders."""
    until = today + timedelta(days=CALENDAR_DAYS_AHEAD * 3)
    overrides = DayOverride.objects.filter(date__gte=today, date__lte=until)
    lines = OrderLine.objects.select_related("product").prefetch_related(
        Prefetch("overrides", queryset=overrides)
    )
    pauses = OrderPause.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    return (
        Order.objects.filter(customer=customer, pk=order_id)
        .prefetch_related(Prefetch("lines", queryset=lines), Prefetch("pauses", queryset=pauses))
        .first()
    )


def products_for_sale() -> QuerySet[Product]:
    return Product.objects.filter(is_active=True)


def priced(products: QuerySet[Product], *, customer: Customer, on: date) -> QuerySet[Product]:
    """Products with the price in force `on` a day (orders.selectors.with_prices: `price`,
    and the next one, `next_price` from `next_from`), and `your_price`: what this
    customer pays that day, their own price if they have one (orders_price_on, the rule
    generation prices deliveries by). One query."""
    return with_prices(products, on=on).annotate(
        your_price=Func(
            Value(customer.pk),
            F("pk"),
            Value(on),
            function="orders_price_on",
            output_field=DecimalField(max_digits=12, decimal_places=2),
        )
    )


def prices_on(*, customer: Customer, product_ids, on: date) -> dict:
    """{product id: what the customer pays for one unit `on` a day}. One query."""
    rows = priced(Product.objects.filter(pk__in=list(product_ids)), customer=customer, on=on)
    return {pk: price for pk, price in rows.values_list("pk", "your_price")}


# --- the calendar's rows: plain statements, one text whatever the customer -----------------

# A customer's delivery rows from one day to another (cancelled ones left out), in the
# calendar's order, with their product's name and unit: tuples, no model instances.
_DELIVERED = """
SELECT d.date, d.shift, d.status, d.ordered_qty, d.delivered_qty, d.unit_price, d.reason,
       p.name, p.unit
  FROM deliveries_delivery d JOIN orders_product p ON p.id = d.product_id
 WHERE d.customer_id = %s AND d.date BETWEEN %s AND %s AND d.status <> 'cancelled'
 ORDER BY d.date, d.shift, p.sort_order, p.name, d.id
"""

# Every price of some products: the customer's own (true) and the products' (false),
# latest first.
_PRICES = """
SELECT true, product_id, effective_from, price FROM orders_customerprice
 WHERE customer_id = %s AND product_id = ANY(%s)
UNION ALL
SELECT false, product_id, effective_from, price FROM orders_productprice
 WHERE product_id = ANY(%s)
 ORDER BY 3 DESC
"""


def delivered_rows(*, customer_id: int, start: date, end: date) -> list[tuple]:
    """(date, shift, status, ordered_qty, delivered_qty, unit_price, reason, product name,
    unit) of the customer's deliveries from `start` to `end`, not cancelled. One query."""
    with prepared_cursor() as cursor:
        cursor.execute(_DELIVERED, [customer_id, start, end])
        return cursor.fetchall()


def price_rows(*, customer_id: int, product_ids) -> list[tuple[bool, int, date, Decimal]]:
    """(the customer's own?, product id, effective from, price) of every price of these
    products, latest first. One query."""
    ids = sorted(product_ids)
    with prepared_cursor() as cursor:
        cursor.execute(_PRICES, [customer_id, ids, ids])
        return cursor.fetchall()


# --- money: the balance, the bills and a bill's statement are billing's reads ----------


def pay_note(*, customer: Customer, bill: Bill | None) -> str:
    """The note on the UPI pay link: the bill's code (if any) and the customer's."""
    if bill is not None and bill.code:
        return f"{bill.code} {customer.code}"
    return f"{customer.code}"


def own_order_for_day(*, order: Order, day: date) -> Order:
    """The order again with its lines, that day's overrides and all its pauses: what
    orders.schedule needs to answer for one day, whatever the day."""
    lines = OrderLine.objects.select_related("product").prefetch_related(
        Prefetch("overrides", queryset=DayOverride.objects.filter(date=day))
    )
    return Order.objects.prefetch_related(Prefetch("lines", queryset=lines), "pauses").get(
        pk=order.pk
    )
