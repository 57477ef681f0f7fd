"""Seed the text of every kind of message in English, Telugu and Hindi and an "on"
switch per kind (messaging.defaults), and let the admin role edit them (the admin group
holds every permission)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from messaging import defaults

MODELS = ("messagetemplate", "messageswitch", "messagepreference", "message")
ACTIONS = ("view", "add", "change", "delete")


def seed(apps, schema_editor):
    defaults.seed(apps.get_model("messaging", "MessageTemplate"), apps.get_model("messaging", "MessageSwitch"))
    # Permissions are normally made after migrate; make them now for the admin group.
    messaging = apps.get_app_config("messaging")
    messaging.models_module = True
    create_permissions(messaging, verbosity=0)
    messaging.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = Permission.objects.filter(
        content_type__app_label="messaging",
        codename__in=[f"{action}_{model}" for action in ACTIONS for model in MODELS],
    )
    for group in Group.objects.filter(name="admin"):
        group.permissions.add(*wanted)


def unseed(apps, schema_editor):
    defaults.unseed(apps.get_model("messaging", "MessageTemplate"), apps.get_model("messaging", "MessageSwitch"))


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0002_templates_and_preferences"),
        ("earlybird", "0002_create_role_groups"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
