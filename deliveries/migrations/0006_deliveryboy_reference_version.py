"""The delivery boys' trigger for the drop-downs' version row: superseded before release by the
watched tables' change numbers (earlybird.changes; earlybird migration 0009 drops what
this made on a database that applied it, and the deliveries app's watch_changes migration
puts the new trigger on the table). Kept empty so the migration graph stays as it was."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("deliveries", "0005_drop_covered_indexes"), ("earlybird", "0008_reference_version")]
    operations: list = []
