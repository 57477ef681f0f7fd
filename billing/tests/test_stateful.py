"""Hypothesis drives confirmations, corrections, payments, adjustments, runs, issues, voids
and discards in any order; after every step every delivered unit is billed at most once
(exactly once after a run that could bill it), every bill adds up, every adjustment is
billed once, and the ledger is the opening balance + issued bills − payments."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from billing.models import Adjustment, Bill, BillingLine
from billing.selectors import balances_for, customer_ledger
from billing.services import (
    add_adjustment,
    discard_draft,
    issue_bill,
    month_end,
    record_payment,
    run_billing,
    void_bill,
)
from billing.tests.factories import STAFF, accounts_user
from customers.tests.factories import CustomerFactory
from deliveries.models import Delivery
from deliveries.services import confirm_delivery, generate_deliveries, undo_confirmation
from orders.tests.factories import OneTimeOrderFactory, ProductFactory, SubscriptionFactory

JAN = dt.date(2026, 1, 1)
FEB = dt.date(2026, 2, 1)
MAR = dt.date(2026, 3, 1)
PERIODS = [JAN, FEB, MAR]
DAYS = [dt.date(2026, 1, 30), dt.date(2026, 1, 31), dt.date(2026, 2, 1), dt.date(2026, 3, 2)]
TODAY = dt.date(2026, 4, 15)  # staff may confirm and correct any of these days
ZERO = Decimal("0.00")

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)
signed_money = st.decimals(min_value=Decimal("-100"), max_value=Decimal("100"), places=2).filter(
    lambda amount: amount != 0
)


class Billing(RuleBasedStateMachine):
    """Two customers: one with a daily subscription of 2 l, one with 1.5 l and a one-time
    order of 3 on 31 January; each example runs in a transaction rolled back at the end."""

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.accounts = accounts_user()
        product = ProductFactory(price="57.25")
        first = SubscriptionFactory(product=product, quantity=Decimal("2"), start_date=DAYS[0])
        second = SubscriptionFactory(
            product=product,
            quantity=Decimal("1.5"),
            start_date=DAYS[0],
            customer=CustomerFactory(opening_balance=Decimal("-80.00")),
        )
        OneTimeOrderFactory(
            customer=second.customer, product=product, quantity=3, delivery_date=DAYS[1]
        )
        for day in DAYS:
            generate_deliveries(day=day)
        self.customers = [first.customer, second.customer]
        self.deliveries = list(Delivery.objects.order_by("pk"))
        self.paid = {c.pk: ZERO for c in self.customers}
        self.adjusted = {c.pk: ZERO for c in self.customers}

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- what people do -------------------------------------------------------------

    @rule(index=st.integers(0, 100), share=st.sampled_from(["all", "some", "none"]))
    def confirm(self, index, share):
        delivery = self.deliveries[index % len(self.deliveries)]
        delivery.refresh_from_db()
        quantity = {
            "all": delivery.ordered_qty,
            "some": delivery.ordered_qty / 2,
            "none": Decimal(0),
        }[share]
        billed = BillingLine.objects.filter(delivery=delivery).exists()
        try:
            confirm_delivery(
                delivery=delivery,
                delivered_qty=quantity,
                by=STAFF,
                reason=Delivery.Reason.CUSTOMER_AWAY,
                today=TODAY,
            )
        except ValidationError as exc:
            assert billed, exc  # only a billed delivery refuses a correction
        else:
            assert not billed or (delivery.delivered_qty == quantity and delivery.is_confirmed)

    @rule(index=st.integers(0, 100))
    def undo(self, index):
        delivery = self.deliveries[index % len(self.deliveries)]
        billed = BillingLine.objects.filter(delivery=delivery).exists()
        try:
            undo_confirmation(delivery=delivery, by=STAFF, today=TODAY)
        except ValidationError:
            assert billed
        else:
            assert not billed or not delivery.is_confirmed

    @rule(who=st.integers(0, 1), amount=money, day=st.sampled_from(DAYS))
    def pay(self, who, amount, day):
        customer = self.customers[who]
        record_payment(customer=customer, amount=amount, method="upi", paid_on=day)
        self.paid[customer.pk] += amount

    @rule(who=st.integers(0, 1), amount=signed_money, day=st.sampled_from(DAYS))
    def adjust(self, who, amount, day):
        customer = self.customers[who]
        add_adjustment(customer=customer, amount=amount, reason="Correction", day=day)
        self.adjusted[customer.pk] += amount

    @rule(period=st.sampled_from(PERIODS))
    def run(self, period):
        run_billing(period=period)
        # Everything billable up to the period's end is now billed — except for customers
        # whose bill for the period was already issued: theirs waits for a later period.
        end = month_end(period)
        issued = set(
            Bill.objects.filter(period=period, status=Bill.Status.ISSUED).values_list(
                "customer_id", flat=True
            )
        )
        left = Delivery.objects.filter(
            status__in=Delivery.BILLABLE_STATUSES, date__lte=end, billing_line__isnull=True
        ).values_list("customer_id", flat=True)
        assert set(left) <= issued
        open_left = Adjustment.objects.filter(bill__isnull=True, date__lte=end)
        assert set(open_left.values_list("customer_id", flat=True)) <= issued

    @rule(pick=st.integers(0, 100))
    def issue(self, pick):
        draft = self._pick(pick, Bill.Status.DRAFT)
        if draft:
            issue_bill(bill=draft, by=self.accounts)

    @rule(pick=st.integers(0, 100))
    def void(self, pick):
        bill = self._pick(pick, Bill.Status.ISSUED)
        if bill:
            void_bill(bill=bill, reason="Wrong", by=self.accounts)

    @rule(pick=st.integers(0, 100))
    def discard(self, pick):
        draft = self._pick(pick, Bill.Status.DRAFT)
        if draft:
            discard_draft(bill=draft, by=self.accounts)

    def _pick(self, pick: int, status: str) -> Bill | None:
        """One of the bills in that status, if any (the choice shrinks towards the first)."""
        bills = list(Bill.objects.filter(status=status).order_by("pk"))
        return bills[pick % len(bills)] if bills else None

    # --- what must always hold ------------------------------------------------------

    @invariant()
    def every_delivered_unit_is_billed_at_most_once_at_its_own_quantity_and_price(self):
        twice = BillingLine.objects.values("delivery").annotate(n=Count("id")).filter(n__gt=1)
        assert not twice.exists()
        for line in BillingLine.objects.select_related("bill", "delivery"):
            delivery = line.delivery
            assert line.bill.status != Bill.Status.VOID
            assert delivery.status in Delivery.BILLABLE_STATUSES
            assert line.bill.customer_id == delivery.customer_id
            assert (line.quantity, line.unit_price) == (delivery.delivered_qty, delivery.unit_price)
            assert line.amount == (line.quantity * line.unit_price).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
        per_delivery = (
            BillingLine.objects.exclude(bill__status=Bill.Status.VOID)
            .values("delivery", "delivery__delivered_qty")
            .annotate(billed=Sum("quantity"))
        )
        for row in per_delivery:
            assert row["billed"] == row["delivery__delivered_qty"]

    @invariant()
    def every_bill_adds_up_and_is_alone_in_its_period(self):
        live = Bill.objects.exclude(status=Bill.Status.VOID)
        sums = live.annotate(
            lines_sum=Subquery(_sum_of(BillingLine.objects.filter(bill=OuterRef("pk")))),
            adjustments_sum=Subquery(_sum_of(Adjustment.objects.filter(bill=OuterRef("pk")))),
        )
        for bill in sums:
            charges, adjustments = bill.lines_sum or ZERO, bill.adjustments_sum or ZERO
            assert (bill.charges, bill.adjustments_total) == (charges, adjustments)
            assert bill.total == charges + adjustments
        repeated = live.values("customer", "period").annotate(n=Count("id")).filter(n__gt=1)
        assert not repeated.exists()

    @invariant()
    def every_adjustment_is_billed_once_or_waits_for_a_run(self):
        alive = (
            Adjustment.objects.filter(Q(bill__isnull=True) | ~Q(bill__status=Bill.Status.VOID))
            .values("customer")
            .annotate(total=Sum("amount"))
        )
        totals = {row["customer"]: row["total"] for row in alive}
        assert {pk: totals.get(pk, ZERO) for pk in self.adjusted} == self.adjusted

    @invariant()
    def the_ledger_is_opening_plus_issued_bills_minus_payments(self):
        """Issued bills counted from their parts (lines and adjustments), not their totals."""
        issued = Q(bill__status=Bill.Status.ISSUED)
        lines = (
            BillingLine.objects.filter(issued).values("bill__customer").annotate(s=Sum("amount"))
        )
        adjustments = Adjustment.objects.filter(issued).values("customer").annotate(s=Sum("amount"))
        billed = {c.pk: ZERO for c in self.customers}
        for row in lines:
            billed[row["bill__customer"]] += row["s"]
        for row in adjustments:
            billed[row["customer"]] += row["s"]
        balances = balances_for(self.customers)
        for customer in self.customers:
            expected = customer.opening_balance + billed[customer.pk] - self.paid[customer.pk]
            ledger = customer_ledger(customer=customer)
            assert ledger.balance == expected == balances[customer.pk]
            assert ledger.entries[-1].balance == expected


def _sum_of(queryset):
    return queryset.order_by().values("bill").annotate(s=Sum("amount")).values("s")


@pytest.mark.django_db
def test_interleaved_billing_bills_every_delivered_unit_exactly_once():
    run_state_machine_as_test(
        Billing,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
