"""Pages filled into a kept frame (earlybird.frames): byte for byte what their template
draws in full, whoever asks, in whichever language, whatever changed in between; and a
frame never carries one request's values into another's page."""

import re
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from billing.services import issue_bills, run_billing
from billing.tests.factories import accounts_user
from billing.tests.test_grid import JAN, bulk_month
from customers.tests.factories import UserFactory
from deliveries.models import Delivery
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.route_fixtures import bulk_route
from earlybird import frames, roles
from orders.tests.factories import ProductFactory
from web.tests.customer_pages import bulk_customers, login, staff

pytestmark = pytest.mark.django_db

# Each drawing has its own CSRF token and one-time key: compared as placeholders.
PER_REQUEST = re.compile(r'(name="(?:csrfmiddlewaretoken|once)" value=")[^"]+"')


def drawn(client, url: str, *, kept: bool, **query) -> str:
    with override_settings(KEEP_PAGE_FRAMES=kept):
        response = client.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def framed_and_full(client, url: str, **query) -> tuple[str, str]:
    """The page drawn twice from its frame (the second from the kept one), then in full."""
    first = drawn(client, url, kept=True, **query)
    again = drawn(client, url, kept=True, **query)
    assert PER_REQUEST.sub(r"\1…", first) == PER_REQUEST.sub(r"\1…", again)
    full = drawn(client, url, kept=False, **query)
    return PER_REQUEST.sub(r"\1…", again), PER_REQUEST.sub(r"\1…", full)


@pytest.fixture(autouse=True)
def no_kept_frames():
    frames._frames.clear()
    yield
    frames._frames.clear()


def test_the_route_page_from_its_frame_is_the_page_its_template_draws(client):
    boys = [DeliveryBoyFactory(name=name) for name in ("Ravi", "Suresh <b>")]
    stops = {boy.pk: bulk_route(boy, 5) for boy in boys}
    url = reverse("boy:route")
    for boy in boys:
        client.force_login(boy.user)
        for language in ("en-in", "hi", "te"):
            client.post(reverse("language"), {"language": language, "next": url})
            for query in (
                {"shift": "morning"},
                {"shift": "evening"},
                {"shift": "morning", "part": "1"},
            ):
                framed, full = framed_and_full(client, url, **query)
                assert framed == full
                assert boy.user.get_username() in framed
                assert all(
                    other.user.get_username() not in framed for other in boys if other != boy
                )
                # The language switch returns to this very page (the path is a hole).
                assert 'name="next" value="/d/?shift=' in framed
        # A stop confirmed: the frame is kept, the counts and the stop are the request's.
        client.post(reverse("language"), {"language": "en-in", "next": url})
        Delivery.objects.filter(customer=stops[boy.pk][0]).update(
            status=Delivery.Status.DELIVERED,
            delivered_qty=Decimal(2),
            confirmed_by=boy.user,
            confirmed_via=Delivery.Via.DELIVERY_BOY,
            confirmed_at=timezone.now(),
        )
        framed, full = framed_and_full(client, url, shift="morning")
        assert framed == full
        assert "<strong>1 of 5</strong>" in framed


def test_a_route_with_nothing_to_show_and_an_evening_frame_are_their_own(client):
    boy = DeliveryBoyFactory()
    client.force_login(boy.user)
    for shift in ("morning", "evening"):
        framed, full = framed_and_full(client, reverse("boy:route"), shift=shift)
        assert framed == full
        assert "Nothing generated for" in framed
    bulk_route(boy, 2)
    framed, full = framed_and_full(client, reverse("boy:route"), shift="morning")
    assert framed == full and 'id="stop-' in framed  # not the frame of an empty route


def test_messages_are_shown_once_on_a_framed_page(client):
    boy = DeliveryBoyFactory()
    bulk_route(boy, 1)
    client.force_login(boy.user)
    url = reverse("boy:route")
    drawn(client, url, kept=True)  # the frame is kept
    client.post(reverse("boy:act"), {"act": "nonsense:1", "shift": "morning"})  # an error
    with_message = drawn(client, url, kept=True, shift="morning")
    assert "Tap one of the buttons of a stop." in with_message
    assert "Tap one of the buttons of a stop." not in drawn(client, url, kept=True)


def test_the_customer_list_from_its_frame_is_the_page_its_template_draws(client):
    bulk_customers(60)
    url = reverse("customers:list")
    users = [
        staff(roles.ADMIN, username="admin-a"),
        staff(roles.SUPPORT, username="support-<s>"),
        staff(roles.MARKETING, username="marketing-m"),
        staff(roles.ACCOUNTS, username="accounts-c"),
    ]
    for user in users:
        login(client, user)
        for query in (
            {},
            {"page": "2"},
            {"q": "bulk", "page": "2"},
            {"q": "nobody"},
            {"status": "active"},
        ):
            framed, full = framed_and_full(client, url, **query)
            assert framed == full
            assert user.get_username().replace("<", "&lt;").replace(">", "&gt;") in framed
    # Whether the page offers "New customer" is the person's: their frame says so.
    login(client, users[0])
    assert "New customer" in drawn(client, url, kept=True)
    login(client, users[3])
    assert "New customer" not in drawn(client, url, kept=True)


def test_the_grid_from_its_frame_is_the_page_its_template_draws(client):
    milk = ProductFactory(name="Cow milk <500 ml>", price="30.00", sort_order=1)
    curd = ProductFactory(name="Curd 200 g", price="25.00", sort_order=2)
    bulk_month(first=1, count=60, products=[milk, curd])
    run_billing(period=JAN)
    issue_bills(period=JAN)
    url = reverse("billing:grid")
    for user in (accounts_user(), staff(roles.ADMIN, username="admin-<a>")):
        login(client, user)
        for query in (
            {},
            {"month": "2026-01"},
            {"month": "2026-01", "page": "2"},
            {"month": "2026-01", "totals": "month", "page": "2"},
            {"month": "2026-01", "product": str(milk.pk)},
            {"month": "2026-01", "payment_status": "unpaid"},
            {"month": "2026-02"},
        ):
            framed, full = framed_and_full(client, url, **query)
            assert framed == full
    assert (
        "Cow milk &lt;500 ml&gt; only"
        in framed_and_full(client, url, month="2026-01", product=str(milk.pk))[0]
    )


def test_a_kept_frame_is_kept_by_person_and_language_not_shared(client):
    first, second = UserFactory(roles=[roles.SUPPORT]), UserFactory(roles=[roles.SUPPORT])
    url = reverse("customers:list")
    login(client, first)
    drawn(client, url, kept=True)
    login(client, second)
    page = drawn(client, url, kept=True)
    assert f"Log out {second.get_username()}" in page
    assert f"Log out {first.get_username()}" not in page
    assert len(frames._frames) == 2


def test_the_frames_kept_are_bounded(client, monkeypatch):
    monkeypatch.setattr(frames._frames, "size", 2)
    url = reverse("customers:list")
    for _ in range(3):
        login(client, staff(roles.SUPPORT))
        drawn(client, url, kept=True)
    assert len(frames._frames) <= 2
