"""The delivery boys are a drop-down of staff pages: a change to them moves the reference
lists' version (earlybird.reference, earlybird migration 0008)."""

from django.db import migrations

from earlybird.reference import watch


class Migration(migrations.Migration):
    dependencies = [("deliveries", "0005_drop_covered_indexes"), ("earlybird", "0008_reference_version")]
    operations = [watch("deliveries_deliveryboy")]
