"""Seed the English and Telugu texts of the bill message (shared by WhatsApp), and let
the admin role edit message templates (the admin group holds every permission)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ENGLISH = """Hello {name},
your {business} bill for {month} is ready.
Bill number: {bill_code}
Amount due: {amount_due}
Pay by UPI: {upi_link}
Thank you!"""

TELUGU = """నమస్కారం {name} గారు,
{month} నెలకు మీ {business} బిల్లు సిద్ధంగా ఉంది.
బిల్లు నంబరు: {bill_code}
చెల్లించవలసిన మొత్తం: {amount_due}
UPI ద్వారా చెల్లించండి: {upi_link}
ధన్యవాదాలు!"""

SEEDS = {"en": ENGLISH, "te": TELUGU}
ACTIONS = ("view", "add", "change", "delete")


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("billing", "MessageTemplate")
    for language, text in SEEDS.items():
        if not MessageTemplate.objects.filter(kind="bill", language=language).exists():
            MessageTemplate.objects.create(kind="bill", language=language, text=text)
    # Permissions are normally made after migrate; make them now for the admin group.
    billing = apps.get_app_config("billing")
    billing.models_module = True
    create_permissions(billing, verbosity=0)
    billing.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = Permission.objects.filter(
        content_type__app_label="billing",
        codename__in=[f"{action}_messagetemplate" for action in ACTIONS],
    )
    for group in Group.objects.filter(name="admin"):
        group.permissions.add(*wanted)


def unseed(apps, schema_editor):
    MessageTemplate = apps.get_model("billing", "MessageTemplate")
    for language, text in SEEDS.items():
        MessageTemplate.objects.filter(kind="bill", language=language, text=text).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0003_message_template"),
        ("earlybird", "0002_create_role_groups"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
