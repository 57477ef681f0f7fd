"""Invariants 4 and 5: a delivery is billed once, only when delivered or partial, for
its delivered quantity at its unit price; one live bill per customer and period; an
issued bill never changes. Rules kept by constraints are broken twice (full_clean()
and a raw write); rules kept by triggers are invisible to full_clean(), so those are
broken by raw writes and the database must answer IntegrityError."""

import datetime as dt
import itertools
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import Adjustment, Bill, BillingLine, BillingRun, Payment
from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from orders.tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
_numbers = itertools.count(1)

DELIVERED = Delivery.Status.DELIVERED
PARTIAL = Delivery.Status.PARTIAL
NOT_DELIVERED = Delivery.Status.NOT_DELIVERED
PENDING = Delivery.Status.PENDING
CANCELLED = Delivery.Status.CANCELLED


# --- helpers ----------------------------------------------------------------------


@pytest.fixture
def order():
    return SubscriptionFactory(quantity=Decimal("2"))


def make_delivery(order, status=DELIVERED, delivered_qty=None, **overrides) -> Delivery:
    """A delivery of the order's line on its own date (1, 2, 3 … January)."""
    line = order.lines.get()
    n = next(_numbers)
    ordered = Decimal("2.000")
    if delivered_qty is None:
        delivered_qty = {DELIVERED: ordered, PARTIAL: Decimal("1.500")}.get(status, Decimal(0))
    fields = {
        "code": f"DL-TEST-{n:05d}",
        "order": order,
        "order_line": line,
        "product": line.product,
        "customer": order.customer,
        "date": JAN + dt.timedelta(days=n % 28),
        "shift": order.shift,
        "ordered_qty": ordered,
        "delivered_qty": Decimal(delivered_qty),
        "unit_price": Decimal("62.50"),
        "status": status,
    }
    if status in Delivery.CONFIRMED_STATUSES:
        fields.update(confirmed_at=timezone.now(), confirmed_via=Delivery.Via.STAFF)
    if status == NOT_DELIVERED:
        fields["reason"] = Delivery.Reason.CUSTOMER_AWAY
    fields.update(overrides)
    return Delivery.objects.create(**fields)


def make_bill(customer, period=JAN, **overrides) -> Bill:
    return Bill.objects.create(customer=customer, period=period, **overrides)


def issued(**overrides) -> dict:
    fields = {
        "status": Bill.Status.ISSUED,
        "code": f"BI-202601-{next(_numbers):04d}",
        "issued_at": timezone.now(),
    }
    fields.update(overrides)
    return fields


def voided(**overrides) -> dict:
    fields = {"status": Bill.Status.VOID, "voided_at": timezone.now(), "void_reason": "Re-run"}
    fields.update(overrides)
    return fields


def line_fields(bill, delivery, **overrides) -> dict:
    fields = {
        "bill": bill,
        "delivery": delivery,
        "quantity": delivery.delivered_qty,
        "unit_price": delivery.unit_price,
        "amount": (delivery.delivered_qty * delivery.unit_price).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        ),
    }
    fields.update(overrides)
    return fields


def bill_it(bill, delivery, **overrides) -> BillingLine:
    return BillingLine.objects.create(**line_fields(bill, delivery, **overrides))


def refused_by_full_clean(instance, expected: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        instance.full_clean()
    assert expected in " ".join(str(m) for m in excinfo.value.messages)


def refused_by_database(write, expected: str | None = None) -> None:
    with pytest.raises(IntegrityError, match=expected), transaction.atomic():
        write()


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
    refused_by_database(lambda: bill_it(february, delivery), "delivery_id")
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
    # The trigger runs before the CHECK, and 0 is never a billable delivered quantity.
    refused_by_database(
        lambda: bill_it(bill, delivery, quantity=Decimal(0), amount=Decimal(0)),
        "billing_billingline_quantity_positive|must bill its delivered quantity",
    )


def test_the_database_refuses_billing_a_delivery_on_another_customers_bill(order):
    delivery = make_delivery(order)
    strangers_bill = make_bill(CustomerFactory())
    refused_by_database(lambda: bill_it(strangers_bill, delivery))


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


# --- invariant 5: an issued bill never changes ------------------------------------


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
    refused_by_database(lambda: BillingLine.objects.filter(pk=line.pk).update(bill=february))


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


def test_the_database_refuses_deleting_an_issued_bill(order):
    bill = make_bill(order.customer, **issued())
    refused_by_database(lambda: Bill.objects.filter(pk=bill.pk).delete())


def test_the_database_refuses_attaching_an_adjustment_to_an_issued_bill(order):
    bill = make_bill(order.customer, **issued())
    refused_by_database(
        lambda: Adjustment.objects.create(
            customer=order.customer, amount=Decimal("-20.00"), reason="Late", date=JAN, bill=bill
        )
    )


# --- invariant 5: one live bill per customer and period ---------------------------


def test_a_valid_draft_bill_passes_full_clean(order):
    bill = Bill(customer=order.customer, period=JAN)
    bill.full_clean()
    bill.save()
    assert Bill.objects.filter(customer=order.customer, period=JAN).count() == 1


@pytest.mark.parametrize("first", [{}, issued()], ids=["draft", "issued"])
def test_full_clean_refuses_a_second_live_bill_for_the_same_customer_and_month(order, first):
    make_bill(order.customer, **first)
    refused_by_full_clean(
        Bill(customer=order.customer, period=JAN), "billing_bill_one_per_customer_period"
    )


@pytest.mark.parametrize("first", [{}, issued()], ids=["draft", "issued"])
def test_the_database_refuses_a_second_live_bill_for_the_same_customer_and_month(order, first):
    make_bill(order.customer, **first)
    refused_by_database(lambda: make_bill(order.customer), "billing_bill_one_per_customer_period")
    assert Bill.objects.filter(customer=order.customer, period=JAN).count() == 1


def test_a_new_bill_may_replace_a_voided_one(order):
    first = make_bill(order.customer, **issued())
    Bill.objects.filter(pk=first.pk).update(**voided())
    second = Bill(customer=order.customer, period=JAN)
    second.full_clean()
    second.save()
    also_void = make_bill(order.customer, **{**issued(), **voided()})
    assert set(Bill.objects.filter(customer=order.customer, period=JAN)) == {
        first,
        second,
        also_void,
    }


def test_other_customers_and_months_have_their_own_bills(order):
    make_bill(order.customer, JAN)
    make_bill(order.customer, FEB)
    make_bill(CustomerFactory(), JAN)
    assert Bill.objects.filter(period=JAN).count() == 2


def test_full_clean_refuses_a_period_that_is_not_the_first_of_a_month(order):
    refused_by_full_clean(
        Bill(customer=order.customer, period=dt.date(2026, 1, 15)),
        "billing_bill_period_is_month_start",
    )


def test_the_database_refuses_a_period_that_is_not_the_first_of_a_month(order):
    refused_by_database(
        lambda: make_bill(order.customer, dt.date(2026, 1, 15)),
        "billing_bill_period_is_month_start",
    )
    bill = make_bill(order.customer)
    refused_by_database(
        lambda: Bill.objects.filter(pk=bill.pk).update(period=dt.date(2026, 1, 31)),
        "billing_bill_period_is_month_start",
    )


def test_full_clean_refuses_a_total_that_is_not_charges_plus_adjustments(order):
    bill = Bill(
        customer=order.customer,
        period=JAN,
        charges=Decimal("100.00"),
        adjustments_total=Decimal("-10.00"),
        total=Decimal("100.00"),
    )
    refused_by_full_clean(bill, "billing_bill_total_adds_up")


def test_the_database_refuses_a_total_that_is_not_charges_plus_adjustments(order):
    refused_by_database(
        lambda: make_bill(order.customer, charges=Decimal("100.00"), total=Decimal("90.00")),
        "billing_bill_total_adds_up",
    )
    bill = make_bill(
        order.customer,
        charges=Decimal("100.00"),
        adjustments_total=Decimal("-10.00"),
        total=Decimal("90.00"),
    )
    refused_by_database(
        lambda: Bill.objects.filter(pk=bill.pk).update(charges=Decimal("120.00")),
        "billing_bill_total_adds_up",
    )
    bill.refresh_from_db()
    assert bill.total == bill.charges + bill.adjustments_total == Decimal("90.00")


@pytest.mark.parametrize(
    "missing", [{"code": None}, {"issued_at": None}], ids=["no-code", "no-issued-at"]
)
def test_it_refuses_an_issued_bill_without_its_number_and_date(order, missing):
    state = issued(**missing)
    refused_by_full_clean(
        Bill(customer=order.customer, period=JAN, **state), "billing_bill_issued_has_code"
    )
    refused_by_database(lambda: make_bill(order.customer, **state), "billing_bill_issued_has_code")


@pytest.mark.parametrize(
    "missing", [{"voided_at": None}, {"void_reason": ""}], ids=["no-voided-at", "no-reason"]
)
def test_it_refuses_a_void_bill_without_when_and_why(order, missing):
    state = {**issued(), **voided(**missing)}
    refused_by_full_clean(
        Bill(customer=order.customer, period=JAN, **state), "billing_bill_void_has_reason"
    )
    refused_by_database(lambda: make_bill(order.customer, **state), "billing_bill_void_has_reason")


# --- the other billing rows -------------------------------------------------------


def test_it_refuses_a_billing_run_for_a_period_that_is_not_a_month_start():
    refused_by_full_clean(
        BillingRun(period=dt.date(2026, 1, 2)), "billing_billingrun_period_is_month_start"
    )
    refused_by_database(
        lambda: BillingRun.objects.create(period=dt.date(2026, 1, 2)),
        "billing_billingrun_period_is_month_start",
    )


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-100")])
def test_it_refuses_a_payment_that_is_not_above_zero(order, amount):
    fields = {
        "code": "PA-TEST-0001",
        "customer": order.customer,
        "amount": amount,
        "method": Payment.Method.UPI,
        "paid_on": JAN,
    }
    refused_by_full_clean(Payment(**fields), "billing_payment_amount_positive")
    refused_by_database(lambda: Payment.objects.create(**fields), "billing_payment_amount_positive")


def test_it_refuses_a_zero_adjustment(order):
    fields = {"customer": order.customer, "amount": Decimal("0"), "reason": "x", "date": JAN}
    refused_by_full_clean(Adjustment(**fields), "billing_adjustment_amount_not_zero")
    refused_by_database(
        lambda: Adjustment.objects.create(**fields), "billing_adjustment_amount_not_zero"
    )


def test_the_database_refuses_an_adjustment_without_a_reason(order):
    fields = {"customer": order.customer, "amount": Decimal("-5"), "reason": "", "date": JAN}
    with pytest.raises(ValidationError) as excinfo:
        Adjustment(**fields).full_clean()
    assert "reason" in excinfo.value.message_dict
    refused_by_database(
        lambda: Adjustment.objects.create(**fields), "billing_adjustment_has_reason"
    )
