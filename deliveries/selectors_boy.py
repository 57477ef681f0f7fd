"""Reads for the delivery boy's pages at /d/: his route with what each stop needs (the
state token the phone syncs against, the amount due, the bottle balance), and the load
sheet of what to pick up at the dairy.

The amount due is billing's: it comes through deliveries.stop_extras, which billing
fills at ready(). The bottle balance is deliveries.selectors_bottles'.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.db.models import Sum

from deliveries import selectors, stop_extras
from deliveries.models import Delivery, DeliveryBoy
from deliveries.selectors import ProcurementRow, Stop, StopRows, bulk_totals
from earlybird.units import product_size


def stop_token(deliveries: Iterable[Delivery]) -> str:
    """An opaque string of a stop's confirmation state: it changes whenever any of its
    deliveries' status, quantities, reason, bottles or confirmer changes (no query)."""
    parts = [
        "|".join(
            str(value)
            for value in (
                d.pk,
                d.status,
                d.ordered_qty,
                d.delivered_qty,
                d.reason,
                getattr(d, "bottles_given", 0),
                getattr(d, "bottles_collected", 0),
                d.confirmed_by_id,
                d.confirmed_via,
                d.confirmed_by_name,
                d.delivery_link_id,
                d.confirmed_at.isoformat() if d.confirmed_at else "",
            )
        )
        for d in sorted(deliveries, key=lambda d: d.pk)
    ]
    return hashlib.blake2b("/".join(parts).encode(), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class PageStop:
    """One stop of the route page as its query read it: the rows (selectors.StopRows) and,
    when billing's provider gave no SQL to fold in, the amount due it gave (`due_apart`,
    one value; empty otherwise). Equal PageStops show the same: the page keeps each one's
    markup by it (deliveries.views.boy)."""

    rows: StopRows
    due_apart: tuple = ()

    def stop(self) -> Stop:
        """The stop with `seen` (its stop_token), `due` (the amount due, or None when
        nothing is due), `bottle_balance` and `returnable` (its deliveries of returnable
        products); no query."""
        stop = self.rows.stop()
        if self.due_apart:
            stop.amount_due = self.due_apart[0]
        amount = getattr(stop, stop_extras.AMOUNT_DUE, None)
        stop.due = amount if amount is not None and amount > 0 else None
        stop.seen = stop_token(stop.deliveries)
        stop.returnable = [d for d in stop.deliveries if d.product.returnable]
        return stop


@dataclass
class RoutePage:
    """One day and shift of a delivery boy's route, every stop with what it needs."""

    day: date
    shift: str
    page_stops: list[PageStop]
    generated: bool

    @cached_property
    def stops(self) -> list[Stop]:
        return [page_stop.stop() for page_stop in self.page_stops]

    # Counted once from the rows: the page reads each twice (and `left` from both).
    @cached_property
    def to_deliver(self) -> int:
        return sum(page_stop.rows.has_deliveries for page_stop in self.page_stops)

    @cached_property
    def done(self) -> int:
        return sum(page_stop.rows.is_done for page_stop in self.page_stops)

    @property
    def left(self) -> int:
        return self.to_deliver - self.done

    @property
    def paused(self) -> int:
        return len(self.page_stops) - self.to_deliver


def route_page(
    *, delivery_boy: DeliveryBoy, day: date, shift: str, customer_ids: set[int] | None = None
) -> RoutePage:
    """route_with_holds (of `customer_ids` only, if given) as selectors.lean_route_rows
    reads it; each stop's `stop()` gives what PageStop.stop says. One query (the extras
    that give SQL are folded into it), plus one per extra that does not."""
    folded = stop_extras.sql_for("SELECT customer_id FROM s")
    rows = selectors.lean_route_rows(
        delivery_boy_id=delivery_boy.pk,
        day=day,
        shift=shift,
        customer_ids=customer_ids,
        extras=folded,
    )
    ids = [stop.rows[0][0] for stop in rows]
    extras = stop_extras.values_for(ids, skip=folded) if ids else {}
    due = extras.get(stop_extras.AMOUNT_DUE)
    if due is None:
        page_stops = [PageStop(stop) for stop in rows]
    else:
        page_stops = [PageStop(stop, (due.get(stop.rows[0][0]),)) for stop in rows]
    generated = bool(rows) or selectors.day_is_generated(day=day)
    return RoutePage(day=day, shift=shift, page_stops=page_stops, generated=generated)


# --- the load sheet -----------------------------------------------------------------------


@dataclass
class LoadShift:
    """What to pick up for one shift: per product, and the litres and kg in all."""

    day: date
    shift: str
    rows: list[ProcurementRow] = field(default_factory=list)

    @property
    def totals(self):
        totals = bulk_totals(self.rows)
        return totals[0] if totals else None


def load_sheet(*, delivery_boy: DeliveryBoy, days: list[date]) -> list[LoadShift]:
    """Per day and shift (morning first), the products of his route to load, with their
    packets and litres/kg (earlybird.units: sizes from the products' names); cancelled
    rows left out. One aggregate query."""
    rows = (
        Delivery.objects.filter(delivery_boy=delivery_boy, date__in=days)
        .exclude(status=Delivery.Status.CANCELLED)
        .order_by()
        .values("date", "shift", "product__sort_order", "product__name", "product__unit")
        .annotate(total=Sum("ordered_qty"))
        .order_by("date", "-shift", "product__sort_order", "product__name", "product__unit")
    )
    sheet: dict[tuple[date, str], LoadShift] = {}
    for row in rows:
        shift = sheet.setdefault((row["date"], row["shift"]), LoadShift(row["date"], row["shift"]))
        name, unit = row["product__name"], row["product__unit"]
        shift.rows.append(
            ProcurementRow(
                group=row["shift"],
                product=name,
                unit=unit,
                quantity=row["total"] or Decimal(0),
                size=product_size(name=name, unit=unit),
            )
        )
    return list(sheet.values())
