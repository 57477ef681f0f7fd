"""Cash collected vs handed over: per delivery boy and day, the cash payments he
recorded at the door (toward bills and wallet recharges alike) and the hand-over that
accounts staff confirmed at the office (billing.services.handovers.confirm_handover),
with the difference: what he still holds, or was short.

A row is a boy and a day with cash collected or a hand-over confirmed, latest day first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.utils import timezone

from billing.models import CashHandover
from billing.selectors import ZERO
from billing.selectors.handovers import cash_collected_by_day, handovers_between
from deliveries.models import DeliveryBoy
from earlybird.bounds import AmountField, DayField
from earlybird.idempotency import OnceFormMixin
from web.reports.exports import Table
from web.reports.periods import DayRange

OPERATION = "reports:cash"


@dataclass
class CashRow:
    delivery_boy: DeliveryBoy
    day: date
    collected: Decimal
    payments: int  # how many cash payments
    handover: CashHandover | None
    form: forms.Form | None = None  # to confirm the hand-over, for those who may

    @property
    def handed_over(self) -> Decimal:
        return self.handover.amount if self.handover else ZERO

    @property
    def difference(self) -> Decimal:
        """Collected − handed over: still with him (or short, if confirmed)."""
        return self.collected - self.handed_over

    @property
    def key(self) -> tuple[int, date]:
        return (self.delivery_boy.pk, self.day)


@dataclass(frozen=True)
class CashReport:
    period: DayRange
    rows: list[CashRow]

    @property
    def collected(self) -> Decimal:
        return sum((row.collected for row in self.rows), ZERO)

    @property
    def handed_over(self) -> Decimal:
        return sum((row.handed_over for row in self.rows), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.collected - self.handed_over

    @property
    def to_confirm(self) -> int:
        return sum(1 for row in self.rows if row.handover is None)


def cash_report(*, period: DayRange) -> CashReport:
    """Three queries, whatever the number of boys, days and payments."""
    collected = cash_collected_by_day(first=period.first, last=period.last)
    handovers = {
        (h.delivery_boy_id, h.day): h
        for h in handovers_between(first=period.first, last=period.last)
    }
    keys = collected.keys() | handovers.keys()
    boys = {h.delivery_boy_id: h.delivery_boy for h in handovers.values()}
    missing = {boy for boy, _ in keys} - boys.keys()
    if missing:
        boys |= DeliveryBoy.objects.in_bulk(missing)
    rows = [
        CashRow(
            delivery_boy=boys[boy],
            day=day,
            collected=collected.get((boy, day), (ZERO, 0))[0],
            payments=collected.get((boy, day), (ZERO, 0))[1],
            handover=handovers.get((boy, day)),
        )
        for boy, day in keys
    ]
    rows.sort(key=lambda row: (-row.day.toordinal(), row.delivery_boy.name, row.delivery_boy.pk))
    return CashReport(period=period, rows=rows)


class HandoverForm(OnceFormMixin, forms.Form):
    """Confirm what a delivery boy handed over for one day (sent once)."""

    once_operation = OPERATION

    delivery_boy = forms.ModelChoiceField(
        DeliveryBoy.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "No such delivery boy."},
    )
    day = DayField(widget=forms.HiddenInput, error_messages={"invalid": "Not a day."})
    amount = AmountField(
        allow_zero=True,
        label="Handed over (₹)",
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )
    note = forms.CharField(required=False, max_length=200, label="Note (why it differs)")

    def key(self) -> tuple[int, date] | None:
        """The row this form is for, from what was sent (valid or not)."""
        try:
            return (
                int(self.data.get("delivery_boy", "")),
                date.fromisoformat(self.data.get("day", "")),
            )
        except (TypeError, ValueError):
            return None


def handover_form(row: CashRow, *, user) -> HandoverForm:
    return HandoverForm(
        user=user,
        initial={"delivery_boy": row.delivery_boy.pk, "day": row.day, "amount": row.collected},
        auto_id=f"handover-{row.delivery_boy.pk}-{row.day:%Y%m%d}-%s",
    )


HEADER = [
    "Day",
    "Delivery boy",
    "Cash payments",
    "Collected",
    "Handed over",
    "Difference",
    "Confirmed by",
    "Confirmed at",
    "Note",
]


def cash_table(report: CashReport) -> Table:
    rows = []
    for row in report.rows:
        handover = row.handover
        rows.append(
            [
                f"{row.day:%Y-%m-%d}",
                row.delivery_boy.name,
                row.payments,
                row.collected,
                handover.amount if handover else None,
                row.difference,
                _who(handover.confirmed_by) if handover else "not yet",
                f"{timezone.localtime(handover.confirmed_at):%Y-%m-%d %H:%M}" if handover else "",
                handover.note if handover else "",
            ]
        )
    first, last = report.period.first, report.period.last
    return Table(
        name=f"earlybird-cash-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}",
        title=f"Cash {first:%Y-%m-%d} to {last:%Y-%m-%d}",
        header=HEADER,
        rows=rows,
        totals=[
            "Total",
            "",
            sum(row.payments for row in report.rows),
            report.collected,
            report.handed_over,
            report.difference,
            "",
            "",
            "",
        ],
        money=frozenset(["Collected", "Handed over", "Difference"]),
    )


def _who(user) -> str:
    return user.get_full_name() or user.get_username()
