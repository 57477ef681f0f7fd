"""Hypothesis drives recharges, confirmations (delivered, partial, not delivered), undos,
corrections, billing-mode switches, generations, billing runs and the days going by, in
any order, through the real services. After every step: PostgreSQL's at-commit checks
pass; each wallet's balance is the sum of its entries and what the model expects
(recharges − every delivered prepaid delivery); every delivered unit of a prepaid
customer is debited exactly once and never on a bill. After every generation: a prepaid
customer whose wallet does not cover the day got nothing that day (and a Hold saying
why), and one whose wallet does got their deliveries."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from billing.models import BillingLine, WalletEntry
from billing.selectors.wallet import wallet_balance
from billing.services import run_billing
from billing.services.wallet import recharge_wallet, set_billing_mode
from billing.tests.factories import STAFF, accounts_user
from billing.tests.wallet.conftest import check_now
from deliveries.models import Delivery, Hold
from deliveries.services import confirm_delivery, generate_deliveries, undo_confirmation
from orders.tests.factories import ProductFactory, SubscriptionFactory

IST = ZoneInfo("Asia/Kolkata")
FIRST_TODAY = dt.date(2026, 11, 18)
START = dt.date(2026, 11, 1)
PAST_DAYS = [dt.date(2026, 11, 16), dt.date(2026, 11, 17)]
LAST_TODAY = dt.date(2026, 11, 21)
NOV = dt.date(2026, 11, 1)
ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _amount(delivery: Delivery) -> Decimal:
    return (delivery.delivered_qty * delivery.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


class Wallets(RuleBasedStateMachine):
    """Two customers at ₹57.25 a litre: one prepaid from 1 Nov (1 l a day), one postpaid
    (1.5 l a day); 16 and 17 Nov generated; today starts on 18 Nov. Each example runs in
    a transaction rolled back at the end, on its own clock."""

    def __init__(self):
        super().__init__()
        self._clock = time_machine.travel(dt.datetime(2026, 11, 18, 10, tzinfo=IST), tick=False)
        self.traveller = self._clock.__enter__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.accounts = accounts_user()
        product = ProductFactory(price="57.25")
        prepaid = SubscriptionFactory(product=product, quantity=Decimal("1"), start_date=START)
        postpaid = SubscriptionFactory(product=product, quantity=Decimal("1.5"), start_date=START)
        self.customers = [prepaid.customer, postpaid.customer]
        set_billing_mode(customer=self.customers[0], mode="prepaid", effective_from=START)
        # The model's billing modes: {customer id: {effective from: mode}}.
        self.modes = {self.customers[0].pk: {START: "prepaid"}, self.customers[1].pk: {}}
        self.recharged = {c.pk: ZERO for c in self.customers}
        for day in PAST_DAYS:
            generate_deliveries(day=day)

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        self._clock.__exit__(None, None, None)

    # --- the model ------------------------------------------------------------------

    @property
    def today(self) -> dt.date:
        return timezone.localdate()

    def prepaid_on(self, customer_id: int, day: dt.date) -> bool:
        changes = [eff for eff in self.modes[customer_id] if eff <= day]
        return bool(changes) and self.modes[customer_id][max(changes)] == "prepaid"

    def _deliveries(self, *, past_only: bool = True) -> list[Delivery]:
        rows = Delivery.objects.exclude(status=Delivery.Status.CANCELLED).order_by("pk")
        return list(rows.filter(date__lte=self.today) if past_only else rows)

    # --- what people do -------------------------------------------------------------

    @rule(who=st.integers(0, 1), amount=st.sampled_from(["30", "57.25", "90", "200"]))
    def recharge(self, who, amount):
        customer = self.customers[who]
        recharge_wallet(customer=customer, amount=amount, method="cash", paid_on=self.today)
        self.recharged[customer.pk] += Decimal(amount)

    @rule(index=st.integers(0, 100), share=st.sampled_from(["all", "some", "none"]))
    def confirm(self, index, share):
        deliveries = self._deliveries()
        if not deliveries:
            return
        delivery = deliveries[index % len(deliveries)]
        quantity = {"all": delivery.ordered_qty, "some": delivery.ordered_qty / 2, "none": 0}
        billed = BillingLine.objects.filter(delivery=delivery).exists()
        try:
            confirm_delivery(
                delivery=delivery,
                delivered_qty=quantity[share],
                by=STAFF,
                reason=Delivery.Reason.CUSTOMER_AWAY,
            )
        except ValidationError as exc:
            assert billed, exc  # only a billed delivery refuses a correction

    @rule(index=st.integers(0, 100))
    def undo(self, index):
        deliveries = self._deliveries()
        if not deliveries:
            return
        delivery = deliveries[index % len(deliveries)]
        billed = BillingLine.objects.filter(delivery=delivery).exists()
        try:
            undo_confirmation(delivery=delivery, by=STAFF)
        except ValidationError as exc:
            assert billed, exc

    @rule(
        who=st.integers(0, 1),
        mode=st.sampled_from(["prepaid", "postpaid"]),
        ahead=st.integers(0, 2),
    )
    def switch(self, who, mode, ahead):
        customer = self.customers[who]
        day = self.today + dt.timedelta(days=ahead)
        try:
            row = set_billing_mode(
                customer=customer, mode=mode, effective_from=day, by=self.accounts
            )
        except ValidationError as exc:
            # Refused only when a billed delivery would become prepaid.
            assert mode == "prepaid", exc
            assert BillingLine.objects.filter(
                delivery__customer=customer, delivery__date__gte=day
            ).exists(), exc
        else:
            # None: that mode was already in force on that day, so no row was written
            # (and a later switch dated earlier then covers this day too).
            if row is not None:
                self.modes[customer.pk][day] = mode

    @rule(ahead=st.integers(0, 2))
    def generate(self, ahead):
        day = self.today + dt.timedelta(days=ahead)
        generate_deliveries(day=day)
        for customer in self.customers:
            pending = Delivery.objects.filter(
                customer=customer, date=day, status=Delivery.Status.PENDING
            )
            hold = Hold.objects.filter(customer=customer, date=day).first()
            if not self.prepaid_on(customer.pk, day):
                assert hold is None
                continue
            # What the wallet can still pay: balance − other pending days from today on.
            ahead_due = sum(
                (
                    (d.ordered_qty * d.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
                    for d in Delivery.objects.filter(
                        customer=customer, date__gte=self.today, status=Delivery.Status.PENDING
                    ).exclude(date=day)
                    if self.prepaid_on(customer.pk, d.date)
                ),
                ZERO,
            )
            available = wallet_balance(customer.pk) - ahead_due
            if hold is not None:
                # Below the need: nothing generated that day, and the reason recorded.
                assert hold.reason == Hold.Reason.LOW_BALANCE
                assert not pending.exists()
                assert available < hold.amount
            elif pending.exists():
                # (Nothing pending — the day delivered already — leaves nothing to pay: a
                # wallet may be below zero after a delivery it paid for on a switch.)
                need = sum((d.ordered_qty * d.unit_price for d in pending), ZERO)
                assert available >= need.quantize(CENT, rounding=ROUND_HALF_UP)

    @rule()
    def bill(self):
        run_billing(period=NOV, before_month_end=True)

    @rule()
    def next_day(self):
        if self.today < LAST_TODAY:
            self.traveller.shift(dt.timedelta(days=1))

    # --- what must always hold ------------------------------------------------------

    @invariant()
    def at_commit_the_database_checks_pass(self):  # named to run first
        check_now()  # the deferred constraint triggers: an IntegrityError fails the step

    @invariant()
    def each_balance_is_its_entries_and_the_models(self):
        for customer in self.customers:
            entries = list(WalletEntry.objects.filter(customer=customer))
            delivered = sum(
                (
                    _amount(d)
                    for d in Delivery.objects.filter(
                        customer=customer, status__in=Delivery.BILLABLE_STATUSES
                    )
                    if self.prepaid_on(customer.pk, d.date)
                ),
                ZERO,
            )
            expected = self.recharged[customer.pk] - delivered
            assert wallet_balance(customer.pk) == sum((e.amount for e in entries), ZERO)
            assert wallet_balance(customer.pk) == expected

    @invariant()
    def every_prepaid_delivered_unit_is_debited_once_and_never_billed(self):
        for delivery in Delivery.objects.all():
            open_debits = WalletEntry.objects.filter(
                delivery=delivery, kind=WalletEntry.Kind.DEBIT, reversed_by__isnull=True
            )
            prepaid = self.prepaid_on(delivery.customer_id, delivery.date)
            if prepaid and delivery.status in Delivery.BILLABLE_STATUSES and _amount(delivery):
                assert list(open_debits.values_list("amount", flat=True)) == [-_amount(delivery)]
                assert not BillingLine.objects.filter(delivery=delivery).exists()
            else:
                assert not open_debits.exists()
            reversed_total = WalletEntry.objects.filter(delivery=delivery).aggregate(
                total=Sum("amount")
            )["total"]
            assert (reversed_total or ZERO) == (
                -_amount(delivery)
                if prepaid and delivery.status in Delivery.BILLABLE_STATUSES
                else ZERO
            )


@pytest.mark.django_db
def test_wallets_debit_every_prepaid_unit_once_and_hold_who_cannot_pay():
    run_state_machine_as_test(
        Wallets,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
