"""Billing's part of the delivery boy's route pages (deliveries sits below billing, so
billing registers here at ready(), see `register_with_deliveries`):

* the "cash" action of his tap queue and of the route page's form (deliveries.services.
  offline): cash he received at the door, recorded as a payment received by him through
  record_payment (a prepaid customer's cash goes into the wallet, as on the cash page),
  within CASH_COLLECTION_MAX_AMOUNT (earlybird/bounds.py);
* the amount due on each stop (deliveries.stop_extras): the one balance formula, one
  query for the whole route;
* what he collected today, per customer, for his cash summary page (web.cash).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import Bill, CashHandover, Payment
from billing.selectors.balances import balances_for
from billing.selectors.handovers import cash_payments_by_delivery_boys
from billing.selectors.wallet import PREPAID, billing_mode_on
from billing.services import record_payment
from billing.services.wallet import recharge_wallet
from customers.models import Customer
from deliveries.models import DeliveryBoy
from earlybird import bounds
from earlybird.templatetags.money import format_inr

# A queued tap may reach the server a day or two late; cash is recorded on the day taken.
LATE_DAYS = 3


def record_cash(tap) -> str:
    """A deliveries.services.offline kind: the cash `tap.action.amount` from the stop's
    customer, received by the delivery boy (his route only: the tap found the customer
    there)."""
    today = timezone.localdate()
    day = tap.action.day
    if not today - timedelta(days=LATE_DAYS) <= day <= today:
        raise ValidationError(_("Cash can be recorded for today only."))
    amount = bounds.parse_decimal(tap.action.amount, field="amount")
    bounds.check_amount(amount, field="amount", cash_by_delivery_boy=True)
    user = tap.boy.user
    prepaid = billing_mode_on(tap.customer.pk, day) == PREPAID
    pay = recharge_wallet if prepaid else record_payment
    payment = pay(
        customer=tap.customer,
        amount=amount,
        method=Payment.Method.CASH,
        paid_on=day,
        received_by=user,
        by=user,
    )
    what = _("wallet recharge") if prepaid else _("cash")
    return _("%(name)s: %(amount)s %(what)s recorded (%(code)s).") % {
        "name": tap.customer.name,
        "amount": format_inr(payment.amount),
        "what": what,
        "code": payment.code,
    }


def amounts_due(customer_ids: Sequence[int]) -> dict[int, Decimal]:
    """{customer id: what they owe now} for those who owe something. One query."""
    return {pk: due for pk, due in balances_for(list(customer_ids)).items() if due > 0}


def amount_due_sql(customers_sql: str) -> tuple[str, dict]:
    """amounts_due as SQL the route page folds into its own query (deliveries.stop_extras):
    (customer_id, amount due, NULL when nothing is due) of the customers `customers_sql`
    selects. The same formula as billing.selectors.balances.balances_for — opening
    balance + issued bills − payments toward bills — and the tests hold them equal."""
    # Table names from the models, values as parameters, `customers_sql` the caller's SQL.
    # Sums GROUP BY customer joined once (a correlated subquery would run per row, twice:
    # the CASE reads `due` twice).
    sql = (
        "SELECT c.id, CASE WHEN c.due > 0 THEN c.due END FROM ("  # noqa: S608
        " SELECT c.id, ROUND(c.opening_balance + COALESCE(b.total, 0)"
        " - COALESCE(p.total, 0), 2) AS due"
        f" FROM {Customer._meta.db_table} c"
        f" LEFT JOIN (SELECT customer_id, SUM(total) AS total FROM {Bill._meta.db_table}"
        f"  WHERE status = %(due_issued)s AND customer_id IN ({customers_sql})"
        "  GROUP BY customer_id) b ON b.customer_id = c.id"
        f" LEFT JOIN (SELECT customer_id, SUM(amount) AS total FROM {Payment._meta.db_table}"
        f"  WHERE purpose = %(due_purpose)s AND customer_id IN ({customers_sql})"
        "  GROUP BY customer_id) p ON p.customer_id = c.id"
        f" WHERE c.id IN ({customers_sql})) c"
    )
    return sql, {"due_issued": Bill.Status.ISSUED, "due_purpose": Payment.Purpose.BILL}


@dataclass(frozen=True)
class CollectedRow:
    customer_id: int
    name: str
    amount: Decimal
    payments: int


@dataclass(frozen=True)
class CashSummary:
    day: date
    rows: list[CollectedRow]
    handover: CashHandover | None

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal("0.00"))


def cash_summary(*, delivery_boy: DeliveryBoy, day: date) -> CashSummary:
    """What he collected in cash on `day`, per customer (bills and wallet recharges alike),
    and the office's confirmation of his hand-over, if any. Two queries."""
    rows = (
        cash_payments_by_delivery_boys()
        .filter(received_by__delivery_boy=delivery_boy, paid_on=day)
        .order_by()
        .values("customer_id", "customer__name")
        .annotate(total=Sum("amount"), count=Count("pk"))
        .order_by("customer__name", "customer_id")
    )
    handover = CashHandover.objects.filter(delivery_boy=delivery_boy, day=day).first()
    return CashSummary(
        day=day,
        rows=[
            CollectedRow(r["customer_id"], r["customer__name"], r["total"], r["count"])
            for r in rows
        ],
        handover=handover,
    )


def register_with_deliveries() -> None:
    """At ready(): the cash kind of the tap queue, and the amount due on each stop."""
    from deliveries import stop_extras
    from deliveries.services import offline

    offline.register("cash", record_cash, guarded=False)
    stop_extras.register(stop_extras.AMOUNT_DUE, amounts_due, sql=amount_due_sql)
