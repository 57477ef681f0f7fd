from decimal import Decimal

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


# Only an admin sets the opening balance: page, admin and API pass the user acting --------


def _details(customer, **overrides) -> CustomerDetails:
    return CustomerDetails(
        **{"name": customer.name, "phone": customer.phone, "status": customer.status, **overrides}
    )


@pytest.mark.parametrize("role", ["marketing", "support", "accounts"])
def test_only_an_admin_sets_an_opening_balance_on_a_new_customer(role):
    from customers.tests.factories import UserFactory

    details = CustomerDetails(name="Lakshmi", phone="9848022338", opening_balance=Decimal("500"))
    with pytest.raises(ValidationError) as excinfo:
        create_customer(details=details, by=UserFactory(roles=[role]))
    assert "Only an admin" in excinfo.value.message_dict["opening_balance"][0]
    assert not Customer.objects.exists()

    admin = UserFactory(roles=["admin"])
    assert create_customer(details=details, by=admin).opening_balance == Decimal("500")


def test_a_non_admin_may_save_a_customer_whose_opening_balance_stays_as_it_is():
    from customers.services import update_customer
    from customers.tests.factories import UserFactory

    customer = create_customer(
        details=CustomerDetails(name="Lakshmi", phone="9848022338", opening_balance=Decimal("500"))
    )  # by=None: a command or the import may
    support = UserFactory(roles=["support"])

    update_customer(
        customer=customer,
        details=_details(customer, opening_balance=Decimal("500.00"), notes="Gate 2"),
        by=support,
    )
    with pytest.raises(ValidationError, match="Only an admin"):
        update_customer(
            customer=customer, details=_details(customer, opening_balance=Decimal("0")), by=support
        )

    customer.refresh_from_db()
    assert (customer.opening_balance, customer.notes) == (Decimal("500.00"), "Gate 2")
