"""Staff API on customers: list, read, create. Cast: the marketer who owns a customer,
a colleague in another role, an outsider (no role, a customer, a delivery boy)."""

import pytest
from django.contrib.auth import authenticate
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from customers.models import Customer
from customers.tests.factories import AreaFactory, CustomerFactory, UserFactory
from earlybird import roles

pytestmark = pytest.mark.django_db

LIST = reverse("api:customers")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def detail(customer) -> str:
    return reverse("api:customer", args=[customer.pk])


@pytest.fixture
def marketer():
    return UserFactory(roles=[roles.MARKETING])


@pytest.fixture
def support():
    return UserFactory(roles=[roles.SUPPORT])


@pytest.fixture
def accountant():
    return UserFactory(roles=[roles.ACCOUNTS])


def new_customer(**data) -> dict:
    return {"name": "Lakshmi Iyer", "phone": "+91 98480 22338", **data}


class TestCustomerList:
    def test_a_marketer_sees_only_his_own_customers(self, marketer):
        mine = CustomerFactory(marketing_staff=marketer)
        CustomerFactory(marketing_staff=UserFactory(roles=[roles.MARKETING]))
        CustomerFactory()
        response = client_for(marketer).get(LIST)
        assert response.status_code == 200
        assert [row["code"] for row in response.json()["results"]] == [mine.code]

    def test_support_and_accounts_see_every_customer(self, support, accountant, marketer):
        CustomerFactory(marketing_staff=marketer)
        CustomerFactory()
        for user in (support, accountant):
            assert client_for(user).get(LIST).json()["count"] == 2

    @pytest.mark.parametrize("who", ["customer", "delivery boy"])
    def test_customers_and_delivery_boys_are_refused(self, who):
        # The role decides (a delivery boy with a route: deliveries/tests/test_api.py).
        user = (
            CustomerFactory().user if who == "customer" else UserFactory(roles=[roles.DELIVERY_BOY])
        )
        assert client_for(user).get(LIST).status_code == 403

    def test_it_filters_by_status_area_and_marketer(self, support, marketer):
        # (By delivery boy: deliveries/tests/test_api.py.)
        north = AreaFactory(name="North")
        trial = CustomerFactory(status=Customer.Status.TRIAL, area=north)
        active = CustomerFactory(status=Customer.Status.ACTIVE, marketing_staff=marketer)
        client = client_for(support)

        def codes(**params):
            return {row["code"] for row in client.get(LIST, params).json()["results"]}

        assert codes(status="trial") == {trial.code}
        assert codes(area=north.pk) == {trial.code}
        assert codes(marketing_staff=marketer.pk) == {active.code}

    def test_it_searches_name_phone_and_code(self, support):
        asha = CustomerFactory(name="Asha Menon", phone="9848022338")
        ravi = CustomerFactory(name="Ravi Kumar")
        client = client_for(support)

        def codes(search):
            return {row["code"] for row in client.get(LIST, {"search": search}).json()["results"]}

        assert codes("asha") == {asha.code}
        assert codes("+91 98480-22338") == {asha.code}
        assert codes(ravi.code) == {ravi.code}

    def test_an_unknown_filter_value_is_a_400_naming_the_filter(self, support):
        response = client_for(support).get(LIST, {"status": "sleeping"})
        assert response.status_code == 400
        assert "status" in response.json()

    def test_its_query_count_does_not_grow_with_the_customers(self, support):
        client = client_for(support)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(LIST).status_code == 200
            return len(captured)

        CustomerFactory.create_batch(2)
        few = queries()
        CustomerFactory.create_batch(20)
        assert queries() == few


class TestCustomerDetail:
    def test_the_owner_reads_his_customer(self, marketer):
        mine = CustomerFactory(marketing_staff=marketer)
        response = client_for(marketer).get(detail(mine))
        assert response.status_code == 200
        assert response.json()["phone"] == mine.phone

    def test_another_marketers_customer_is_a_404(self, marketer):
        theirs = CustomerFactory(marketing_staff=UserFactory(roles=[roles.MARKETING]))
        assert client_for(marketer).get(detail(theirs)).status_code == 404

    def test_a_customer_may_not_read_even_himself_here(self):
        customer = CustomerFactory()
        assert client_for(customer.user).get(detail(customer)).status_code == 403

    def test_anonymous_is_401(self):
        assert APIClient().get(detail(CustomerFactory())).status_code == 401


class TestCustomerCreate:
    def test_support_creates_a_customer_whose_login_works(self, support):
        area = AreaFactory()
        response = client_for(support).post(
            LIST, new_customer(area=area.pk, password="Morning-milk-77"), format="json"
        )
        assert response.status_code == 201, response.json()
        customer = Customer.objects.get(pk=response.json()["id"])
        assert customer.phone == "9848022338"
        assert customer.code.startswith("CU-")
        assert customer.area == area
        assert customer.status == Customer.Status.TRIAL
        user = authenticate(username="9848022338", password="Morning-milk-77")
        assert user == customer.user
        assert roles.has_role(user, roles.CUSTOMER)
        assert "password" not in response.json()

    def test_a_marketer_creates_customers_of_his_own(self, marketer):
        response = client_for(marketer).post(LIST, new_customer(), format="json")
        assert response.status_code == 201
        assert Customer.objects.get().marketing_staff == marketer

    def test_a_marketer_may_not_create_another_marketers_customer(self, marketer):
        colleague = UserFactory(roles=[roles.MARKETING])
        response = client_for(marketer).post(
            LIST, new_customer(marketing_staff=colleague.pk), format="json"
        )
        assert response.status_code == 400
        assert "marketing_staff" in response.json()
        assert not Customer.objects.exists()

    def test_accounts_may_not_create_customers(self, accountant):
        response = client_for(accountant).post(LIST, new_customer(), format="json")
        assert response.status_code == 403
        assert not Customer.objects.exists()

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"phone": "12345"}, "phone"),
            ({"name": "  "}, "name"),
            ({"password": "123"}, "password"),
            ({"latitude": "17.385000"}, "longitude"),
            ({"status": "sleeping"}, "status"),
        ],
    )
    def test_a_bad_field_is_a_400_naming_it(self, support, data, field):
        response = client_for(support).post(LIST, new_customer(**data), format="json")
        assert response.status_code == 400
        assert field in response.json()
        assert not Customer.objects.exists()

    @pytest.mark.parametrize("role", [roles.MARKETING, roles.SUPPORT])
    def test_only_an_admin_sets_an_opening_balance(self, role):
        staff = UserFactory(roles=[role])
        response = client_for(staff).post(
            LIST, new_customer(opening_balance="1500.00"), format="json"
        )
        assert response.status_code == 400
        assert "Only an admin" in response.json()["opening_balance"][0]
        assert not Customer.objects.exists()

    def test_an_admin_sets_an_opening_balance(self):
        admin = UserFactory(roles=[roles.ADMIN])
        response = client_for(admin).post(
            LIST, new_customer(opening_balance="1500.00"), format="json"
        )
        assert response.status_code == 201, response.json()
        assert str(Customer.objects.get().opening_balance) == "1500.00"

    def test_a_marketer_without_an_opening_balance_creates_the_customer(self, marketer):
        response = client_for(marketer).post(LIST, new_customer(opening_balance="0"), format="json")
        assert response.status_code == 201, response.json()

    def test_a_phone_already_registered_is_a_400_on_phone_from_the_service(self, support):
        existing = CustomerFactory(phone="9848022338")
        response = client_for(support).post(LIST, new_customer(), format="json")
        assert response.status_code == 400
        assert existing.code in response.json()["phone"][0]
        assert Customer.objects.count() == 1
