"""The cast and the products of the staff order pages' tests (orders' own pages here,
an order's page in web/tests/order_pages/): import the fixtures by name."""

import pytest

from customers.tests.factories import CustomerFactory
from earlybird import roles
from orders.models import Product
from orders.tests.factories import ProductFactory, SubscriptionFactory
from orders.tests.views import login, staff, today


@pytest.fixture
def marketer():
    return staff(roles.MARKETING)


@pytest.fixture
def milk():
    return ProductFactory(name="Cow milk", price="56.00")


@pytest.fixture
def curd():
    return ProductFactory(name="Curd 500 g", unit=Product.Unit.PACKET, price="35.00")


@pytest.fixture
def customer(marketer):
    return CustomerFactory(name="Asha Rao", marketing_staff=marketer)


@pytest.fixture
def subscription(customer, milk):
    return SubscriptionFactory(customer=customer, product=milk, start_date=today())


@pytest.fixture
def support(client):
    return login(client, staff(roles.SUPPORT))
