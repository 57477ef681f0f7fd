"""Holds on the delivery pages: the delivery boy's route (today and tomorrow), a
substitute's shared link and the staff daily sheet show a held customer's stop with the
reason, with no button to confirm it, in a number of queries that does not grow."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import CustomerFactory, UserFactory
from deliveries import holds
from deliveries.forms import day_label as label
from deliveries.models import Delivery, Hold
from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.shared_links import make_link, route_url, type_name
from earlybird import roles
from earlybird.idempotency import issue_form_key
from orders.models import Order
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

PAUSED = "Paused: low balance"


def today() -> dt.date:
    return timezone.localdate()


def route_with_holds(boy, *, stops: int, held_every: int = 2, day=None, shift="morning"):
    """`stops` customers on `boy`'s route with a daily subscription; every
    `held_every`-th one (the first included) held on `day`. Returns (held, served)."""
    day = day or today()
    product = ProductFactory()
    customers = []
    for n in range(stops):
        customer = CustomerFactory(name=f"Customer {n:03d}")
        SubscriptionFactory(customer=customer, product=product, start_date=today(), shift=shift)
        assign_to_route(customer=customer, delivery_boy=boy)
        customers.append(customer)
    held = customers[::held_every]
    reasons = {c.pk: Hold.Reason.LOW_BALANCE for c in held}
    with holds.registered(lambda day, needs: reasons):
        generate_deliveries(day=day)
    return held, [c for c in customers if c not in held]


def stop_html(page: str, customer) -> str:
    """The part of a route page about one customer's stop."""
    rest = page.split(f'id="stop-{customer.pk}"', 1)[1]
    return rest.split('id="stop-', 1)[0].split("</ol>", 1)[0]


@pytest.fixture
def support(client):
    user = UserFactory(roles=[roles.SUPPORT])
    client.force_login(user)
    return user


# --- the delivery boy -----------------------------------------------------------------


def test_a_held_stop_says_paused_low_balance_and_cannot_be_confirmed(client, boy):
    (held,), (served,) = route_with_holds(boy, stops=2)

    page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()

    stop = stop_html(page, held)
    assert held.name in stop and PAUSED in stop and "don't ring" in stop
    assert f'value="delivered:{held.pk}"' not in page
    assert f'value="cash:{held.pk}"' in stop  # he may still take a cash recharge at the door
    assert PAUSED not in stop_html(page, served)
    assert f'value="delivered:{served.pk}"' in page
    assert "0 of 1</strong> done" in page
    once = issue_form_key(user=boy.user, operation="boy:act")
    tap = {"act": f"delivered:{held.pk}", "shift": "morning", "once": once}
    response = client.post(reverse("boy:act"), tap)
    assert response.status_code == 404
    assert not Delivery.objects.filter(customer=held).exists()


def test_a_held_stop_is_in_its_route_position(client, boy):
    held, served = route_with_holds(boy, stops=3)  # stops 1 and 3 held, 2 served
    page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    order = [held[0], served[0], held[1]]
    positions = [page.index(f'id="stop-{c.pk}"') for c in order]
    assert positions == sorted(positions)


def test_a_held_stop_shows_only_in_the_shift_it_was_held_in(client, boy):
    (held,), _ = route_with_holds(boy, stops=2)
    page = client.get(reverse("boy:route"), {"shift": "evening"}).content.decode()
    assert held.name not in page
    assert PAUSED not in page


def test_tomorrows_route_shows_the_paused_stop_and_counts_it_apart(client, boy):
    tomorrow = today() + dt.timedelta(days=1)
    (held,), _ = route_with_holds(boy, stops=2, day=tomorrow)
    page = client.get(reverse("boy:tomorrow"), {"shift": "morning"}).content.decode()
    assert PAUSED in stop_html(page, held)
    assert "1 stop · 1 paused" in page


def test_a_day_on_which_everyone_is_held_is_still_a_generated_day(client, boy):
    route_with_holds(boy, stops=2, held_every=1)
    page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    assert "Nothing generated" not in page
    assert page.count(PAUSED) == 2


def _route_queries(client, boy, stops: int) -> int:
    route_with_holds(boy, stops=stops)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    assert page.count(PAUSED) == (stops + 1) // 2
    return len(queries.captured_queries)


def test_the_route_page_runs_the_same_queries_for_4_and_40_stops(client, boy):
    few = _route_queries(client, boy, 4)
    other = DeliveryBoyFactory()
    client.force_login(other.user)
    many = _route_queries(client, other, 40)
    assert few == many


def test_a_substitute_on_a_shared_link_sees_the_paused_stop_too(client):
    boy = DeliveryBoyFactory()
    (held,), (served,) = route_with_holds(boy, stops=2)
    _, token = make_link(boy, shift=Order.Shift.MORNING)
    type_name(client, token)

    page = client.get(route_url(token)).content.decode()

    assert PAUSED in stop_html(page, held)
    assert f"/s/{token}/stops/{held.pk}/confirm/" not in page
    assert f"/s/{token}/stops/{served.pk}/confirm/" in page
    assert "0 of 1</strong> done" in page


# --- the staff daily sheet ------------------------------------------------------------


def sheet(client, boy, day=None) -> str:
    url = reverse("deliveries:daily_sheet", args=[boy.pk])
    day = day or today()
    return client.get(url, {"date": day.isoformat(), "shift": "morning"}).content.decode()


def test_the_daily_sheet_lists_a_held_customer_with_the_reason(client, support):
    boy = DeliveryBoyFactory()
    (held,), (served,) = route_with_holds(boy, stops=2)

    page = sheet(client, boy)

    row = page.split(held.name, 1)[1].split("</tr>", 1)[0]
    assert PAUSED in row and "₹60.00" in row
    assert page.count('class="tick"') == 1  # only the served customer gets a tick box
    assert f"not to be delivered: {held.name} ({PAUSED})." in page
    assert PAUSED not in page.split(served.name, 1)[1].split("</tr>", 1)[0]


def _sheet_queries(client, stops: int) -> int:
    boy = DeliveryBoyFactory()
    route_with_holds(boy, stops=stops)
    with CaptureQueriesContext(connection) as queries:
        page = sheet(client, boy)
    assert page.count('class="tick"') == stops // 2
    assert page.count(f"<strong>{PAUSED}</strong>") == (stops + 1) // 2
    return len(queries.captured_queries)


def test_the_daily_sheet_runs_the_same_queries_for_4_and_40_stops(client, support):
    assert _sheet_queries(client, 4) == _sheet_queries(client, 40)


def test_generating_a_day_from_the_sheet_says_how_many_customers_were_held(client, support):
    tomorrow = today() + dt.timedelta(days=1)
    boy = DeliveryBoyFactory()
    customers = []
    for _ in range(2):
        order = SubscriptionFactory(start_date=today())
        assign_to_route(customer=order.customer, delivery_boy=boy)
        customers.append(order.customer)
    url = reverse("deliveries:daily_sheet", args=[boy.pk])
    held = {customers[0].pk: Hold.Reason.LOW_BALANCE}

    with holds.registered(lambda day, needs: held):
        response = client.post(url, {"date": tomorrow.isoformat(), "shift": "morning"})

    page = client.get(response.url).content.decode()
    assert (
        f"Generated {label(tomorrow)}: 1 new, 0 updated, 0 cancelled, 1 customer(s) held." in page
    )
    assert PAUSED in page.split(customers[0].name, 1)[1].split("</tr>", 1)[0]
