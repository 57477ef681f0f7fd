"""A correction or a deletion racing the issue of a bill that counts the payment."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from billing.models import Bill, Payment
from billing.services import (
    add_adjustment,
    correct_payment,
    delete_payment,
    issue_bills,
    run_billing,
)
from billing.tests.factories import accounts_user
from billing.tests.payment_rules import OCT, pay
from customers.tests.factories import CustomerFactory
from earlybird.tests.concurrency import Holder, Worker, wait_until_blocked

pytestmark = pytest.mark.django_db


def _remove_the_period_locks(monkeypatch) -> None:
    monkeypatch.setattr("billing.services.payments.lock_period", lambda period: None)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["correct", "delete"])
@pytest.mark.parametrize("locked", [True, False], ids=["with the period lock", "lock removed"])
def test_a_payment_change_racing_the_issue_of_a_bill_counting_it_waits_then_is_refused(
    monkeypatch, change, locked
):
    # Given a September payment and an October draft: issuing it counts the payment
    accounts, customer = accounts_user(), CustomerFactory()
    payment = pay(customer, "500", method="cash", paid_on=dt.date(2026, 9, 20))
    add_adjustment(customer=customer, amount="300", reason="October milk", day=OCT)
    run_billing(period=OCT)
    if not locked:
        _remove_the_period_locks(monkeypatch)

    # When October is being issued (not committed yet) as the payment is corrected or deleted
    issue = Holder(lambda: issue_bills(period=OCT, by=accounts), name="issue")
    issue.start_and_hold()
    if change == "correct":
        work = lambda: correct_payment(  # noqa: E731
            payment=payment, amount="900", method="cash", paid_on=payment.paid_on, by=accounts
        )
    else:
        work = lambda: delete_payment(payment=payment, by=accounts)  # noqa: E731
    changer = Worker(work, name="change")
    changer.start()
    waited = wait_until_blocked(changer)
    issue.release()
    issue.finish()
    changer.finish()

    # Then the change waited for the issue and was refused: the bill and the payment agree
    bill = Bill.objects.get()
    assert issue.error is None and bill.status == Bill.Status.ISSUED
    if locked:
        assert waited == {"change": True}
        assert isinstance(changer.error, ValidationError)
        assert "already counts" in str(changer.error)
        assert Payment.objects.get().amount == Decimal("500.00")
        assert bill.previous_balance == Decimal("-500.00")
    else:  # the race this test exists to catch: the bill counts a payment that changed
        assert waited == {"change": False} and changer.error is None
        assert bill.previous_balance == Decimal("-500.00")
        assert not Payment.objects.filter(amount=Decimal("500.00")).exists()


def test_a_change_takes_the_locks_of_the_periods_that_could_count_it(customer, accounts):
    payment = pay(customer, "100", paid_on=dt.date(2026, 8, 14))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]

    with transaction.atomic():
        correct_payment(
            payment=payment, amount="120", method="upi", paid_on=dt.date(2026, 7, 31), by=accounts
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND pid = %s"
                " AND classid = 7302 ORDER BY objid",
                [pid],
            )
            held = [row[0] for row in cursor.fetchall()]

    assert held == [202608, 202609, 202610, 202611]  # August (after July 31) to this month
