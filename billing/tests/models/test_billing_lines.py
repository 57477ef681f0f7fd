"""Invariant 4: what a billing line may bill, and a billed delivery is frozen."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from billing.models import BillingLine
from billing.tests.models import (
    DELIVERED,
    FEB,
    NOT_DELIVERED,
    PARTIAL,
    bill_it,
    line_fields,
    make_bill,
    make_delivery,
    refused_by_database,
    refused_by_full_clean,
)
from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery

pytestmark = pytest.mark.django_db

PENDING = Delivery.Status.PENDING
CANCELLED = Delivery.Status.CANCELLED


LINE_TRIGGERS = ("billing_billingline_check_ins", "billing_billingline_check_upd")


def without_the_line_trigger(write):
    """`write` with the line checks (migration 0014) switched off, inside the test's
    transaction only: shows a CHECK refuses a bad line on its own."""

    def run():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks before ALTER
            for trigger in LINE_TRIGGERS:
                cursor.execute(f"ALTER TABLE billing_billingline DISABLE TRIGGER {trigger}")
        write()

    return run


def without_the_check(constraint: str, write):
    """`write` with one CHECK of billing_billingline dropped, inside the test's transaction
    only: the line trigger runs after the CHECKs (once per statement), so this shows the
    trigger refuses the bad line on its own."""

    def run():
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE billing_billingline DROP CONSTRAINT {constraint}")
        write()

    return run


# --- invariant 4: what a billing line may bill ------------------------------------


@pytest.mark.parametrize("status", [DELIVERED, PARTIAL])
def test_it_bills_a_delivered_or_partial_delivery_at_its_quantity_and_price(order, status):
    delivery = make_delivery(order, status)
    line = BillingLine(**line_fields(make_bill(order.customer), delivery))
    line.full_clean()
    line.save()
    line.refresh_from_db()
    expected = {DELIVERED: Decimal("125.00"), PARTIAL: Decimal("93.75")}[status]
    assert (line.quantity, line.unit_price, line.amount) == (
        delivery.delivered_qty,
        Decimal("62.50"),
        expected,
    )


def test_full_clean_refuses_billing_a_delivery_twice(order):
    delivery = make_delivery(order)
    bill = make_bill(order.customer)
    bill_it(bill, delivery)
    with pytest.raises(ValidationError) as excinfo:
        BillingLine(**line_fields(bill, delivery)).full_clean()
    assert "delivery" in excinfo.value.message_dict


def test_it_bills_a_delivery_only_once(order):
    delivery = make_delivery(order)
    bill_it(make_bill(order.customer), delivery)
    february = make_bill(order.customer, FEB)
    refused_by_database(lambda: bill_it(february, delivery), "billing_billingline_delivery_id_key")
    assert BillingLine.objects.filter(delivery=delivery).count() == 1


@pytest.mark.parametrize("status", [PENDING, NOT_DELIVERED, CANCELLED])
def test_the_database_refuses_billing_a_delivery_that_was_not_handed_over(order, status):
    delivery = make_delivery(order, status)
    bill = make_bill(order.customer)
    refused_by_database(
        lambda: bill_it(bill, delivery, quantity=Decimal("2"), amount=Decimal("125.00")),
        "only delivered or partial deliveries can be billed",
    )
    assert not BillingLine.objects.exists()


@pytest.mark.parametrize(
    "wrong",
    [
        pytest.param({"quantity": Decimal("1.000"), "amount": Decimal("62.50")}, id="quantity"),
        pytest.param({"unit_price": Decimal("60.00"), "amount": Decimal("120.00")}, id="price"),
        pytest.param({"amount": Decimal("125.01")}, id="amount"),
    ],
)
def test_the_database_refuses_a_line_that_does_not_bill_the_delivered_quantity_at_its_price(
    order, wrong
):
    delivery = make_delivery(order)
    bill = make_bill(order.customer)
    refused_by_database(
        lambda: bill_it(bill, delivery, **wrong),
        "must bill its delivered quantity at its unit price",
    )
    assert not BillingLine.objects.exists()


def test_the_database_refuses_changing_a_draft_line_away_from_its_delivery(order):
    delivery = make_delivery(order)
    line = bill_it(make_bill(order.customer), delivery)
    refused_by_database(
        lambda: BillingLine.objects.filter(pk=line.pk).update(
            unit_price=Decimal("70.00"), amount=Decimal("140.00")
        ),
        "must bill its delivered quantity at its unit price",
    )
    line.refresh_from_db()
    assert line.unit_price == Decimal("62.50")


def test_it_refuses_a_line_quantity_that_is_not_above_zero(order):
    delivery = make_delivery(order)
    bill = make_bill(order.customer)
    refused_by_full_clean(
        BillingLine(**line_fields(bill, delivery, quantity=Decimal(0), amount=Decimal(0))),
        "billing_billingline_quantity_positive",
    )
    refused_by_database(
        lambda: bill_it(bill, delivery, quantity=Decimal(0), amount=Decimal(0)),
        "billing_billingline_quantity_positive",
    )
    # Each guard refuses it alone: 0 is never a billable delivered quantity either.
    refused_by_database(
        without_the_check(
            "billing_billingline_quantity_positive",
            lambda: bill_it(bill, delivery, quantity=Decimal(0), amount=Decimal(0)),
        ),
        "must bill its delivered quantity at its unit price",
    )
    refused_by_database(
        without_the_line_trigger(
            lambda: bill_it(bill, delivery, quantity=Decimal(0), amount=Decimal(0))
        ),
        "billing_billingline_quantity_positive",
    )
    assert not BillingLine.objects.exists()


def test_it_refuses_a_negative_line_price(order):
    delivery = make_delivery(order)
    bill = make_bill(order.customer)
    negative = {"unit_price": Decimal("-62.50"), "amount": Decimal("-125.00")}
    refused_by_full_clean(
        BillingLine(**line_fields(bill, delivery, **negative)),
        "billing_billingline_price_not_negative",
    )
    refused_by_database(
        lambda: bill_it(bill, delivery, **negative), "billing_billingline_price_not_negative"
    )
    # Each guard refuses it alone: a delivery's price is never negative either.
    refused_by_database(
        without_the_check(
            "billing_billingline_price_not_negative",
            lambda: bill_it(bill, delivery, **negative),
        ),
        "must bill its delivered quantity at its unit price",
    )
    refused_by_database(
        without_the_line_trigger(lambda: bill_it(bill, delivery, **negative)),
        "billing_billingline_price_not_negative",
    )
    line = bill_it(bill, delivery)
    refused_by_database(
        without_the_line_trigger(lambda: BillingLine.objects.filter(pk=line.pk).update(**negative)),
        "billing_billingline_price_not_negative",
    )
    line.refresh_from_db()
    assert line.unit_price == Decimal("62.50")


def test_the_database_refuses_billing_a_delivery_on_another_customers_bill(order):
    delivery = make_delivery(order)
    strangers_bill = make_bill(CustomerFactory())
    refused_by_database(
        lambda: bill_it(strangers_bill, delivery), "belongs to another customer than bill"
    )
    assert not BillingLine.objects.exists()


# --- invariant 4: a billed delivery is frozen -------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"delivered_qty": Decimal("1.000"), "status": PARTIAL}, id="to-partial"),
        pytest.param(
            {"delivered_qty": Decimal(0), "status": NOT_DELIVERED, "reason": "refused"},
            id="to-not-delivered",
        ),
        pytest.param({"unit_price": Decimal("70.00")}, id="unit-price"),
        pytest.param({"ordered_qty": Decimal("3"), "delivered_qty": Decimal("3")}, id="qty"),
    ],
)
def test_the_database_refuses_changing_a_billed_delivery(order, change):
    delivery = make_delivery(order)
    bill_it(make_bill(order.customer), delivery)
    refused_by_database(
        lambda: Delivery.objects.filter(pk=delivery.pk).update(**change),
        "is billed; correct it with an adjustment",
    )
    delivery.refresh_from_db()
    assert (delivery.status, delivery.delivered_qty) == (DELIVERED, Decimal("2.000"))


def test_the_database_refuses_saving_a_billed_delivery_as_partial(order):
    delivery = make_delivery(order)
    bill_it(make_bill(order.customer), delivery)
    delivery.status, delivery.delivered_qty = PARTIAL, Decimal("1.5")
    refused_by_database(delivery.save, "is billed")
    assert Delivery.objects.get(pk=delivery.pk).status == DELIVERED


def test_an_unbilled_delivery_may_still_be_corrected(order):
    delivery = make_delivery(order)
    Delivery.objects.filter(pk=delivery.pk).update(status=PARTIAL, delivered_qty=Decimal("1"))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.delivered_qty) == (PARTIAL, Decimal("1.000"))


def test_a_billed_deliverys_other_details_may_change(order):
    delivery = make_delivery(order)
    bill_it(make_bill(order.customer), delivery)
    Delivery.objects.filter(pk=delivery.pk).update(reason_note="Left at the gate")
    assert Delivery.objects.get(pk=delivery.pk).reason_note == "Left at the gate"
