"""The areas are a drop-down of staff pages: a change to them moves the reference
lists' version (earlybird.reference, earlybird migration 0008)."""

from django.db import migrations

from earlybird.reference import watch


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_name_order_index"), ("earlybird", "0008_reference_version")]
    operations = [watch("customers_area")]
