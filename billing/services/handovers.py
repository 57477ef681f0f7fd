"""Cash a delivery boy hands over at the office, confirmed by accounts staff: once per
boy and day, for what he collected that day, or another amount with a note saying why."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import CashHandover
from billing.selectors.handovers import cash_collected
from deliveries.models import DeliveryBoy
from earlybird.bounds import check_amount, check_day
from earlybird.roles import ACCOUNTS, ADMIN, has_role
from earlybird.templatetags.money import format_inr

ALREADY = "{boy}'s cash of {day} is already confirmed."


def confirm_handover(
    *, boy: DeliveryBoy, day: date, amount: Decimal, by, note: str = ""
) -> CashHandover:
    """Record that `boy` handed over `amount` for what he collected on `day`.

    Accounts staff and admins only. The amount is what his cash payments of the day add
    up to, or another amount with a note explaining the difference; a day still to come,
    a day with nothing collected and nothing handed over, and a second confirmation of
    the same boy and day are refused (a ValidationError, nothing written).
    """
    if by is None or not has_role(by, ACCOUNTS, ADMIN):
        raise PermissionDenied("Only accounts staff or an admin confirm a cash hand-over.")
    check_day(day, field="day")
    if day > timezone.localdate():
        raise ValidationError({"day": "Cash of a day still to come cannot be handed over."})
    amount = check_amount(amount, field="amount", allow_zero=True)
    note = note.strip()
    with transaction.atomic():
        collected = cash_collected(delivery_boy=boy, day=day)
        if collected == 0 and amount == 0:
            raise ValidationError(f"{boy} collected no cash on {day:%d %b %Y}: nothing to confirm.")
        if amount != collected and not note:
            raise ValidationError(
                {
                    "note": f"He collected {format_inr(collected)} and hands over "
                    f"{format_inr(amount)}: say why they differ."
                }
            )
        handover = CashHandover(
            delivery_boy=boy,
            day=day,
            amount=amount,
            collected=collected,
            note=note,
            confirmed_by=by,
            confirmed_at=timezone.now(),
        )
        handover.full_clean()
        try:
            # The unique index decides between two confirmations sent at once.
            with transaction.atomic():
                handover.save()
        except IntegrityError:
            raise ValidationError(ALREADY.format(boy=boy, day=f"{day:%d %b %Y}")) from None
    return handover
