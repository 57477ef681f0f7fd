"""Whether a customer had a billable delivery in a month, one probe of an index, and what
their month billed read from that index alone (the grid; issue 18). Built CONCURRENTLY:
deliveries is the largest table, and confirmations must not wait for the build."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("deliveries", "0006_deliveryboy_reference_version"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("status__in", ["delivered", "partial"])),
                fields=["customer", "date"],
                include=["product", "delivered_qty", "unit_price"],
                name="deliveries_billable_customer",
            ),
        ),
    ]
