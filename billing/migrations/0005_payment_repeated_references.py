"""Before a reference may be recorded only once per customer and method (0006): a
reference repeated on several payments of one customer and method (the same UPI reference
recorded five times) stays on the first of them (earliest date, then first entered); the
others keep their amount and everything else, their reference moves into their notes with
the code of the first, for accounts to check, and their history says so. Nothing is
deleted: a repeat may be a duplicate to delete, or a real payment typed with a wrong
reference, and only a person can tell."""

from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Upper
from django.utils import timezone

REASON = "reference repeated: moved to the notes"


def move_repeated_references(apps, schema_editor) -> int:
    """Returns how many payments lost their reference (for the test)."""
    Payment = apps.get_model("billing", "Payment")
    History = apps.get_model("billing", "HistoricalPayment")
    repeated = (
        Payment.objects.exclude(reference="")
        .values("customer_id", "method", upper=Upper("reference"))
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("customer_id", "method", "upper")
    )
    moved = 0
    now = timezone.now()
    for group in repeated:
        first, *repeats = Payment.objects.filter(
            customer_id=group["customer_id"],
            method=group["method"],
            reference__iexact=group["upper"],
        ).order_by("paid_on", "pk")
        for payment in repeats:
            note = (
                f"Reference “{payment.reference}” was recorded first on {first.code} "
                f"({first.paid_on:%d %b %Y}); moved here when a reference became one payment "
                "per customer and method. Check whether this payment is a duplicate."
            )
            payment.notes = f"{payment.notes}\n{note}" if payment.notes else note
            payment.reference = ""
            payment.updated_at = now
            payment.save(update_fields=["notes", "reference", "updated_at"])
            History.objects.create(
                **{
                    f.attname: getattr(payment, f.attname)
                    for f in Payment._meta.concrete_fields
                },
                history_date=now,
                history_type="~",
                history_change_reason=REASON,
                history_user_id=None,
            )
            moved += 1
    if moved:
        print(f"\n  {moved} payments had a repeated reference; see their notes.")
    return moved


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0004_seed_message_templates"),
    ]

    operations = [
        migrations.RunPython(move_repeated_references, migrations.RunPython.noop),
    ]
