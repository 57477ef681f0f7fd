"""A substitute's name in any script, through gunicorn: the name is kept in a cookie, and
gunicorn sends headers as Latin-1 only (a Telugu name put in a cookie as it is was a 500
there, while the test client let it pass). Marked like the other gunicorn tests; it needs
no browser."""

import http.cookiejar
import re
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from django.utils import timezone

from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.services import assign_to_route, create_link, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from e2e import serving
from orders.models import Order
from orders.tests.factories import SubscriptionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn with the production settings, serving the test database."""
    with serving.gunicorn(workers=1, log=tmp_path / "gunicorn.log") as url:
        yield url


@pytest.mark.parametrize("name", ["రవి కుమార్", "राम प्रसाद"])
def test_a_substitute_named_in_telugu_or_hindi_confirms_through_gunicorn(gunicorn, name):
    today = timezone.localdate()
    boy = DeliveryBoyFactory()
    customer = CustomerFactory(name="Asha Rao")
    SubscriptionFactory(customer=customer, start_date=today, shift=Order.Shift.MORNING)
    assign_to_route(customer=customer, delivery_boy=boy)
    generate_deliveries(day=today)
    _, token = create_link(
        delivery_boy=boy,
        shift=Order.Shift.MORNING,
        valid_from=today,
        valid_until=today,
        expires_at=timezone.now() + timedelta(hours=2),
        created_by=None,
    )
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def post(path: str, page: str, data: dict) -> str:
        fields = {"csrfmiddlewaretoken": CSRF.search(page)[1], **data}
        body = urllib.parse.urlencode(fields).encode()
        with browser.open(f"{gunicorn}{path}", data=body, timeout=10) as response:
            assert response.status == 200  # after the redirect
            return response.read().decode()

    with browser.open(f"{gunicorn}/s/{token}/", timeout=10) as response:
        asked = response.read().decode()
    route = post(f"/s/{token}/name/", asked, {"name": name})
    assert f"Delivering as {name}" in route
    post(f"/s/{token}/stops/{customer.pk}/confirm/", route, {"action": "delivered"})

    delivery = Delivery.objects.get(customer=customer)
    assert (delivery.status, delivery.confirmed_by_name) == (Delivery.Status.DELIVERED, name)
