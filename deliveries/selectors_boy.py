"""Reads for the delivery boy's pages at /d/: his route with what each stop needs (the
state token the phone syncs against, the amount due, the bottle balance), and the load
sheet of what to pick up at the dairy.

The amount due is billing's: it comes through deliveries.stop_extras, which billing
fills at ready(). The bottle balance is deliveries.selectors_bottles'.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cached_property

from django.db.models import Sum

from deliveries import route_rows, selectors, stop_extras
from deliveries.models import Delivery, DeliveryBoy
from deliveries.route_rows import RouteDelivery, RouteWindow, StopRows
from deliveries.selectors import ProcurementRow, Stop, bulk_totals
from earlybird.units import product_size

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _confirmed_at(delivery) -> str:
    """When it was confirmed, ISO 8601 in UTC ("" if not): a RouteDelivery has it in
    microseconds since 1970."""
    if isinstance(delivery, RouteDelivery):
        us = delivery.confirmed_at_us
        return "" if us is None else (EPOCH + timedelta(microseconds=us)).isoformat()
    return delivery.confirmed_at.isoformat() if delivery.confirmed_at else ""


def stop_token(deliveries: Iterable[Delivery | RouteDelivery]) -> str:
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
                _confirmed_at(d),
            )
        )
        for d in sorted(deliveries, key=lambda d: d.pk)
    ]
    return hashlib.blake2b("/".join(parts).encode(), digest_size=8).hexdigest()


@dataclass(frozen=True, slots=True)
class PageStop:
    """One stop of the route page as its query read it: the rows (route_rows.StopRows) and,
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
    """One day and shift of a delivery boy's route: a window of its stops (route_rows), each
    with what it needs, and the whole route's counts."""

    day: date
    shift: str
    page_stops: list[PageStop]
    generated: bool
    window: RouteWindow

    @cached_property
    def stops(self) -> list[Stop]:
        return [page_stop.stop() for page_stop in self.page_stops]

    @property
    def to_deliver(self) -> int:
        return self.window.to_deliver

    @property
    def done(self) -> int:
        return self.window.done

    @property
    def left(self) -> int:
        return self.to_deliver - self.done

    @property
    def paused(self) -> int:
        return self.window.route_stops - self.to_deliver

    # The counts of the stops in other windows: the phone counts the ones it shows and
    # adds these (static/js/route.js).
    @property
    def to_deliver_elsewhere(self) -> int:
        return self.to_deliver - sum(stop.rows.has_deliveries for stop in self.page_stops)

    @property
    def done_elsewhere(self) -> int:
        return self.done - sum(stop.rows.is_done for stop in self.page_stops)

    @property
    def parts(self) -> list[tuple[int, int, int, bool]]:
        """(number from 1, first stop, last stop, is this one) of every window, when the
        route has more than one."""
        window = self.window
        if window.parts < 2:
            return []
        return [
            (
                n + 1,
                n * window.size + 1,
                min((n + 1) * window.size, window.route_stops),
                n == window.part,
            )
            for n in range(window.parts)
        ]


def route_page(
    *,
    delivery_boy: DeliveryBoy,
    day: date,
    shift: str,
    part: int | None = None,
    stop: int | None = None,
    customer_ids: set[int] | None = None,
) -> RoutePage:
    """A window of route_with_holds (route_rows.route_window: the one holding customer
    `stop`, else window `part`, else the one with the first stop not done), or the stops
    of `customer_ids` only; each stop's `stop()` gives what PageStop.stop says. One query
    (the extras that give SQL are folded into it), plus one per extra that does not."""
    folded = stop_extras.sql_for(route_rows.WINDOW_CUSTOMERS)
    window = route_rows.route_window(
        delivery_boy_id=delivery_boy.pk,
        day=day,
        shift=shift,
        part=part,
        stop=stop,
        size=route_rows.WINDOW if customer_ids is None else len(customer_ids) or 1,
        customer_ids=customer_ids,
        extras=folded,
    )
    rows = window.stops
    ids = [stop.rows[0][0] for stop in rows]
    extras = stop_extras.values_for(ids, skip=folded) if ids else {}
    due = extras.get(stop_extras.AMOUNT_DUE)
    if due is None:
        page_stops = [PageStop(stop) for stop in rows]
    else:
        page_stops = [PageStop(stop, (due.get(stop.rows[0][0]),)) for stop in rows]
    generated = window.route_stops > 0 or selectors.day_is_generated(day=day)
    return RoutePage(day, shift, page_stops, generated, window)


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
