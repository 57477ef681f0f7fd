"""Seed the default texts (en, te, hi) and the "on" switch of the wallet's two kinds of
message: a wallet recharged, deliveries paused for a low wallet balance."""

from django.db import migrations

from messaging import defaults

NEW = ("wallet_recharged", "paused_low_balance")


def seed(apps, schema_editor):
    # Adds only what is missing: the kinds seeded before are left as edited.
    defaults.seed(apps.get_model("messaging", "MessageTemplate"), apps.get_model("messaging", "MessageSwitch"))


def unseed(apps, schema_editor):
    Template = apps.get_model("messaging", "MessageTemplate")
    Switch = apps.get_model("messaging", "MessageSwitch")
    for purpose in NEW:
        for language, text in defaults.TEXTS[purpose].items():
            Template.objects.filter(purpose=purpose, language=language, text=text).delete()
    Switch.objects.filter(purpose__in=NEW).delete()


class Migration(migrations.Migration):
    dependencies = [("messaging", "0004_wallet_purposes")]

    operations = [migrations.RunPython(seed, unseed)]
