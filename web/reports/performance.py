"""Delivery performance per delivery boy over a range of days (days still to come left
out): of the deliveries due on his route (cancelled ones aside), how many were

- on time: delivered in full and confirmed the same day (IST),
- late: delivered in full but confirmed on a later day (a correction or a late tap),
- partial: partly delivered (whenever confirmed),
- missed: not delivered, by the reason given,
- not confirmed: still pending;

as counts and as per cent of his deliveries. Deliveries confirmed on a substitute's
shared link count for the route's delivery boy; those of no route, apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, F, Q, Value, When
from django.utils import timezone

from deliveries.models import Delivery
from web.reports.charts import BAD, GOOD, LATE, NONE, PARTIAL, Chart, Segment, Share, shares_chart
from web.reports.exports import Table
from web.reports.periods import DayRange
from web.reports.units import percent

REASONS = Delivery.Reason.choices
NO_ROUTE = "No delivery boy"
CATEGORIES = (  # (attribute, label, colour)
    ("on_time", "On time", GOOD),
    ("late", "Late", LATE),
    ("partial", "Partial", PARTIAL),
    ("missed", "Missed", BAD),
    ("unconfirmed", "Not confirmed", NONE),
)


@dataclass
class BoyPerformance:
    name: str
    on_time: int = 0
    late: int = 0
    partial: int = 0
    unconfirmed: int = 0
    missed_by_reason: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(Delivery.Reason, 0)
    )

    @property
    def missed(self) -> int:
        return sum(self.missed_by_reason.values())

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.partial + self.missed + self.unconfirmed

    def share(self, category: str) -> Decimal:
        return percent(getattr(self, category), self.total)

    @property
    def figures(self) -> list[tuple[str, int, Decimal]]:
        """(label, count, per cent) of each category, for the page."""
        return [(label, getattr(self, name), self.share(name)) for name, label, _ in CATEGORIES]

    @property
    def reasons(self) -> list[tuple[str, int, Decimal]]:
        return [
            (label, self.missed_by_reason[value], percent(self.missed_by_reason[value], self.total))
            for value, label in REASONS
        ]

    def add(self, other: BoyPerformance) -> None:
        for name in ("on_time", "late", "partial", "unconfirmed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for reason, count in other.missed_by_reason.items():
            self.missed_by_reason[reason] += count


@dataclass(frozen=True)
class PerformanceReport:
    period: DayRange
    last_day: date | None  # the range's last day up to today; None: all still to come
    boys: list[BoyPerformance]
    totals: BoyPerformance

    @property
    def chart(self) -> Chart:
        rows = [
            Share(
                boy.name[:24],
                [
                    Segment(
                        label,
                        Decimal(getattr(boy, name)),
                        colour,
                        f"{boy.name}: {label.lower()} {getattr(boy, name)} "
                        f"of {boy.total} ({boy.share(name)}%)",
                    )
                    for name, label, colour in CATEGORIES
                ],
            )
            for boy in self.boys
        ]
        return shares_chart(
            rows,
            description="Share of each delivery boy's deliveries on time, late, partial, "
            "missed and not confirmed",
            legend=[(colour, label) for _, label, colour in CATEGORIES],
        )


def performance_report(*, period: DayRange) -> PerformanceReport:
    """Counts per delivery boy, status, reason and same-day confirmation. One query."""
    last = min(period.last, timezone.localdate())
    boys: dict[int | None, BoyPerformance] = {}
    if last >= period.first:
        rows = (
            Delivery.objects.filter(date__range=(period.first, last))
            .exclude(status=Delivery.Status.CANCELLED)
            .annotate(
                same_day=Case(
                    When(Q(confirmed_at__date=F("date")), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            )
            .order_by()
            .values("delivery_boy_id", "delivery_boy__name", "status", "reason", "same_day")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            boy = boys.setdefault(
                row["delivery_boy_id"], BoyPerformance(row["delivery_boy__name"] or NO_ROUTE)
            )
            _count(boy, row)
    ordered = sorted(boys.values(), key=lambda boy: (boy.name == NO_ROUTE, boy.name))
    totals = BoyPerformance("Total")
    for boy in ordered:
        totals.add(boy)
    return PerformanceReport(
        period=period, last_day=last if last >= period.first else None, boys=ordered, totals=totals
    )


def _count(boy: BoyPerformance, row: dict) -> None:
    status, n = row["status"], row["n"]
    if status == Delivery.Status.DELIVERED:
        if row["same_day"]:
            boy.on_time += n
        else:
            boy.late += n
    elif status == Delivery.Status.PARTIAL:
        boy.partial += n
    elif status == Delivery.Status.NOT_DELIVERED:
        reason = row["reason"] if row["reason"] in boy.missed_by_reason else Delivery.Reason.OTHER
        boy.missed_by_reason[reason] += n
    else:
        boy.unconfirmed += n


def performance_table(report: PerformanceReport) -> Table:
    header = ["Delivery boy", "Deliveries"]
    for _, label, _ in CATEGORIES:
        header += [label, f"{label} %"]
    for _, label in REASONS:
        header += [f"Missed: {label}"]

    def cells(boy: BoyPerformance) -> list:
        row = [boy.name, boy.total]
        for _, count, share in boy.figures:
            row += [count, share]
        return row + [count for _, count, _ in boy.reasons]

    first, last = report.period.first, report.period.last
    return Table(
        name=f"earlybird-delivery-performance-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}",
        title=f"Deliveries {first:%Y-%m-%d} to {last:%Y-%m-%d}",
        header=header,
        rows=[cells(boy) for boy in report.boys],
        totals=cells(report.totals),
    )
