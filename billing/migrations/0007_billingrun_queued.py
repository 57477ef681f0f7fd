"""A billing run started from the staff page waits as "queued" until a worker runs it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0006_payment_reference_once"),
    ]

    operations = [
        migrations.AlterField(
            model_name="billingrun",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Running"),
                    ("finished", "Finished"),
                    ("failed", "Failed"),
                ],
                default="running",
                max_length=10,
            ),
        ),
    ]
