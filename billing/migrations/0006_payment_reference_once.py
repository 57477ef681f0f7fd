"""A reference (UPI / bank reference, cheque number) is one payment per customer and
method, whatever its letters' case; blank references repeat freely. 0005 made the data fit."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0005_payment_repeated_references"),
        ("customers", "0001_initial"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.UniqueConstraint(
                models.F("customer"),
                models.F("method"),
                django.db.models.functions.text.Upper("reference"),
                condition=models.Q(("reference", ""), _negated=True),
                name="billing_payment_reference_once",
                violation_error_message=(
                    "This reference is already recorded for this customer and method."
                ),
            ),
        ),
    ]
