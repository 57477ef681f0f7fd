"""The staff navigation (earlybird/templatetags/staff_nav.py): links grouped in menus,
only those the access table lets the user open, and where the user is marked."""

import re

import pytest
from django.urls import reverse

from billing.tests.factories import accounts_user
from customers.tests.factories import UserFactory
from earlybird.access import ACCESS, PUBLIC
from earlybird.roles import ADMIN, MARKETING, STAFF_ROLES, SUPPORT
from earlybird.templatetags.staff_nav import NAV, Group, current_item

pytestmark = pytest.mark.django_db


def nav_of(page: str) -> str:
    return page.split('<nav class="staff-nav"', 1)[1].split("</nav>", 1)[0]


def marked(nav: str) -> list[tuple[str, str]]:
    """(aria-current, link text) of the marked links."""
    return re.findall(r'<a href="[^"]*" aria-current="(\w+)"[^>]*>([^<]+)</a>', nav)


def test_the_page_is_marked_and_so_is_its_menu(client):
    client.force_login(accounts_user())

    nav = nav_of(client.get(reverse("billing:grid")).content.decode())

    assert marked(nav) == [("page", "Monthly grid")]
    assert '<details class="nav-group current">\n    <summary>Billing</summary>' in nav
    assert nav.count("current") == 2  # the link and its menu, nothing else


def test_a_page_under_a_list_marks_that_list(client):
    client.force_login(UserFactory(roles=[SUPPORT]))

    nav = nav_of(client.get(reverse("customers:create")).content.decode())

    assert marked(nav) == [("true", "Customers")]
    assert f'<a href="{reverse("customers:list")}" aria-current="true" class="current">' in nav


def test_each_role_sees_only_what_it_may_open(client):
    client.force_login(UserFactory(roles=[MARKETING]))
    marketing = nav_of(client.get(reverse("dashboard")).content.decode())
    client.force_login(UserFactory(roles=[ADMIN], is_staff=True))
    admin = nav_of(client.get(reverse("dashboard")).content.decode())

    for view in ("customers:list", "orders:one_time_list", "orders:products"):
        assert f'href="{reverse(view)}"' in marketing
    for view in ("deliveries:route_list", "billing:bills", "billing:low_balance", "jobs"):
        assert f'href="{reverse(view)}"' not in marketing  # their pages would 404
    assert "<summary>Billing</summary>" not in marketing
    assert 'href="/admin/"' not in marketing
    for view in ("deliveries:route_list", "billing:bills", "messaging:list", "jobs"):
        assert f'href="{reverse(view)}"' in admin
    assert 'href="/admin/"' in admin


def test_every_staff_page_belongs_to_a_link_of_the_navigation():
    staff_pages = [
        name
        for name, access in ACCESS.items()
        if access.read & set(STAFF_ROLES)
        and PUBLIC not in access.read
        and not name.startswith(("api:", "admin:"))
    ]
    items = [
        item for entry in NAV for item in (entry.items if isinstance(entry, Group) else (entry,))
    ]

    assert len(staff_pages) > 40
    assert [name for name in staff_pages if current_item(name) not in items] == []
    assert current_item("billing:payment_links").label == "Online payments"
    assert current_item("billing:payments").label == "Payments"
    assert current_item("orders:product_price").label == "Products"
    assert current_item("orders:pause").label == "Customers"
