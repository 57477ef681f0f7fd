"""The delivery boys are a drop-down of staff pages: a change to them moves the reference
lists' version (earlybird.reference, earlybird migration 0008)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("deliveries", "0005_drop_covered_indexes"),
        ("earlybird", "0008_reference_version"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE TRIGGER earlybird_reference_changed"
            " AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON deliveries_deliveryboy"
            " FOR EACH STATEMENT EXECUTE FUNCTION earlybird_reference_changed()",
            "DROP TRIGGER IF EXISTS earlybird_reference_changed ON deliveries_deliveryboy",
        ),
    ]
