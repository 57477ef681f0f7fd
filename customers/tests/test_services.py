import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError

from customers.models import Customer
from customers.services import CustomerDetails, create_customer

pytestmark = pytest.mark.django_db


def test_it_creates_the_customer_with_a_login_that_works():
    customer = create_customer(
        details=CustomerDetails(name="Lakshmi Devi", phone="+91 98480-22338"), password="Milk-2026!"
    )
    assert customer.phone == "9848022338"
    assert customer.code.startswith("CU-")
    assert authenticate(username="098480 22338", password="Milk-2026!") == customer.user
    assert customer.user.groups.filter(name="customer").exists()


def test_a_duplicate_phone_is_a_clear_error_and_writes_nothing():
    create_customer(details=CustomerDetails(name="First", phone="9848022338"))
    with pytest.raises(ValidationError) as excinfo:
        create_customer(details=CustomerDetails(name="Second", phone="+919848022338"))
    assert "already belongs to customer First" in str(excinfo.value.message_dict["phone"])
    assert Customer.objects.count() == 1


def test_a_bad_phone_is_refused_before_anything_is_written():
    with pytest.raises(ValidationError) as excinfo:
        create_customer(details=CustomerDetails(name="Nobody", phone="12345"))
    assert "10-digit" in excinfo.value.message_dict["phone"][0]
    assert not Customer.objects.exists()


def test_pausing_a_customer_cancels_the_pending_deliveries_already_generated():
    import datetime as dt

    from django.utils import timezone

    from customers.services import update_customer
    from deliveries.models import Delivery
    from deliveries.services import generate_deliveries
    from orders.tests.factories import SubscriptionFactory

    today = timezone.localdate()
    order = SubscriptionFactory(start_date=today)
    generate_deliveries(day=today)
    generate_deliveries(day=today + dt.timedelta(days=1))
    customer = order.customer
    details = CustomerDetails(name=customer.name, phone=customer.phone, status="paused")
    update_customer(customer=customer, details=details)
    assert set(Delivery.objects.filter(order=order).values_list("status", flat=True)) == {
        "cancelled"
    }
    update_customer(customer=customer, details=CustomerDetails(
        name=customer.name, phone=customer.phone, status="active"))  # fmt: skip
    assert set(Delivery.objects.filter(order=order).values_list("status", flat=True)) == {"pending"}
