"""The billing-line check once per statement (migration 0014): statements of many lines,
a bad one among them, are refused whole; and a run adds to a draft's totals only what it
put on it, leaving every other bill unwritten."""

from decimal import Decimal

import pytest
from django.db import connection

from billing.models import Bill, BillingLine
from billing.services import run_billing
from billing.tests.factories import deliver, deliver_days
from billing.tests.models import (
    FEB,
    bill_it,
    issued,
    line_fields,
    make_bill,
    make_delivery,
    refused_by_database,
)
from billing.tests.runs import JAN, day, the_bill
from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    return SubscriptionFactory(quantity=Decimal("2"))


def test_the_check_runs_once_per_statement_over_its_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.tgname, (t.tgtype & 1) = 1 AS per_row, t.tgnewtable, t.tgoldtable
              FROM pg_trigger t
             WHERE t.tgrelid = 'billing_billingline'::regclass AND NOT t.tgisinternal
               AND (t.tgtype & 20) <> 0  -- fires on INSERT (4) or UPDATE (16)
             ORDER BY t.tgname
            """
        )
        triggers = cursor.fetchall()
    # No row-level INSERT/UPDATE trigger is left on the lines; each check sees its rows.
    assert triggers == [
        ("billing_billingline_check_ins", False, "new_lines", None),
        ("billing_billingline_check_upd", False, "new_lines", "old_lines"),
        ("billing_billingline_not_prepaid_ins", False, "new_lines", None),
        ("billing_billingline_not_prepaid_upd", False, "new_lines", None),
        ("earlybird_changed", False, None, None),  # kept reads' numbers (earlybird.changes)
    ]


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        pytest.param(
            lambda fields, stranger: {**fields, "bill": stranger},
            "belongs to another customer than bill",
            id="other-customer",
        ),
        pytest.param(
            lambda fields, stranger: {**fields, "amount": fields["amount"] + Decimal("0.01")},
            "must bill its delivered quantity at its unit price",
            id="amount",
        ),
    ],
)
def test_one_bad_line_among_many_refuses_the_whole_statement(order, spoil, expected):
    bill = make_bill(order.customer)
    stranger = make_bill(CustomerFactory())
    lines = [BillingLine(**line_fields(bill, make_delivery(order))) for _ in range(5)]
    bad = spoil(line_fields(bill, make_delivery(order)), stranger)
    lines.insert(3, BillingLine(**bad))
    refused_by_database(lambda: BillingLine.objects.bulk_create(lines), expected)
    assert not BillingLine.objects.exists()


def test_a_delivery_not_handed_over_among_many_is_refused(order):
    bill = make_bill(order.customer)
    lines = [BillingLine(**line_fields(bill, make_delivery(order))) for _ in range(3)]
    pending = make_delivery(order, Delivery.Status.PENDING)
    lines.append(
        BillingLine(**line_fields(bill, pending, quantity=Decimal("2"), amount=Decimal("125.00")))
    )
    refused_by_database(
        lambda: BillingLine.objects.bulk_create(lines),
        f"delivery {pending.pk} is pending, only delivered or partial deliveries can be billed",
    )
    assert not BillingLine.objects.exists()


def test_moving_lines_of_a_draft_and_of_an_issued_bill_together_is_refused(order):
    january = make_bill(order.customer)
    on_january = bill_it(january, make_delivery(order))
    draft = make_bill(order.customer, FEB)
    on_draft = bill_it(draft, make_delivery(order))
    Bill.objects.filter(pk=january.pk).update(**issued())
    march = make_bill(order.customer, FEB.replace(month=3))

    refused_by_database(
        lambda: BillingLine.objects.filter(pk__in=[on_january.pk, on_draft.pk]).update(bill=march),
        f"bill {january.pk} is not a draft",
    )
    assert dict(BillingLine.objects.values_list("pk", "bill_id")) == {
        on_january.pk: january.pk,
        on_draft.pk: draft.pk,
    }


def test_moving_a_line_between_drafts_of_its_customer_is_allowed(order):
    january = make_bill(order.customer)
    line = bill_it(january, make_delivery(order))
    february = make_bill(order.customer, FEB)
    BillingLine.objects.filter(pk=line.pk).update(bill=february)
    assert BillingLine.objects.get(pk=line.pk).bill_id == february.pk


def test_many_good_lines_in_one_statement_are_billed(order):
    bill = make_bill(order.customer)
    deliveries = [make_delivery(order) for _ in range(20)]
    BillingLine.objects.bulk_create([BillingLine(**line_fields(bill, d)) for d in deliveries])
    assert BillingLine.objects.filter(bill=bill).count() == 20


# --- the run adds only what it put on each draft ---------------------------------------


@pytest.fixture
def milk():
    return ProductFactory(name="Cow milk 1 l", price="50.00")


def test_a_rerun_writes_only_the_bills_it_extends(milk):
    first, second = (
        SubscriptionFactory(product=milk, quantity=Decimal("1"), start_date=JAN) for _ in range(2)
    )
    deliver_days(first, day(JAN, 1), day(JAN, 3))
    deliver_days(second, day(JAN, 1), day(JAN, 2))
    run_billing(period=JAN)
    untouched = the_bill(second.customer)
    history = untouched.history.count()
    deliver(first, day(JAN, 4))

    rerun = run_billing(period=JAN)

    extended = the_bill(first.customer)
    assert (extended.charges, extended.total, extended.run_id) == (
        Decimal("200.00"),
        Decimal("200.00"),
        rerun.pk,
    )
    assert extended.charges == sum(line.amount for line in extended.lines.all())
    fresh = the_bill(second.customer)
    assert (fresh.updated_at, fresh.run_id, fresh.history.count()) == (
        untouched.updated_at,
        untouched.run_id,
        history,
    )
    assert (rerun.lines_created, rerun.bills_touched) == (1, 1)
