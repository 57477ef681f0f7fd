"""Bottles and crates: the empties a delivery boy takes back at a stop.

What goes out is set by the confirmation service (Delivery.bottles_given, one container
per unit begun of a returnable product); what comes back is recorded here, on the stop's
deliveries of returnable products. A customer's balance is derived from those rows
(deliveries.selectors_bottles), never stored.

Rules: a count is a whole number from 0 to earlybird.bounds.MAX_BOTTLES per delivery; a
delivery boy or a shared link records today's deliveries only, staff (and the import)
also past days, never a day to come; a cancelled delivery takes nothing. A billed
delivery may still be corrected: containers are not money, no bill line changes and
the balance is read afresh wherever it is shown. Rows are locked as confirmations lock
them (the orders, then the deliveries, by pk: earlybird/locks.py), so a count and a
confirmation of the same stop never interleave.
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliveries.models import Delivery
from deliveries.services.confirmation import Confirmer, _lock_stop
from earlybird import bounds
from earlybird.formats import day_text


def record_bottles_collected(
    *,
    deliveries: Iterable[Delivery],
    collected: dict[int, int],
    by: Confirmer,
    today: date | None = None,
) -> list[Delivery]:
    """Set how many empties came back with each delivery named in `collected`
    ({delivery id: count}), all of them or none. `deliveries`: the stop's (or the page's)
    deliveries the user may touch; an id outside them is refused. A count already
    recorded is replaced (the boy corrects his tap). Returns the deliveries that changed.
    """
    today = today or timezone.localdate()
    allowed = {d.pk: d for d in deliveries}
    counts = _counts(collected, allowed)
    if not counts:
        return []
    with transaction.atomic():
        _lock_stop([allowed[pk] for pk in counts])
        rows = Delivery.objects.select_related("product").filter(pk__in=counts).order_by("pk")
        changed = []
        for row in rows:
            _check_may_count(row, by, today)
            if row.bottles_collected == counts[row.pk]:
                continue
            row.bottles_collected = counts[row.pk]
            row._change_reason = f"bottles collected via {by.via}"
            row.save(update_fields=["bottles_collected", "updated_at"])
            changed.append(row)
    return changed


def _counts(collected: dict, allowed: dict[int, Delivery]) -> dict[int, int]:
    """The counts, checked before anything is locked: ids of the given deliveries,
    whole numbers within the bounds."""
    if not isinstance(collected, dict):
        raise ValidationError(_("Say how many bottles came back for each product."))
    counts = {}
    for key, value in collected.items():
        try:
            pk = int(key)
        except (TypeError, ValueError):
            pk = None
        if pk not in allowed:
            raise ValidationError(_("That delivery is not on this stop."))
        counts[pk] = bounds.check_bottles(value, field="bottles_collected")
    return counts


def _check_may_count(delivery: Delivery, by: Confirmer, today: date) -> None:
    product = delivery.product
    if not product.returnable:
        raise ValidationError(
            _("%(product)s does not come in a returnable bottle.") % {"product": product.name}
        )
    if delivery.status == Delivery.Status.CANCELLED:
        raise ValidationError(
            _("%(code)s was cancelled; count the bottles on another delivery.")
            % {"code": delivery.code}
        )
    if delivery.date > today:
        raise ValidationError(
            _("%(code)s is for %(day)s, a day still to come.")
            % {"code": delivery.code, "day": day_text(delivery.date)}
        )
    if not by.may_correct_the_past and delivery.date != today:
        raise ValidationError(
            _("%(code)s is for %(day)s; only today's bottles can be counted here.")
            % {"code": delivery.code, "day": day_text(delivery.date)}
        )
