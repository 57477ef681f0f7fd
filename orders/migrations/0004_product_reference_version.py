"""The products are a drop-down of staff pages: a change to them moves the reference
lists' version (earlybird.reference, earlybird migration 0008)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_product_returnable_containers"),
        ("earlybird", "0008_reference_version"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE TRIGGER earlybird_reference_changed"
            " AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON orders_product"
            " FOR EACH STATEMENT EXECUTE FUNCTION earlybird_reference_changed()",
            "DROP TRIGGER IF EXISTS earlybird_reference_changed ON orders_product",
        ),
    ]
