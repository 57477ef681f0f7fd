"""Who opens the reports: the roles that see every customer (admin, support, accounts)
read them all; marketing staff, delivery boys and customers get a 404; visitors the
login page. Only accounts staff and admins confirm a hand-over (test_cash)."""

import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from earlybird.access import ACCESS, Scope

pytestmark = pytest.mark.django_db

PAGES = ["index", "dues", "sales", "performance", "cash", "bottles"]
EXPORTS = [f"{name}_{fmt}" for name in PAGES[1:] for fmt in ("csv", "xlsx")]


def test_every_report_is_business_wide_for_the_roles_that_see_every_customer():
    entries = {name: access for name, access in ACCESS.items() if name.startswith("reports:")}

    assert sorted(entries) == sorted(f"reports:{name}" for name in PAGES + EXPORTS)
    assert {access.scope for access in entries.values()} == {Scope.ALL}
    assert {access.read for access in entries.values()} == {
        frozenset({roles.ADMIN, roles.SUPPORT, roles.ACCOUNTS})
    }
    assert entries["reports:cash"].write == frozenset({roles.ADMIN, roles.ACCOUNTS})


@pytest.mark.parametrize("role", [roles.ADMIN, roles.SUPPORT, roles.ACCOUNTS])
def test_they_open_every_page_and_export(client, cast, role):
    client.force_login(cast[role])

    for name in PAGES + EXPORTS:
        response = client.get(reverse(f"reports:{name}"))
        assert response.status_code == 200, name
        if name in PAGES:
            assert "<h1>" in response.content.decode()
        else:
            assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("who", ["marketing", "delivery boy", "customer"])
def test_others_get_a_404(client, cast, who):
    user = {
        "marketing": lambda: cast[roles.MARKETING],
        "delivery boy": lambda: DeliveryBoyFactory().user,
        "customer": lambda: CustomerFactory().user,
    }[who]()
    client.force_login(user)

    for name in PAGES + EXPORTS:
        assert client.get(reverse(f"reports:{name}")).status_code == 404, name


def test_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("reports:dues"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_report_page_does_not_take_a_post(client, cast):
    client.force_login(cast[roles.ACCOUNTS])

    assert client.post(reverse("reports:dues")).status_code == 405
