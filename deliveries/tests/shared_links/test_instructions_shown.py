"""The customer's delivery instructions on the substitute's route and the staff daily
sheet (customers.Customer.delivery_instructions)."""

import pytest
from django.urls import reverse

from customers.models import Customer
from customers.tests.factories import UserFactory
from deliveries.tests.shared_links import route_url, today, type_name
from earlybird import roles

pytestmark = pytest.mark.django_db

SAID = "Leave the packets in the bag on the gate"


def test_the_substitute_and_the_daily_sheet_show_the_instructions(client, route):
    boy, customer, _link, token = route
    Customer.objects.filter(pk=customer.pk).update(delivery_instructions=SAID)
    type_name(client, token)
    assert f'<p class="instructions">{SAID}</p>' in client.get(route_url(token)).content.decode()

    client.force_login(UserFactory(roles=[roles.SUPPORT]))
    sheet = client.get(
        reverse("deliveries:daily_sheet", args=[boy.pk]),
        {"date": today().isoformat(), "shift": "morning"},
    ).content.decode()
    assert f'<em class="instructions">{SAID}</em>' in sheet


def test_no_instructions_no_empty_line(client, route):
    _boy, _customer, _link, token = route
    type_name(client, token)
    assert 'class="instructions"' not in client.get(route_url(token)).content.decode()
