"""The kept reads' trigger (earlybird.changes) on the orders app's tables that pages read
(not its history tables: no page reads them)."""

from django.db import migrations

from earlybird.changes import watch


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0004_product_reference_version"),
        ("earlybird", "0009_change_slots"),
    ]

    operations = [
        watch("orders_product"),
        watch("orders_productprice"),
        watch("orders_customerprice"),
        watch("orders_order"),
        watch("orders_orderline"),
        watch("orders_orderpause"),
        watch("orders_dayoverride"),
    ]
