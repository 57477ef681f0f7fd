"""Create the role groups with their permissions (see earlybird/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from earlybird import roles


def create_groups(apps, schema_editor):
    # Permissions are normally made after migrate; make them now so groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    roles.ensure_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=roles.ALL_ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("earlybird", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0001_initial"),
        ("orders", "0001_initial"),
        ("deliveries", "0002_delivery_chain_consistency"),
        ("billing", "0002_billing_integrity_triggers"),
        ("legacy_import", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
