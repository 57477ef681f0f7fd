"""The kept reads' trigger (earlybird.changes) on the customers app's tables that pages read
(not its history tables: no page reads them)."""

from django.db import migrations

from earlybird.changes import watch


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0004_area_reference_version"),
        ("earlybird", "0009_change_slots"),
    ]

    operations = [
        watch("customers_area"),
        watch("customers_customer"),
    ]
