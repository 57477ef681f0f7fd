"""The route page in windows (deliveries/route_rows.py, issue 18): a long route is shown
WINDOW stops at a time, opening where the round is; every window a link away with
JavaScript off; the counts are the whole route's; a tap comes back to its stop's window."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from deliveries import route_rows
from deliveries.models import Delivery
from deliveries.tests.route_fixtures import bulk_route
from earlybird.idempotency import issue_form_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def eight(boy, monkeypatch):
    """Eight stops in windows of three: 1–3, 4–6, 7–8."""
    monkeypatch.setattr(route_rows, "WINDOW", 3)
    return bulk_route(boy, 8)


def deliver(boy, customers):
    Delivery.objects.filter(customer__in=customers).update(
        status=Delivery.Status.DELIVERED,
        delivered_qty=Decimal(2),
        confirmed_by=boy.user,
        confirmed_via=Delivery.Via.DELIVERY_BOY,
        confirmed_at=timezone.now(),
    )


def shown(page: str, customers) -> list[int]:
    """Positions (from 1) of the customers whose stop the page shows."""
    return [n for n, c in enumerate(customers, 1) if f'id="stop-{c.pk}"' in page]


def route(client, **query) -> str:
    return client.get(reverse("boy:route"), {"shift": "morning", **query}).content.decode()


def test_the_page_opens_on_the_window_of_his_first_stop_not_done(client, boy, eight):
    deliver(boy, eight[:4])
    page = route(client)
    assert shown(page, eight) == [4, 5, 6]
    assert "<strong>4 of 8</strong> done · 4 left" in page  # the whole route's counts
    parts = re.search(r'<nav class="route-parts".*?</nav>', page)[0]
    assert '<strong aria-current="page">4–6</strong>' in parts
    assert 'href="?shift=morning&amp;part=1">1–3</a>' in parts
    assert 'href="?shift=morning&amp;part=3">7–8</a>' in parts


def test_every_window_is_a_link_away_and_a_window_past_the_end_shows_the_last(client, boy, eight):
    assert shown(route(client, part=1), eight) == [1, 2, 3]
    assert shown(route(client, part=3), eight) == [7, 8]
    assert shown(route(client, part=99), eight) == [7, 8]
    assert shown(route(client, part="x"), eight) == [1, 2, 3]  # nothing done: the first
    assert shown(route(client, part="-2"), eight) == [1, 2, 3]


def test_a_stop_asked_for_opens_its_window(client, boy, eight):
    assert shown(route(client, stop=eight[6].pk), eight) == [7, 8]
    assert shown(route(client, stop=eight[4].pk, part=1), eight) == [4, 5, 6]
    assert shown(route(client, stop=999_999_999), eight) == [1, 2, 3]  # not his: ignored


def test_a_tap_with_javascript_off_comes_back_to_the_window_of_its_stop(client, boy, eight):
    last = eight[7]
    response = client.post(
        reverse("boy:act"),
        {
            "act": f"delivered:{last.pk}",
            "shift": "morning",
            "once": issue_form_key(user=boy.user, operation="boy:act"),
        },
        follow=True,
    )
    url = f"{reverse('boy:route')}?shift=morning&stop={last.pk}#stop-{last.pk}"
    assert response.redirect_chain[-1][0] == url
    page = response.content.decode()
    assert shown(page, eight) == [7, 8]
    assert "<strong>1 of 8</strong> done" in page
    assert Delivery.objects.get(customer=last).status == Delivery.Status.DELIVERED


def test_the_phone_is_told_the_counts_of_the_other_windows(client, boy, eight):
    """route.js counts the stops it shows done and adds these."""
    deliver(boy, [eight[0], eight[4]])
    page = route(client, part=1)
    line = re.search(r'<p class="progress"[^>]*>', page)[0]
    assert 'data-done-elsewhere="1"' in line  # stop 5
    assert 'data-total-elsewhere="5"' in line  # stops 4–8


def test_a_route_of_one_window_has_no_window_links(client, boy, monkeypatch):
    monkeypatch.setattr(route_rows, "WINDOW", 3)
    customers = bulk_route(boy, 3)
    page = route(client)
    assert shown(page, customers) == [1, 2, 3]
    assert "route-parts" not in page


def test_tomorrow_is_in_windows_too(client, boy, monkeypatch):
    monkeypatch.setattr(route_rows, "WINDOW", 3)
    customers = bulk_route(boy, 5, day=timezone.localdate() + timedelta(days=1))
    page = client.get(reverse("boy:tomorrow"), {"shift": "morning", "part": 2}).content.decode()
    assert shown(page, customers) == [4, 5]
    assert "5 stops" in page
    assert 'href="?shift=morning&amp;part=1">1–3</a>' in page


def test_the_window_reads_the_amount_due_of_its_own_stops(boy, monkeypatch):
    """Extras (billing's amount due, the bottle balance) come for the window's customers."""
    from deliveries.selectors_boy import route_page

    monkeypatch.setattr(route_rows, "WINDOW", 3)
    customers = bulk_route(boy, 5, opening_balance=Decimal("120.50"))
    page = route_page(delivery_boy=boy, day=timezone.localdate(), shift="morning", part=2)
    assert [s.customer.pk for s in page.stops] == [customers[3].pk, customers[4].pk]
    assert [s.due for s in page.stops] == [Decimal("120.50")] * 2
    assert page.window.route_stops == 5 and page.window.parts == 2
