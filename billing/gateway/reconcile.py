"""The gateway's settlement report against the payments recorded from its webhooks (a
read: `manage.py reconcile_gateway FILE.csv` and the staff page print the same).

Three kinds of difference:
* in the report, not recorded: the gateway took money we have no payment for (a webhook
  lost or refused — the log says why — or a payment made outside our links);
* recorded, not in the report: payments recorded from the gateway, made on the days the
  report covers, that it does not list (not settled yet, refunded, or not real);
* amounts that differ between the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from billing.gateway.base import SettlementRow
from billing.models import Payment


@dataclass(frozen=True)
class Mismatch:
    row: SettlementRow
    payment: Payment

    @property
    def difference(self) -> Decimal:
        return self.row.amount - self.payment.amount


@dataclass
class GatewayReconciliation:
    rows: int  # payments in the report
    matched: int
    first_day: date | None  # the days the report's payments were made
    last_day: date | None
    not_recorded: list[SettlementRow] = field(default_factory=list)
    not_in_report: list[Payment] = field(default_factory=list)
    mismatched: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.not_recorded or self.not_in_report or self.mismatched)

    @property
    def total(self) -> int:
        return len(self.not_recorded) + len(self.not_in_report) + len(self.mismatched)


def reconcile_settlement(rows: list[SettlementRow]) -> GatewayReconciliation:
    """Compare; three queries whatever the size of the report."""
    days = [row.paid_on for row in rows if row.paid_on is not None]
    first, last = (min(days), max(days)) if days else (None, None)
    gateway_payments = Payment.objects.select_related("customer").exclude(gateway_payment_id="")
    ids = [row.payment_id for row in rows]
    recorded = {
        p.gateway_payment_id: p for p in gateway_payments.filter(gateway_payment_id__in=ids)
    }
    result = GatewayReconciliation(rows=len(rows), matched=0, first_day=first, last_day=last)
    for row in rows:
        payment = recorded.get(row.payment_id)
        if payment is None:
            result.not_recorded.append(row)
        elif payment.amount != row.amount:
            result.mismatched.append(Mismatch(row=row, payment=payment))
        else:
            result.matched += 1
    if first is not None:
        result.not_in_report = list(
            gateway_payments.filter(paid_on__range=(first, last))
            .exclude(gateway_payment_id__in=ids)
            .order_by("paid_on", "pk")
        )
    return result
