"""The load sheet at /d/load/ (boy:load): what a delivery boy picks up at the dairy for
today and tomorrow, per shift, per product, with litres and kg, from one query."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from deliveries.selectors_boy import load_sheet
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.route_fixtures import bulk_route
from orders.models import Product
from orders.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_the_load_sheet_adds_his_packets_up_per_shift_in_litres_and_kg(
    client, django_assert_num_queries
):
    boy = DeliveryBoyFactory()
    today = timezone.localdate()
    milk = ProductFactory(name="Toned milk 500 ml", unit=Product.Unit.PACKET)
    curd = ProductFactory(name="Curd 200 g", unit=Product.Unit.PACKET)
    bulk_route(boy, 3, products=[milk, curd], quantity="2")
    bulk_route(boy, 2, products=[milk], quantity="1", shift="evening")
    bulk_route(DeliveryBoyFactory(), 4, products=[milk], quantity="5")  # not his
    with django_assert_num_queries(1):
        sheet = load_sheet(delivery_boy=boy, days=[today, today + timedelta(days=1)])
    assert [(s.day, s.shift) for s in sheet] == [(today, "morning"), (today, "evening")]
    morning, evening = sheet
    assert [(r.product, r.quantity) for r in morning.rows] == [
        ("Curd 200 g", 6),  # same sort order: by name
        ("Toned milk 500 ml", 6),
    ]
    assert (morning.totals.litres, morning.totals.kg) == (Decimal("3"), Decimal("1.2"))
    assert evening.totals.litres == 1

    client.force_login(boy.user)
    page = client.get(reverse("boy:load")).content.decode()
    assert "6 packets" in page
    assert "3 L" in page and "1.2 kg" in page
    assert "Morning" in page and "Evening" in page
