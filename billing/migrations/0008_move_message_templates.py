"""The bill's message texts move to messaging.MessageTemplate (purpose "bill_issued"),
one template per fact for the outbox and the wa.me share link. A text an admin changed
replaces the seeded one; inactive ones are kept, inactive. The next migration drops
billing's table."""

from django.db import migrations

# The texts migration 0004 seeded: left as they were, the new defaults stand instead.
SEEDED = {
    "en": "Hello {name},\nyour {business} bill for {month} is ready.\nBill number: {bill_code}\n"
    "Amount due: {amount_due}\nPay by UPI: {upi_link}\nThank you!",
    "te": "నమస్కారం {name} గారు,\n{month} నెలకు మీ {business} బిల్లు సిద్ధంగా ఉంది.\n"
    "బిల్లు నంబరు: {bill_code}\nచెల్లించవలసిన మొత్తం: {amount_due}\n"
    "UPI ద్వారా చెల్లించండి: {upi_link}\nధన్యవాదాలు!",
}


def forwards(apps, schema_editor):
    Old = apps.get_model("billing", "MessageTemplate")
    New = apps.get_model("messaging", "MessageTemplate")
    for old in Old.objects.filter(kind="bill").order_by("-is_active", "pk"):
        if old.is_active:
            if old.text == SEEDED.get(old.language):
                continue
            # Keep the admin's text active; the seeded default stays, inactive.
            New.objects.filter(purpose="bill_issued", language=old.language, is_active=True).update(
                is_active=False
            )
        New.objects.create(
            purpose="bill_issued", language=old.language, text=old.text, is_active=old.is_active
        )


def backwards(apps, schema_editor):
    Old = apps.get_model("billing", "MessageTemplate")
    New = apps.get_model("messaging", "MessageTemplate")
    for new in New.objects.filter(purpose="bill_issued", language__in=["en", "te"]):
        Old.objects.create(kind="bill", language=new.language, text=new.text, is_active=new.is_active)


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0007_billingrun_queued"),
        ("messaging", "0003_seed_templates"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
