"""Invariant 5: an issued bill never changes."""

from decimal import Decimal

import pytest

from billing.models import Adjustment, Bill, BillingLine
from billing.tests.models import (
    FEB,
    JAN,
    PARTIAL,
    bill_it,
    issued,
    make_bill,
    make_delivery,
    refused_by_database,
    voided,
)

pytestmark = pytest.mark.django_db


def test_lines_may_be_added_to_a_draft_bill(order):
    bill = make_bill(order.customer)
    bill_it(bill, make_delivery(order))
    bill_it(bill, make_delivery(order, PARTIAL))
    assert bill.lines.count() == 2


@pytest.mark.parametrize("state", [issued(), {**issued(), **voided()}], ids=["issued", "void"])
def test_the_database_refuses_adding_a_line_to_a_bill_that_is_not_a_draft(order, state):
    bill = make_bill(order.customer, **state)
    delivery = make_delivery(order)
    refused_by_database(lambda: bill_it(bill, delivery), "is not a draft")
    assert not bill.lines.exists()


def test_the_database_refuses_changing_a_line_of_an_issued_bill(order):
    bill = make_bill(order.customer)
    line = bill_it(bill, make_delivery(order))
    Bill.objects.filter(pk=bill.pk).update(**issued())
    refused_by_database(
        lambda: BillingLine.objects.filter(pk=line.pk).update(amount=line.amount),
        "is not a draft",
    )


def test_the_database_refuses_removing_a_line_of_an_issued_bill(order):
    bill = make_bill(order.customer)
    line = bill_it(bill, make_delivery(order))
    Bill.objects.filter(pk=bill.pk).update(**issued())
    refused_by_database(
        lambda: BillingLine.objects.filter(pk=line.pk).delete(), "its lines cannot be removed"
    )
    assert bill.lines.count() == 1


def test_the_database_refuses_moving_a_line_off_an_issued_bill(order):
    bill = make_bill(order.customer)
    line = bill_it(bill, make_delivery(order))
    Bill.objects.filter(pk=bill.pk).update(**issued())
    february = make_bill(order.customer, FEB)
    refused_by_database(
        lambda: BillingLine.objects.filter(pk=line.pk).update(bill=february), "is not a draft"
    )
    assert BillingLine.objects.get(pk=line.pk).bill_id == bill.pk


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"charges": Decimal("200.00"), "total": Decimal("200.00")}, id="charges"),
        pytest.param(
            {"adjustments_total": Decimal("-10.00"), "total": Decimal("115.00")}, id="adjustments"
        ),
        pytest.param({"previous_balance": Decimal("50.00")}, id="previous-balance"),
        pytest.param({"code": "BI-202601-9999"}, id="code"),
        pytest.param({"period": FEB}, id="period"),
        pytest.param({"status": Bill.Status.DRAFT}, id="back-to-draft"),
    ],
)
def test_the_database_refuses_changing_an_issued_bill(order, change):
    bill = make_bill(order.customer, charges=Decimal("125.00"), total=Decimal("125.00"), **issued())
    refused_by_database(
        lambda: Bill.objects.filter(pk=bill.pk).update(**change), "an issued bill never changes"
    )
    fresh = Bill.objects.get(pk=bill.pk)
    assert (fresh.status, fresh.charges, fresh.total, fresh.code) == (
        Bill.Status.ISSUED,
        Decimal("125.00"),
        Decimal("125.00"),
        bill.code,
    )


def test_a_draft_bills_totals_may_change(order):
    bill = make_bill(order.customer)
    Bill.objects.filter(pk=bill.pk).update(charges=Decimal("125.00"), total=Decimal("125.00"))
    bill.refresh_from_db()
    assert bill.total == Decimal("125.00")


def test_an_issued_bill_may_be_voided_and_its_lines_released(order):
    bill = make_bill(order.customer)
    delivery = make_delivery(order)
    bill_it(bill, delivery)
    Bill.objects.filter(pk=bill.pk).update(**issued())

    Bill.objects.filter(pk=bill.pk).update(**voided())
    BillingLine.objects.filter(bill=bill).delete()

    bill.refresh_from_db()
    assert bill.status == Bill.Status.VOID
    assert not BillingLine.objects.filter(delivery=delivery).exists()


def test_the_database_refuses_reviving_a_void_bill(order):
    bill = make_bill(order.customer, **{**issued(), **voided()})
    refused_by_database(
        lambda: Bill.objects.filter(pk=bill.pk).update(status=Bill.Status.ISSUED),
        "an issued bill never changes",
    )
    assert Bill.objects.get(pk=bill.pk).status == Bill.Status.VOID


@pytest.mark.parametrize("state", [issued(), {**issued(), **voided()}], ids=["issued", "void"])
def test_the_database_refuses_deleting_a_bill_that_is_not_a_draft(order, state):
    bill = make_bill(order.customer, **state)
    refused_by_database(lambda: Bill.objects.filter(pk=bill.pk).delete(), "it cannot be deleted")
    assert Bill.objects.filter(pk=bill.pk).exists()


def test_a_draft_bill_may_be_deleted(order):
    bill = make_bill(order.customer)
    Bill.objects.filter(pk=bill.pk).delete()
    assert not Bill.objects.filter(pk=bill.pk).exists()


def adjustment_fields(customer, **overrides) -> dict:
    fields = {"customer": customer, "amount": Decimal("-20.00"), "reason": "Late", "date": JAN}
    fields.update(overrides)
    return fields


def test_the_database_refuses_attaching_an_adjustment_to_an_issued_bill(order):
    bill = make_bill(order.customer, **issued())
    refused_by_database(
        lambda: Adjustment.objects.create(**adjustment_fields(order.customer, bill=bill)),
        "adjustments of an issued bill cannot change",
    )
    loose = Adjustment.objects.create(**adjustment_fields(order.customer))
    refused_by_database(
        lambda: Adjustment.objects.filter(pk=loose.pk).update(bill=bill),
        "adjustments of an issued bill cannot change",
    )
    assert not bill.adjustments.exists()


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda a: a.update(amount=Decimal("-30.00")), id="amount"),
        pytest.param(lambda a: a.update(bill=None), id="moved-off"),
        pytest.param(lambda a: a.delete(), id="deleted"),
    ],
)
def test_the_database_refuses_changing_an_adjustment_of_an_issued_bill(order, write):
    bill = make_bill(order.customer)
    adjustment = Adjustment.objects.create(**adjustment_fields(order.customer, bill=bill))
    Bill.objects.filter(pk=bill.pk).update(
        adjustments_total=Decimal("-20.00"), total=Decimal("-20.00")
    )
    Bill.objects.filter(pk=bill.pk).update(**issued())
    refused_by_database(
        lambda: write(Adjustment.objects.filter(pk=adjustment.pk)),
        "adjustments of an issued bill cannot change",
    )
    adjustment.refresh_from_db()
    assert (adjustment.bill_id, adjustment.amount) == (bill.pk, Decimal("-20.00"))


def test_an_adjustment_of_a_draft_bill_may_change(order):
    bill = make_bill(order.customer)
    adjustment = Adjustment.objects.create(**adjustment_fields(order.customer, bill=bill))
    Adjustment.objects.filter(pk=adjustment.pk).update(amount=Decimal("-30.00"), bill=None)
    adjustment.refresh_from_db()
    assert (adjustment.bill_id, adjustment.amount) == (None, Decimal("-30.00"))
