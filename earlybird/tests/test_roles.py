import pytest
from django.contrib.auth.models import Group

from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.services import assign_to_route
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from earlybird.roles import customers_visible_to

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


def test_each_role_sees_only_the_customers_it_should():
    marketer = UserFactory(roles=[roles.MARKETING])
    accountant = UserFactory(roles=[roles.ACCOUNTS])
    outsider = UserFactory()
    mine = CustomerFactory(marketing_staff=marketer)
    theirs = CustomerFactory()
    boy = DeliveryBoyFactory()
    assign_to_route(customer=theirs, delivery_boy=boy)

    assert set(customers_visible_to(accountant)) == {mine, theirs}
    assert list(customers_visible_to(marketer)) == [mine]
    assert list(customers_visible_to(boy.user)) == [theirs]
    assert list(customers_visible_to(mine.user)) == [mine]
    assert not customers_visible_to(outsider).exists()


def test_moving_a_stop_into_the_middle_of_a_route_shifts_the_later_stops():
    boy = DeliveryBoyFactory()
    first, second, newcomer = CustomerFactory(), CustomerFactory(), CustomerFactory()
    assign_to_route(customer=first, delivery_boy=boy)
    assign_to_route(customer=second, delivery_boy=boy)
    assign_to_route(customer=newcomer, delivery_boy=boy, position=1)
    order = list(boy.stops.order_by("position").values_list("customer_id", "position"))
    assert order == [(newcomer.pk, 1), (first.pk, 2), (second.pk, 3)]
