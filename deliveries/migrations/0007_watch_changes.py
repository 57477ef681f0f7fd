"""The kept reads' trigger (earlybird.changes) on the deliveries app's tables that pages read
(not its history tables: no page reads them)."""

from django.db import migrations

from earlybird.changes import watch


class Migration(migrations.Migration):
    dependencies = [
        ("deliveries", "0006_deliveryboy_reference_version"),
        ("earlybird", "0009_change_slots"),
    ]

    operations = [
        watch("deliveries_deliveryboy"),
        watch("deliveries_routestop"),
        watch("deliveries_deliverylink"),
        watch("deliveries_delivery"),
        watch("deliveries_hold"),
    ]
