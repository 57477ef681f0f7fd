"""The kept reads' trigger (earlybird.changes) on the billing app's tables that pages read
(not its history tables: no page reads them)."""

from django.db import migrations

from earlybird.changes import watch


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0014_billingline_statement_check"),
        ("earlybird", "0009_change_slots"),
    ]

    operations = [
        watch("billing_billingrun"),
        watch("billing_bill"),
        watch("billing_billingline"),
        watch("billing_payment"),
        watch("billing_adjustment"),
        watch("billing_paymentlink"),
        watch("billing_cashhandover"),
        watch("billing_billingmode"),
        watch("billing_wallet"),
        watch("billing_walletentry"),
    ]
