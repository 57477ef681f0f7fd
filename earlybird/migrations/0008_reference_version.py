"""The drop-down lists' version row (earlybird.reference) — superseded before release by
the watched tables' change numbers (earlybird.changes, migration 0009, which drops what
this migration made on a database that applied it). Kept empty so the migration graph
stays as it was."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("earlybird", "0007_session_with_user"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations: list = []
