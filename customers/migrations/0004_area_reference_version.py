"""The areas' trigger for the drop-downs' version row: superseded before release by the
watched tables' change numbers (earlybird.changes; earlybird migration 0009 drops what
this made on a database that applied it, and the customers app's watch_changes migration
puts the new trigger on the table). Kept empty so the migration graph stays as it was."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_name_order_index"), ("earlybird", "0008_reference_version")]
    operations: list = []
