"""Delivery instructions: one service for the customer's own page and staff
(customers.services.set_delivery_instructions; the staff form through update_customer)."""

import pytest
from django.core.exceptions import ValidationError

from customers.models import Customer
from customers.services import CustomerDetails, set_delivery_instructions, update_customer
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_customer_sets_their_own_instructions_trimmed():
    customer = CustomerFactory()
    set_delivery_instructions(
        customer=customer, text="  Leave the packets in the bag on the gate.\r\n", by=customer.user
    )
    customer.refresh_from_db()
    assert customer.delivery_instructions == "Leave the packets in the bag on the gate."
    assert customer.history.first().delivery_instructions == customer.delivery_instructions


def test_a_customer_cannot_change_another_customers_instructions():
    mine, theirs = CustomerFactory(), CustomerFactory()
    with pytest.raises(ValidationError, match="only your own"):
        set_delivery_instructions(customer=theirs, text="Ring twice", by=mine.user)
    theirs.refresh_from_db()
    assert theirs.delivery_instructions == ""


@pytest.mark.parametrize(("text", "words"), [("x" * 301, "300 characters"), ("a\x00b", "plain")])
def test_instructions_too_long_or_not_text_are_refused(text, words):
    customer = CustomerFactory()
    with pytest.raises(ValidationError, match=words):
        set_delivery_instructions(customer=customer, text=text, by=customer.user)
    assert Customer.objects.get(pk=customer.pk).delivery_instructions == ""


def test_the_staff_edit_sets_the_instructions_and_the_same_bounds_hold():
    customer = CustomerFactory(name="Asha Rao", phone="9848022338")
    details = CustomerDetails(
        name="Asha Rao", phone="9848022338", status=customer.status, delivery_instructions="Bell 2"
    )
    update_customer(customer=customer, details=details)
    assert Customer.objects.get(pk=customer.pk).delivery_instructions == "Bell 2"
    too_long = CustomerDetails(
        name="Asha Rao", phone="9848022338", status=customer.status, delivery_instructions="y" * 301
    )
    with pytest.raises(ValidationError):
        update_customer(customer=customer, details=too_long)
    assert Customer.objects.get(pk=customer.pk).delivery_instructions == "Bell 2"
