"""The role groups and their permissions (a data migration makes them). Which customers
each role sees: deliveries/tests/staff_pages/test_routes.py (a delivery boy sees his
route)."""

import pytest
from django.contrib.auth.models import Group

from earlybird import roles

pytestmark = pytest.mark.django_db


def test_the_role_groups_exist_with_their_permissions():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions")}
    assert set(roles.ALL_ROLES) <= set(groups)
    codenames = {name: {p.codename for p in g.permissions.all()} for name, g in groups.items()}
    assert "add_payment" in codenames["accounts"]
    assert "add_payment" not in codenames["marketing"]
    assert "change_dayoverride" in codenames["support"]
    assert "delete_customer" not in codenames["support"]
    assert "delete_customer" in codenames["admin"]
