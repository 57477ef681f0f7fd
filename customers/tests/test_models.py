"""Invariant 1: a customer has exactly one login, and a phone number is unique after
normalisation; codes and area names are unique. Each rule is broken twice: full_clean()
must refuse it (ValidationError) and the database must refuse a raw write
(IntegrityError naming the constraint)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import ProtectedError

from customers.models import Area, Customer
from customers.services import CustomerDetails, create_customer
from customers.tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def unsaved_customer(**overrides) -> Customer:
    """A customer that would be valid, with a fresh login, unless overridden."""
    fields = {
        "user": overrides.pop("user", None) or UserFactory(),
        "code": "CU-TEST-0001",
        "name": "Ravi Kumar",
        "phone": "9848022338",
    }
    fields.update(overrides)
    return Customer(**fields)


def constraint_messages(excinfo) -> str:
    return " ".join(str(m) for m in excinfo.value.messages)


# --- exactly one User -------------------------------------------------------------


def test_a_valid_customer_passes_full_clean_and_saves():
    customer = unsaved_customer()
    customer.full_clean()
    customer.save()
    assert Customer.objects.get(phone="9848022338").user == customer.user


def test_the_service_creates_a_customer_with_its_own_login():
    customer = CustomerFactory(phone="+91 98480 22338")
    assert customer.user_id is not None
    assert customer.user.username == "9848022338"
    assert User.objects.get(customer=customer) == customer.user


def test_full_clean_refuses_a_customer_without_a_user():
    customer = unsaved_customer()
    customer.user = None
    with pytest.raises(ValidationError) as excinfo:
        customer.full_clean()
    assert "user" in excinfo.value.message_dict


def test_the_database_refuses_a_customer_without_a_user():
    with pytest.raises(IntegrityError, match="user_id"), transaction.atomic():
        Customer.objects.create(code="CU-TEST-0001", name="Nobody", phone="9848022338", user=None)
    assert not Customer.objects.exists()


def test_full_clean_refuses_a_second_customer_on_the_same_user():
    first = CustomerFactory()
    second = unsaved_customer(user=first.user, code="CU-TEST-0002", phone="9848022339")
    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert "user" in excinfo.value.message_dict


def test_the_database_refuses_a_second_customer_on_the_same_user():
    first = CustomerFactory()
    with (
        pytest.raises(IntegrityError, match="customers_customer_user_id_key"),
        transaction.atomic(),
    ):
        Customer.objects.create(
            user=first.user, code="CU-TEST-0002", name="Twin", phone="9848022339"
        )
    assert Customer.objects.filter(user=first.user).count() == 1


def test_the_database_refuses_moving_a_customer_onto_another_customers_user():
    first, second = CustomerFactory(), CustomerFactory()
    with (
        pytest.raises(IntegrityError, match="customers_customer_user_id_key"),
        transaction.atomic(),
    ):
        Customer.objects.filter(pk=second.pk).update(user=first.user)
    second.refresh_from_db()
    assert second.user_id != first.user_id


def test_a_login_with_a_customer_cannot_be_deleted():
    customer = CustomerFactory()
    with pytest.raises(ProtectedError), transaction.atomic():
        customer.user.delete()
    assert User.objects.filter(pk=customer.user_id).exists()


# --- phone unique after normalisation ---------------------------------------------


def test_the_service_refuses_the_same_phone_written_differently():
    create_customer(details=CustomerDetails(name="First", phone="+91 98480 22338"))
    with pytest.raises(ValidationError) as excinfo:
        create_customer(details=CustomerDetails(name="Second", phone="098480-22338"))
    assert "phone" in excinfo.value.message_dict
    assert Customer.objects.count() == 1


def test_full_clean_refuses_a_duplicate_phone():
    CustomerFactory(phone="9848022338")
    with pytest.raises(ValidationError) as excinfo:
        unsaved_customer(code="CU-TEST-0002", phone="9848022338").full_clean()
    assert "phone" in excinfo.value.message_dict


def test_the_database_refuses_a_duplicate_phone():
    CustomerFactory(phone="9848022338")
    with (
        pytest.raises(IntegrityError, match="customers_customer_phone_key"),
        transaction.atomic(),
    ):
        Customer.objects.create(
            user=UserFactory(), code="CU-TEST-0002", name="Copy", phone="9848022338"
        )
    assert Customer.objects.filter(phone="9848022338").count() == 1


def test_the_database_refuses_changing_a_phone_to_one_already_taken():
    CustomerFactory(phone="9848022338")
    other = CustomerFactory(phone="9848022339")
    with (
        pytest.raises(IntegrityError, match="customers_customer_phone_key"),
        transaction.atomic(),
    ):
        Customer.objects.filter(pk=other.pk).update(phone="9848022338")
    other.refresh_from_db()
    assert other.phone == "9848022339"


def test_full_clean_refuses_a_phone_that_is_not_normalised():
    with pytest.raises(ValidationError) as excinfo:
        unsaved_customer(phone="+91 98480 22338").full_clean()
    assert "phone" in excinfo.value.message_dict


@pytest.mark.parametrize("phone", ["98480 2233", "+919848022", "5848022338", "0984802233"])
def test_full_clean_refuses_a_ten_character_phone_that_is_not_normalised(phone):
    with pytest.raises(ValidationError) as excinfo:
        unsaved_customer(phone=phone).full_clean()
    assert "customers_customer_phone_normalised" in constraint_messages(excinfo)


@pytest.mark.parametrize("phone", ["98480 2233", "+919848022", "5848022338", "0984802233"])
def test_the_database_refuses_a_phone_that_is_not_normalised(phone):
    with (
        pytest.raises(IntegrityError, match="customers_customer_phone_normalised"),
        transaction.atomic(),
    ):
        unsaved_customer(phone=phone).save()
    assert not Customer.objects.exists()


def test_the_database_refuses_a_formatted_phone_too_long_for_the_column():
    # "+91 98480 22338" is 15 characters: varchar(10) refuses it before the check does.
    with pytest.raises(DataError), transaction.atomic():
        unsaved_customer(phone="+91 98480 22338").save()
    assert not Customer.objects.exists()


def test_the_database_refuses_updating_a_phone_to_a_non_normalised_one():
    customer = CustomerFactory(phone="9848022338")
    with (
        pytest.raises(IntegrityError, match="customers_customer_phone_normalised"),
        transaction.atomic(),
    ):
        Customer.objects.filter(pk=customer.pk).update(phone="98480-2233")
    customer.refresh_from_db()
    assert customer.phone == "9848022338"


# --- coordinates paired -----------------------------------------------------------


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(Decimal("17.385044"), None), (None, Decimal("78.486671"))],
)
def test_full_clean_refuses_half_a_coordinate(latitude, longitude):
    with pytest.raises(ValidationError) as excinfo:
        unsaved_customer(latitude=latitude, longitude=longitude).full_clean()
    assert "customers_customer_coordinates_paired" in constraint_messages(excinfo)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(Decimal("17.385044"), None), (None, Decimal("78.486671"))],
)
def test_the_database_refuses_half_a_coordinate(latitude, longitude):
    with (
        pytest.raises(IntegrityError, match="customers_customer_coordinates_paired"),
        transaction.atomic(),
    ):
        unsaved_customer(latitude=latitude, longitude=longitude).save()
    assert not Customer.objects.exists()


def test_the_database_refuses_clearing_one_coordinate_of_a_pair():
    customer = CustomerFactory(latitude=Decimal("17.385044"), longitude=Decimal("78.486671"))
    with (
        pytest.raises(IntegrityError, match="customers_customer_coordinates_paired"),
        transaction.atomic(),
    ):
        Customer.objects.filter(pk=customer.pk).update(longitude=None)
    customer.refresh_from_db()
    assert customer.longitude == Decimal("78.486671")


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(None, None), (Decimal("17.385044"), Decimal("78.486671"))]
)
def test_it_accepts_both_coordinates_or_neither(latitude, longitude):
    customer = unsaved_customer(latitude=latitude, longitude=longitude)
    customer.full_clean()
    customer.save()
    customer.refresh_from_db()
    assert (customer.latitude, customer.longitude) == (latitude, longitude)


# --- unique customer codes and area names ---------------------------------------------


def test_it_refuses_a_second_customer_with_the_same_code():
    first = CustomerFactory()
    copy = unsaved_customer(code=first.code)
    with pytest.raises(ValidationError) as excinfo:
        copy.full_clean()
    assert "code" in excinfo.value.message_dict
    with (
        pytest.raises(IntegrityError, match="customers_customer_code_key"),
        transaction.atomic(),
    ):
        copy.save()
    assert Customer.objects.filter(code=first.code).count() == 1


def test_it_refuses_two_areas_with_the_same_name():
    Area.objects.create(name="Kondapur")
    with pytest.raises(ValidationError) as excinfo:
        Area(name="Kondapur").full_clean()
    assert "name" in excinfo.value.message_dict
    with pytest.raises(IntegrityError, match="customers_area_name_key"), transaction.atomic():
        Area.objects.create(name="Kondapur", city="Hyderabad")
    assert Area.objects.filter(name="Kondapur").count() == 1
