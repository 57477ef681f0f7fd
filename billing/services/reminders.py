"""Overdue reminders, queued every day by a periodic job (billing.tasks).

A customer is reminded about their latest issued bill once it is due (issued at least
OVERDUE_REMINDER_AFTER_DAYS ago: billing.selectors.due_date) while money is still due on
it (its amount due, or the balance when that is less), and at most once in
OVERDUE_REMINDER_EVERY_DAYS. The Message rows are the record: each reminder's key names
the bill and the day ("overdue:<bill id>:<day>"), so running twice on a day queues nothing
more. A newer bill not yet due supersedes an older one: its amount includes the older's.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from billing.models import Bill
from billing.selectors import amounts_still_due, bill_message_context
from messaging.models import Message
from messaging.services import Outgoing, queue_messages

PREFIX = "overdue:"


def queue_overdue_reminders(*, today: date) -> int:
    """Queue today's reminders; returns how many were queued now."""
    issued_before = timezone.make_aware(
        datetime.combine(today - timedelta(days=settings.OVERDUE_REMINDER_AFTER_DAYS - 1), time())
    )
    latest = (
        Bill.objects.filter(customer=OuterRef("customer"), status=Bill.Status.ISSUED)
        .order_by("-period", "-pk")
        .values("pk")[:1]
    )
    bills = list(
        Bill.objects.filter(
            status=Bill.Status.ISSUED, pk=Subquery(latest), issued_at__lt=issued_before
        )
        .select_related("customer")
        .order_by("pk")
    )
    recent = _reminded_since(today - timedelta(days=settings.OVERDUE_REMINDER_EVERY_DAYS - 1))
    bills = [bill for bill in bills if bill.pk not in recent]
    amounts = amounts_still_due(bills)
    return len(
        queue_messages(
            Outgoing(
                customer=bill.customer,
                purpose=Message.Purpose.OVERDUE_REMINDER,
                context=bill_message_context(bill=bill, amount=amounts[bill.pk]),
                dedupe_key=f"{PREFIX}{bill.pk}:{today:%Y-%m-%d}",
            )
            for bill in bills
            if amounts[bill.pk] > 0
        )
    )


def _reminded_since(first_day: date) -> set[int]:
    """Ids of the bills reminded on `first_day` or later (by the day in the key)."""
    earliest = min(first_day, timezone.localdate()) - timedelta(days=1)
    since = timezone.make_aware(datetime.combine(earliest, time()))
    keys = Message.objects.filter(
        purpose=Message.Purpose.OVERDUE_REMINDER,
        dedupe_key__startswith=PREFIX,
        created_at__gte=since,  # a bound for the index; the key's day decides
    ).values_list("dedupe_key", flat=True)
    reminded = set()
    for key in keys:
        bill_id, _, day = key.removeprefix(PREFIX).partition(":")
        if date.fromisoformat(day) >= first_day:
            reminded.add(int(bill_id))
    return reminded
