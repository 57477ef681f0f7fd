"""The bill page."""

import datetime as dt

import pytest
from django.urls import reverse

from billing.models import Bill
from billing.services import add_adjustment, issue_bill, run_billing
from billing.tests.factories import deliver, deliver_days
from billing.tests.services import FEB, JAN, billed, paid
from customers.tests.factories import CustomerFactory, UserFactory
from earlybird.roles import SUPPORT
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db


class TestBillPages:
    @pytest.fixture
    def bill(self, customer):
        milk = ProductFactory(name="Cow milk", price="56.00")
        order = SubscriptionFactory(customer=customer, product=milk, start_date=JAN)
        deliver_days(order, dt.date(2026, 1, 30), dt.date(2026, 1, 31))
        deliver(order, dt.date(2026, 2, 2), "0.5")
        add_adjustment(customer=customer, amount="-6", reason="Leaky packet", day=FEB)
        run_billing(period=JAN)
        issue_bill(bill=Bill.objects.get(period=JAN))
        run_billing(period=FEB)
        return Bill.objects.get(period=FEB)

    def test_it_shows_the_days_the_statement_and_the_actions(self, client, bill, accounts):
        client.force_login(accounts)

        page = client.get(reverse("billing:bill_detail", args=[bill.pk])).content.decode()

        assert "Draft bill" in page
        assert "Cow milk 0.5" in page  # on the 2nd, in the calendar
        assert "₹28.00" in page and "-₹6.00" in page and "₹22.00" in page
        assert "Previous balance on 1 February 2026" in page
        assert "₹212.00" in page  # 100 opening + 112 January
        assert "Issue this bill" in page

    def test_issuing_and_voiding_from_the_page(self, client, bill, accounts):
        client.force_login(accounts)
        url = reverse("billing:bill_detail", args=[bill.pk])

        page = client.post(reverse("billing:bill_issue", args=[bill.pk]), follow=True)
        assert "Issued BI-202602-0001." in page.content.decode()
        refused = client.post(reverse("billing:bill_void", args=[bill.pk]), {"reason": ""})
        assert refused.url == url
        page = client.post(
            reverse("billing:bill_void", args=[bill.pk]),
            {"reason": "Wrong rate", "confirm": "on"},
            follow=True,
        )

        assert "BI-202602-0001 is void" in page.content.decode()
        bill.refresh_from_db()
        assert (bill.status, bill.void_reason) == (Bill.Status.VOID, "Wrong rate")

    def test_the_month_list_shows_payment_status_in_constant_queries(
        self, client, customer, accounts, django_assert_max_num_queries
    ):
        for someone in [customer, *(CustomerFactory() for _ in range(4))]:
            billed(someone, JAN, "100.00")
        paid(customer, "150.00", FEB)
        client.force_login(accounts)
        url = reverse("billing:bills") + "?month=2026-01"

        with django_assert_max_num_queries(12):
            page = client.get(url).content.decode()

        assert page.count("BI-202601-") == 5
        assert "Partly paid" in page and "Unpaid" in page

    def test_other_staff_get_a_404(self, client, bill):
        client.force_login(UserFactory(roles=[SUPPORT]))
        assert client.get(reverse("billing:bill_detail", args=[bill.pk])).status_code == 404
        assert client.get(reverse("billing:bills")).status_code == 404
        client.logout()
        assert client.get(reverse("billing:bills")).status_code == 302
