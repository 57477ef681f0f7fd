"""Materialising the day's deliveries from subscriptions and one-time orders."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from deliveries import holds
from deliveries.models import Delivery, Hold
from earlybird.codes import reserve_codes
from earlybird.formats import day_text
from orders.models import Order
from orders.selectors import due_lines_on


@dataclass
class GenerationReport:
    day: date
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    cancelled: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    held: int = 0  # customers whose deliveries are held for the day (deliveries.holds)

    def lines(self) -> list[str]:
        shifts = sorted(
            set(self.created) | set(self.updated) | set(self.cancelled) | set(self.unchanged)
        )
        rows = [
            f"{self.day}: created {sum(self.created.values())}, "
            f"updated {sum(self.updated.values())}, "
            f"cancelled {sum(self.cancelled.values())}, "
            f"unchanged {sum(self.unchanged.values())}, held {self.held}"
        ]
        for shift in shifts:
            rows.append(
                f"  {shift}: created {self.created[shift]}, updated {self.updated[shift]}, "
                f"cancelled {self.cancelled[shift]}, unchanged {self.unchanged[shift]}"
            )
        return rows


_GENERATION_LOCK = 7301  # advisory lock class for generate_deliveries

# A pending or cancelled row (alias d) that differs from its due line (alias due): it
# follows the line. Only ever true of a row nobody has confirmed.
_FOLLOWS_DUE = """
    d.status IN ('pending', 'cancelled') AND due.price IS NOT NULL
    AND (d.ordered_qty, d.unit_price, d.status, d.delivery_boy_id)
        IS DISTINCT FROM (due.quantity, due.price, 'pending', due.delivery_boy_id)
"""


def generate_deliveries(*, day: date, order_ids: list[int] | None = None) -> GenerationReport:
    """Materialise the Delivery rows due on `day`, set-based and idempotent.

    New due lines get a pending row (with the day's price and the customer's route);
    pending rows follow schedule edits (quantity, price, route) or are cancelled when
    no longer due; a cancelled row due again is reinstated; confirmed rows are never
    touched. Rows are written with a few bulk statements, not a save per row.
    With `order_ids`, only those orders' rows are brought up to date (a schedule edit).

    From today on, the hold providers (deliveries.holds) are asked which customers to
    hold: a held customer gets no row for the day (their pending rows are cancelled,
    confirmed ones kept) and a Hold row saying why; a customer no longer held is generated
    as usual and their Hold deleted. A hold covers the customer's whole day, so with
    `order_ids` all of those customers' orders are brought along. With no provider
    registered, nothing of this runs.
    """
    weigh_holds = bool(holds.providers()) and day >= timezone.localdate()
    if weigh_holds and order_ids is not None:
        order_ids = list(
            Order.objects.filter(
                customer_id__in=Order.objects.filter(pk__in=order_ids).values("customer_id")
            ).values_list("pk", flat=True)
        )
    due = due_lines_on(day=day, order_ids=order_ids)
    report = GenerationReport(day=day)
    with transaction.atomic(), connection.cursor() as cursor:
        # One generation per day at a time; a second one waits, then finds little to do.
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_GENERATION_LOCK, day.toordinal()])
        cursor.execute(
            "CREATE TEMPORARY TABLE due (order_line_id bigint PRIMARY KEY, order_id bigint,"
            " product_id bigint, customer_id bigint, shift varchar(8), quantity numeric(10,3),"
            " price numeric(12,2), delivery_boy_id bigint) ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            "COPY due (order_line_id, order_id, product_id, customer_id, shift, quantity)"
            " FROM STDIN"
        ) as copy:
            for row in due:
                copy.write_row(
                    (
                        row.order_line_id,
                        row.order_id,
                        row.product_id,
                        row.customer_id,
                        row.shift,
                        row.quantity,
                    )
                )
        # The day's price and route of each due line, worked out once.
        cursor.execute(
            """
            UPDATE due SET price = orders_price_on(due.customer_id, due.product_id, %(day)s),
                   delivery_boy_id = (SELECT rs.delivery_boy_id FROM deliveries_routestop rs
                                       WHERE rs.customer_id = due.customer_id)
            """,
            {"day": day},
        )
        cursor.execute("ANALYZE due")
        params = {"day": day, "all_orders": order_ids is None, "order_ids": order_ids or []}
        if weigh_holds:
            report.held = _hold(cursor, day=day, params=params)

        # Lock the rows this run will change, in primary-key order (earlybird/locks.py):
        # pending or cancelled rows that are due with other values, pending rows no longer
        # due. A row being confirmed at this moment is waited for, then re-checked by
        # PostgreSQL against this WHERE (its new status fails it) and left alone.
        cursor.execute(
            f"""
            SELECT d.id
              FROM deliveries_delivery d
              LEFT JOIN due ON due.order_line_id = d.order_line_id AND due.shift = d.shift
             WHERE d.date = %(day)s AND (%(all_orders)s OR d.order_id = ANY(%(order_ids)s))
               AND ((due.order_line_id IS NULL AND d.status = 'pending')
                    OR (due.order_line_id IS NOT NULL AND {_FOLLOWS_DUE}))
             ORDER BY d.id
               FOR NO KEY UPDATE OF d
            """,  # noqa: S608 - constant SQL fragment only
            params,
        )
        params["locked"] = [row[0] for row in cursor.fetchall()]

        # Each statement below writes only rows locked above, and repeats the status
        # condition in its own WHERE: a confirmed row is never written, whatever the timing.
        if params["locked"]:
            # Pending or cancelled rows that are due: follow quantity, price and route.
            cursor.execute(
                f"""
                WITH changed AS (
                    UPDATE deliveries_delivery d
                       SET ordered_qty = due.quantity, unit_price = due.price, status = 'pending',
                           delivery_boy_id = due.delivery_boy_id, updated_at = now()
                      FROM due
                     WHERE d.id = ANY(%(locked)s)
                       AND due.order_line_id = d.order_line_id AND due.shift = d.shift
                       AND {_FOLLOWS_DUE}
                 RETURNING d.shift
                )
                SELECT shift, count(*) FROM changed GROUP BY shift
                """,  # noqa: S608 - constant SQL fragment only
                params,
            )
            report.updated.update(dict(cursor.fetchall()))

            # Pending rows no longer due: cancelled (kept, so history shows what was planned).
            cursor.execute(
                """
                WITH gone AS (
                    UPDATE deliveries_delivery d SET status = 'cancelled', updated_at = now()
                     WHERE d.id = ANY(%(locked)s) AND d.status = 'pending'
                       AND NOT EXISTS (SELECT 1 FROM due WHERE due.order_line_id = d.order_line_id
                                       AND due.shift = d.shift)
                 RETURNING d.shift
                )
                SELECT shift, count(*) FROM gone GROUP BY shift
                """,
                params,
            )
            report.cancelled.update(dict(cursor.fetchall()))

        # Due lines with no row yet: new pending rows with consecutive DL- codes.
        cursor.execute(
            """
            CREATE TEMPORARY TABLE fresh ON COMMIT DROP AS
            SELECT due.*, row_number() OVER (ORDER BY rs.delivery_boy_id, rs.position,
                                      due.order_line_id) AS n
              FROM due
              LEFT JOIN deliveries_routestop rs ON rs.customer_id = due.customer_id
             WHERE NOT EXISTS (SELECT 1 FROM deliveries_delivery d
                                WHERE d.order_line_id = due.order_line_id
                                  AND d.date = %(day)s AND d.shift = due.shift)
            """,
            params,
        )
        cursor.execute("SELECT count(*) FROM fresh WHERE price IS NULL")
        unpriced = cursor.fetchone()[0]
        if unpriced:
            raise ValidationError(
                f"{unpriced} due line(s) on {day_text(day)} have a product with no price in force; "
                "set the product's price first."
            )
        cursor.execute("SELECT count(*) FROM fresh")
        count = cursor.fetchone()[0]
        if count:
            first_code = reserve_codes("DL", on=day, count=count)[0]
            first_number = int(first_code.rsplit("-", 1)[1])
            cursor.execute(
                """
                WITH made AS (
                    INSERT INTO deliveries_delivery
                        (code, order_id, order_line_id, product_id, customer_id, delivery_boy_id,
                         date, shift, ordered_qty, delivered_qty, unit_price, status, reason,
                         reason_note, confirmed_by_name, confirmed_via, confirmed_user_agent,
                         created_at, updated_at)
                    SELECT %(prefix)s || lpad(num::text, greatest(4, length(num::text)), '0'),
                           order_id, order_line_id, product_id, customer_id, delivery_boy_id,
                           %(day)s, shift, quantity, 0, price, 'pending', '', '', '', '', '',
                           now(), now()
                      FROM (SELECT *, %(first)s + n - 1 AS num FROM fresh) numbered
                 RETURNING shift
                )
                SELECT shift, count(*) FROM made GROUP BY shift
                """,
                {**params, "prefix": f"DL-{day:%Y%m%d}-", "first": first_number},
            )
            report.created.update(dict(cursor.fetchall()))
        cursor.execute("SELECT shift, count(*) FROM due GROUP BY shift")
        for shift, total in cursor.fetchall():
            report.unchanged[shift] = total - report.created[shift] - report.updated[shift]
        # Dropped now, not only at commit: the caller's transaction may go on.
        cursor.execute("DROP TABLE due, fresh")
    return report


def _hold(cursor, *, day: date, params: dict) -> int:
    """Ask the hold providers about the customers due on `day`, write their Hold rows,
    and take the held customers out of `due`: the statements that follow then create,
    update and reinstate nothing of theirs and cancel their pending rows as no longer
    due. Runs before any Delivery row is locked (providers may lock Customer-level rows).
    Returns the number of customers held."""
    # What each customer's day would cost: the due lines whose row is not confirmed
    # (new, pending or cancelled), each rounded like a bill line.
    cursor.execute(
        """
        CREATE TEMPORARY TABLE need ON COMMIT DROP AS
        SELECT due.customer_id, coalesce(sum(round(due.quantity * due.price, 2)), 0) AS amount,
               array_agg(DISTINCT due.shift ORDER BY due.shift) AS shifts
          FROM due
          LEFT JOIN deliveries_delivery d ON d.order_line_id = due.order_line_id
                                         AND d.date = %(day)s AND d.shift = due.shift
         WHERE d.id IS NULL OR d.status IN ('pending', 'cancelled')
         GROUP BY due.customer_id
        """,
        params,
    )
    cursor.execute("SELECT customer_id, amount FROM need")
    held = holds.holds_for(day, dict(cursor.fetchall()))
    params["held"] = list(held)
    if held:
        # A customer held again keeps their Hold (and when it began); what changed follows.
        cursor.execute(
            """
            INSERT INTO deliveries_hold
                (customer_id, date, reason, amount, shifts, created_at, updated_at)
            SELECT h.customer_id, %(day)s, h.reason, need.amount, need.shifts, now(), now()
              FROM unnest(%(held)s::bigint[], %(reasons)s::varchar[]) AS h(customer_id, reason)
              JOIN need ON need.customer_id = h.customer_id
            ON CONFLICT (customer_id, date) DO UPDATE
               SET reason = EXCLUDED.reason, amount = EXCLUDED.amount,
                   shifts = EXCLUDED.shifts, updated_at = now()
             WHERE (deliveries_hold.reason, deliveries_hold.amount, deliveries_hold.shifts)
                   IS DISTINCT FROM (EXCLUDED.reason, EXCLUDED.amount, EXCLUDED.shifts)
            """,
            {**params, "reasons": list(held.values())},
        )
        cursor.execute("DELETE FROM due WHERE customer_id = ANY(%(held)s)", params)
    # Customers in this run no longer held (they recharged, or have nothing due): resumed.
    cursor.execute(
        """
        DELETE FROM deliveries_hold h
         WHERE h.date = %(day)s AND NOT h.customer_id = ANY(%(held)s)
           AND (%(all_orders)s OR h.customer_id IN (SELECT o.customer_id FROM orders_order o
                                                     WHERE o.id = ANY(%(order_ids)s)))
        """,
        params,
    )
    cursor.execute("DROP TABLE need")
    return len(held)


def refresh_deliveries(*, order_ids: list[int], from_day: date) -> None:
    """After a schedule edit: bring the orders' rows up to date on every day from
    `from_day` that has already been generated (later days are generated in time).

    Past days are touched only where these orders already have rows (a pause entered
    late cancels them); a new order never back-fills the past.
    """
    today = timezone.localdate()
    own_days = Delivery.objects.filter(order_id__in=order_ids, date__gte=from_day)
    coming_days = Delivery.objects.filter(date__gte=max(from_day, today))
    days = set(own_days.values_list("date", flat=True).distinct()) | set(
        coming_days.values_list("date", flat=True).distinct()
    )
    if holds.providers():
        # A day everyone is held on has no delivery rows, but it was generated.
        held_days = Hold.objects.filter(date__gte=max(from_day, today))
        days |= set(held_days.values_list("date", flat=True).distinct())
    for day in sorted(days):
        generate_deliveries(day=day, order_ids=order_ids)


def refresh_holds(*, customer_ids: list[int], from_day: date) -> int:
    """Weigh these customers' held days again now, not at the next evening's generation
    (after a recharge, say): every day from `from_day` (today at the earliest) on which
    one of them is held is generated again for their orders. Returns the days redone."""
    days = list(
        Hold.objects.filter(
            customer_id__in=customer_ids, date__gte=max(from_day, timezone.localdate())
        )
        .order_by("date")
        .values_list("date", flat=True)
        .distinct()
    )
    if days:
        order_ids = list(
            Order.objects.filter(customer_id__in=customer_ids).values_list("pk", flat=True)
        )
        for day in days:
            generate_deliveries(day=day, order_ids=order_ids)
    return len(days)
