"""Shared links for a substitute with no login (/s/<token>/) and the staff pages for them."""

import datetime as dt
from datetime import timedelta

from django.utils import timezone

from customers.tests.factories import CustomerFactory
from deliveries.services import assign_to_route, create_link
from earlybird.models import ThrottleCounter
from orders.models import Order
from orders.tests.factories import ProductFactory, SubscriptionFactory

MORNING, EVENING = Order.Shift.MORNING, Order.Shift.EVENING
WRITES = ("INSERT", "UPDATE", "DELETE")
COUNTER_TABLE = ThrottleCounter._meta.db_table


def today() -> dt.date:
    return timezone.localdate()


def customer_on(boy, *, name: str | None = None, shift: str = MORNING, product=None):
    """A customer with a daily subscription from today, on `boy`'s route."""
    customer = CustomerFactory(**({"name": name} if name else {}))
    SubscriptionFactory(
        customer=customer, start_date=today(), shift=shift, product=product or ProductFactory()
    )
    assign_to_route(customer=customer, delivery_boy=boy)
    return customer


def make_link(boy, *, shift: str = MORNING, valid_from=None, valid_until=None):
    valid_from = valid_from or today()
    return create_link(
        delivery_boy=boy,
        shift=shift,
        valid_from=valid_from,
        valid_until=valid_until or valid_from,
        expires_at=timezone.now() + timedelta(hours=6),
        created_by=None,
    )


def route_url(token: str) -> str:
    return f"/s/{token}/"


def stop_url(token: str, customer, action: str = "confirm") -> str:
    return f"/s/{token}/stops/{customer.pk}/{action}/"


def type_name(client, token: str, name: str = "Ravi Kumar"):
    return client.post(f"/s/{token}/name/", {"name": name})


def writes_in(queries) -> list[str]:
    """The writing statements, but for the rate limiter's own counts (every request,
    valid or not, is counted in the shared counter table: earlybird.counters)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(WRITES) and COUNTER_TABLE not in q["sql"]
    ]
