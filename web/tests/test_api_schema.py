"""Schemathesis against the API's own OpenAPI schema, in-process through the WSGI app.

Every operation gets a bounded number of generated requests (valid and invalid ones) on a
database that holds a little of everything, sent with a staff (admin role) token — and,
so that their own endpoints are exercised too, a customer's token under /me/ and a
delivery boy's on his route. No answer may be a server error, and every documented
answer must match its schema.
"""

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
import schemathesis
from django.core.cache import cache
from django.utils import timezone
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from billing.services import record_payment
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.services import assign_to_route, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from earlybird.wsgi import application
from orders.models import Order
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def tokens() -> Iterator[dict[str, str]]:
    """Tokens of an admin-role staff member, a customer and a delivery boy, on a database
    with a route, orders and money."""
    today = timezone.localdate()
    marketer = UserFactory(roles=[roles.MARKETING])
    product = ProductFactory()
    boy = DeliveryBoyFactory()
    for n in range(3):
        customer = CustomerFactory(marketing_staff=marketer, password="Milk-and-honey-26")
        SubscriptionFactory(customer=customer, product=product, start_date=today)
        SubscriptionFactory(
            customer=customer,
            product=ProductFactory(),
            start_date=today,
            pattern=Order.Pattern.WEEKDAYS,
            weekdays=[0, 3],
            shift=Order.Shift.EVENING,
        )
        OneTimeOrderFactory(customer=customer, product=product, delivery_date=today)
        assign_to_route(customer=customer, delivery_boy=boy)
        record_payment(customer=customer, amount=Decimal(100 + n), method="upi", paid_on=today)
    generate_deliveries(day=today)
    generate_deliveries(day=today + timedelta(days=1))
    admin = UserFactory(roles=[roles.ADMIN])
    yield {
        "staff": Token.objects.create(user=admin).key,
        "customer": Token.objects.create(user=customer.user).key,
        "delivery boy": Token.objects.create(user=boy.user).key,
    }
    # The token endpoint's generated logins all fail: lift the login throttle they set
    # off, or later tests logging in from the same address would be refused.
    cache.clear()


def token_for(path: str, tokens: dict[str, str]) -> str:
    if path.startswith("/api/v1/me/"):
        return tokens["customer"]
    if path == "/api/v1/route/":
        return tokens["delivery boy"]
    return tokens["staff"]


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_never_errors_and_always_answers_as_its_schema_says(case, tokens):
    token = token_for(case.operation.path, tokens)
    response = case.call(headers={"Authorization": f"Token {token}"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
