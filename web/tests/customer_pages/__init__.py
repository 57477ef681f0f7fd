"""Staff customer pages: list, detail, create (login + first subscription), edit, activate.

The cast: the marketer who owns the customer, a colleague in another staff role, and
outsiders (another marketer, a delivery boy, a customer, nobody logged in).
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import Bill, Payment
from customers.models import Customer
from customers.tests.factories import AreaFactory, UserFactory
from deliveries.models import RouteStop
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles

User = get_user_model()


def today() -> dt.date:
    return timezone.localdate()


def staff(role: str, **kwargs):
    return UserFactory(roles=[role], **kwargs)


def login(client, user):
    client.force_login(user)
    return user


def issue_bill(customer, *, total: str, period=dt.date(2026, 1, 1), number: int = 1) -> Bill:
    return Bill.objects.create(
        customer=customer,
        period=period,
        status=Bill.Status.ISSUED,
        code=f"BI-{period:%Y%m}-{number:04d}",
        issued_at=timezone.now(),
        charges=Decimal(total),
        total=Decimal(total),
    )


def bulk_customers(count: int, **fields) -> list[Customer]:
    """Many customers fast for query-count tests: users and customers in two inserts,
    half of them on a route, each tenth with a bill and a payment."""
    start = Customer.objects.count() + User.objects.count() + 1
    users = User.objects.bulk_create(
        User(username=f"7{start + n:09d}", password="!") for n in range(count)
    )
    Group.objects.get(name=roles.CUSTOMER).user_set.add(*users)
    area = AreaFactory()
    customers = Customer.objects.bulk_create(
        Customer(
            user=user,
            code=f"CU-BULK-{start + n:06d}",
            name=f"Bulk customer {start + n:06d}",
            phone=user.username,
            area=area,
            **{"status": Customer.Status.ACTIVE, **fields},
        )
        for n, user in enumerate(users)
    )
    boy = DeliveryBoyFactory()
    RouteStop.objects.bulk_create(
        RouteStop(delivery_boy=boy, customer=customer, position=n + 1)
        for n, customer in enumerate(customers[::2])
    )
    for n, customer in enumerate(customers[::10]):
        issue_bill(customer, total="100", number=start + n)
        Payment.objects.create(
            customer=customer,
            code=f"PA-BULK-{start + n:06d}",
            amount=Decimal("40"),
            method=Payment.Method.CASH,
            paid_on=today(),
        )
    return customers


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)
