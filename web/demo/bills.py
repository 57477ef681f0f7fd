"""Billing the demo's history through the real services, in the order it happens.

Each full month of the history is billed on the 1st of the next at 02:00 (`run_billing`,
as the monthly job does) and its bills issued that morning by accounts (`issue_bills`,
under the story clock: their issue date, due date and place in the ledger read as they
would have). Then the customers pay (`record_payment`), each in their own way,
drawn once: most promptly and in full in the first week, some late in the month, some a
part of the bill, a few not at all (the overdue bills and the dues of 30 and 60 days).
Each customer has a usual method (UPI, cash at the door to the delivery boy, bank
transfer, cheque) and now and then another. A payment dated after today is not made yet:
early in a month, most of last month's bills are still open, as they would be.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from billing.models import Bill, Payment
from billing.selectors import balances_for
from billing.services import issue_bills, month_end, next_month, record_payment, run_billing
from customers.models import Customer
from web.demo.clock import moment, story_time
from web.demo.dairy import CUSTOMER_LOGIN
from web.demo.history import history_start

M = Payment.Method
METHODS = [(M.UPI, 45), (M.CASH, 30), (M.BANK, 15), (M.CHEQUE, 10)]
# habit: (weight, days after the 1st the payment comes, share of the amount owed)
HABITS = {
    "prompt": (76, (1, 7), None),
    "late": (10, (9, 24), None),
    "part": (8, (3, 15), (Decimal("0.4"), Decimal("0.7"))),
    "never": (6, None, None),
}


@dataclass(frozen=True)
class Habit:
    kind: str
    method: str


def bill_history(*, today: date, rng: random.Random, accounts, boys_by_customer) -> int:
    """Bill, issue and collect every full month of the history; returns the bills issued.
    `boys_by_customer`: {customer id: the user of their delivery boy}, who takes the cash."""
    habits: dict[int, Habit] = {}
    issued = 0
    period = history_start(today)
    while month_end(period) < today:
        first_of_next = next_month(period)
        with story_time(moment(first_of_next, 2, 0)):
            run_billing(period=period)
        with story_time(moment(first_of_next, 9, 30)):
            issued += issue_bills(period=period, by=accounts)
        bills = list(
            Bill.objects.filter(period=period, status=Bill.Status.ISSUED)
            .select_related("customer")
            .order_by("customer__code", "pk")
        )
        owed = balances_for([bill.customer_id for bill in bills])
        for bill in bills:
            habit = habits.get(bill.customer_id) or _habit(bill.customer, rng)
            habits[bill.customer_id] = habit
            _collect(
                bill,
                habit,
                owed=owed[bill.customer_id],
                first=first_of_next,
                today=today,
                rng=rng,
                accounts=accounts,
                boy=boys_by_customer.get(bill.customer_id),
            )
        period = first_of_next
    return issued


def _habit(customer: Customer, rng: random.Random) -> Habit:
    kinds = list(HABITS)
    kind = rng.choices(kinds, weights=[HABITS[k][0] for k in kinds])[0]
    method = rng.choices([m for m, _ in METHODS], weights=[w for _, w in METHODS])[0]
    if customer.phone == CUSTOMER_LOGIN.username:  # the demo customer pays by UPI, on time
        kind, method = "prompt", M.UPI
    return Habit(kind, method)


def _collect(bill: Bill, habit: Habit, *, owed, first, today, rng, accounts, boy) -> None:
    """The customer's payment for this bill, if their habit makes one by today."""
    _, days, share = HABITS[habit.kind]
    if days is None or owed <= 0:
        return
    paid_on = first + timedelta(days=rng.randint(*days))
    method = habit.method if rng.random() < 0.85 else rng.choice([m for m, _ in METHODS])
    if method == M.CASH and boy is None:
        method = M.UPI  # no delivery boy comes by any more
    if share is not None:
        part = bill.total * Decimal(rng.uniform(float(share[0]), float(share[1])))
        amount = max(Decimal(100), part.quantize(Decimal(50), rounding=ROUND_FLOOR))
        amount = min(amount, owed)
    elif method == M.CASH:  # handed over in notes: to the next ten
        amount = (owed / 10).quantize(Decimal(1), rounding=ROUND_CEILING) * 10
    else:
        amount = owed
    if paid_on >= today:
        return  # not yet
    with story_time(moment(paid_on, rng.randint(7, 19), rng.randint(0, 59))):
        record_payment(
            customer=bill.customer,
            amount=amount,
            method=method,
            paid_on=paid_on,
            received_by=boy if method == M.CASH else None,
            reference=_reference(method, rng),
            by=boy if method == M.CASH else accounts,
        )


def _reference(method: str, rng: random.Random) -> str:
    """A UPI transaction id, a NEFT reference, a cheque number; none for cash."""
    if method == M.UPI:
        return f"{rng.randrange(10**11, 10**12)}"
    if method == M.BANK:
        return f"NEFT{rng.randrange(10**11, 10**12)}"
    if method == M.CHEQUE:
        return f"{rng.randrange(100000, 999999):06d}"
    return ""
