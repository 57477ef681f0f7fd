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


def test_a_request_reads_the_user_and_their_roles_in_one_query_and_afresh_each_time(client):
    """earlybird.sessions: every page asks for the roles, so they come with the session
    and its user; a role taken away counts from the next request on."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from earlybird.tests.test_plain_reads import make_user

    staff = make_user(roles.SUPPORT, roles.MARKETING)
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).url == reverse("dashboard")
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert len(queries.captured_queries) == 1, tables  # the session, its user with roles
    assert "auth_group" in tables
    staff.groups.clear()
    assert client.get(reverse("home")).url == reverse("admin:index")  # no role any more
    superuser = make_user(is_superuser=True)
    client.force_login(superuser)
    assert client.get(reverse("home")).url == reverse("dashboard")  # a superuser is admin
