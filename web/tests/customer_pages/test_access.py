"""Who may open which staff customer page."""

import pytest
from django.urls import reverse

from customers.models import Customer
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from web.tests.customer_pages import login, staff

pytestmark = pytest.mark.django_db


def outsiders():
    """Users who get a 404 on every staff page."""
    return {
        "delivery boy": DeliveryBoyFactory().user,
        "customer": CustomerFactory().user,
        "no role": UserFactory(roles=["nonexistent group"]),  # saved with its password
    }


def staff_pages(customer) -> list[str]:
    return [
        reverse("customers:list"),
        reverse("customers:create"),
        reverse("customers:detail", args=[customer.pk]),
        reverse("customers:edit", args=[customer.pk]),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, own):
    for url in staff_pages(own):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_delivery_boys_customers_and_users_without_a_role_get_a_404(client, own):
    for who, user in outsiders().items():
        login(client, user)
        for url in staff_pages(own):
            assert client.get(url).status_code == 404, (who, url)
        response = client.post(reverse("customers:activate", args=[own.pk]))
        assert response.status_code == 404, who


def test_a_marketer_sees_their_own_customer_and_gets_a_404_for_anothers(
    client, marketer, own, theirs
):
    login(client, marketer)
    assert own.name in client.get(reverse("customers:detail", args=[own.pk])).content.decode()
    assert client.get(reverse("customers:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("customers:edit", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("customers:edit", args=[theirs.pk]), {"name": "Hijacked", "phone": theirs.phone}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Bala Krishna"


@pytest.mark.parametrize("role", [roles.SUPPORT, roles.ACCOUNTS, roles.ADMIN])
def test_support_accounts_and_admin_see_every_customer(client, own, theirs, role):
    login(client, staff(role))
    page = client.get(reverse("customers:list")).content.decode()
    assert own.name in page and theirs.name in page
    detail = client.get(reverse("customers:detail", args=[theirs.pk]))
    assert theirs.code in detail.content.decode()


def test_accounts_reads_customers_but_may_not_create_or_change_them(client, own):
    login(client, staff(roles.ACCOUNTS))
    detail = client.get(reverse("customers:detail", args=[own.pk])).content.decode()
    assert reverse("customers:edit", args=[own.pk]) not in detail
    assert client.get(reverse("customers:create")).status_code == 404
    assert client.get(reverse("customers:edit", args=[own.pk])).status_code == 404
    response = client.post(reverse("customers:create"), {"name": "X", "phone": "9000000001"})
    assert response.status_code == 404
    assert not Customer.objects.filter(phone="9000000001").exists()
