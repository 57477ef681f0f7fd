"""The outbox pages: the list (filtered, paginated, a fixed number of queries), one
message, and the preview of every template; staff who see every customer only."""

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import CustomerFactory, UserFactory
from earlybird.roles import ACCOUNTS, ADMIN, CUSTOMER, DELIVERY_BOY, MARKETING, SUPPORT
from messaging.models import Message, MessageTemplate
from messaging.services import queue_message

pytestmark = pytest.mark.django_db
PAUSE = Message.Purpose.PAUSE_CONFIRMED


def queue_for(customer, key: str | None = None, **context) -> Message:
    return queue_message(
        customer=customer,
        purpose=PAUSE,
        context={"name": customer.name, "products": "Cow milk", "days": "20/11/2026", **context},
        dedupe_key=key,
    )


@pytest.fixture
def support(client):
    client.force_login(UserFactory(roles=[SUPPORT]))
    return client


class TestOutbox:
    def test_it_lists_messages_with_their_status_and_error(self, support):
        lakshmi = CustomerFactory(name="Lakshmi Devi", phone="9848022338")
        failed = queue_for(lakshmi)
        Message.objects.filter(pk=failed.pk).update(
            status=Message.Status.FAILED,
            attempts=3,
            last_error="(#131026) Message undeliverable",
            failed_at=timezone.now(),
        )

        page = support.get(reverse("messaging:list")).content.decode()

        assert "Lakshmi Devi" in page and "9848022338" in page
        assert "Pause or skip confirmed" in page and "English" in page
        assert "Failed" in page and "(#131026) Message undeliverable" in page
        assert reverse("messaging:detail", args=[failed.pk]) in page

    def test_it_filters_by_status_kind_and_customer(self, support):
        ravi, sita = CustomerFactory(name="Ravi Teja"), CustomerFactory(name="Sita Rao")
        queue_for(ravi)
        sent = queue_for(sita)
        Message.objects.filter(pk=sent.pk).update(
            status=Message.Status.SENT, sent_at=timezone.now()
        )
        url = reverse("messaging:list")

        def shown(**query) -> list[str]:
            return [m.customer.name for m in support.get(url, query).context["page"]]

        assert sorted(shown()) == ["Ravi Teja", "Sita Rao"]
        assert shown(status="sent") == ["Sita Rao"]
        assert shown(q="ravi") == ["Ravi Teja"]
        assert shown(q=sita.phone[-5:]) == ["Sita Rao"]
        assert shown(purpose="bill_issued") == []
        assert sorted(shown(status="bogus", purpose="\x00")) == ["Ravi Teja", "Sita Rao"]

    def test_its_queries_do_not_grow_with_the_rows(self, support, django_assert_max_num_queries):
        url = reverse("messaging:list")
        for _ in range(3):
            queue_for(CustomerFactory())
        with django_assert_max_num_queries(8):
            assert len(support.get(url).context["page"]) == 3
        for _ in range(60):
            queue_for(CustomerFactory())
        with django_assert_max_num_queries(8):
            page = support.get(url).context["page"]
        assert len(page) == 50 and page.paginator.count == 63

    def test_it_shows_values_escaped(self, support):
        customer = CustomerFactory(name="<script>alert(1)</script>")
        message = queue_for(customer)

        listing = support.get(reverse("messaging:list")).content.decode()
        detail = support.get(reverse("messaging:detail", args=[message.pk])).content.decode()

        for page in (listing, detail):
            assert "<script>alert(1)</script>" not in page
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_message_page_shows_its_text_and_provider_details(support):
    MessageTemplate.objects.filter(purpose=PAUSE, language="en").update(
        whatsapp_template="pause_v1"
    )
    message = queue_for(CustomerFactory(name="Anil Kumar"), key="pause:9:2026-11-20:open")

    page = support.get(reverse("messaging:detail", args=[message.pk])).content.decode()

    assert "Hello Anil Kumar, as you asked" in page
    assert "pause_v1" in page and "pause:9:2026-11-20:open" in page
    assert support.get(reverse("messaging:detail", args=[message.pk + 999])).status_code == 404


def test_the_preview_renders_every_active_template_with_samples(support):
    MessageTemplate.objects.filter(purpose=PAUSE, language="en").update(
        text="Hello {name} <b>{products}</b>"
    )

    response = support.get(reverse("messaging:templates"))

    previews = response.context["previews"]
    assert len(previews) == MessageTemplate.objects.filter(is_active=True).count() == 24
    page = response.content.decode()
    assert "Hello Lakshmi Devi &lt;b&gt;Cow milk, Curd&lt;/b&gt;" in page
    assert "నవంబరు 2026" in page and "नवंबर 2026" in page  # the month, per language
    assert "{name}" not in "".join(p.text for p in previews)  # every placeholder filled


@pytest.mark.parametrize("role", [ADMIN, SUPPORT, ACCOUNTS])
def test_the_staff_who_see_every_customer_open_the_outbox(client, role):
    client.force_login(UserFactory(roles=[role]))

    response = client.get(reverse("messaging:list"))

    assert response.status_code == 200
    assert 'href="/messages/"' in response.content.decode()  # in the navigation too


@pytest.mark.parametrize("role", [MARKETING, DELIVERY_BOY, CUSTOMER])
def test_everyone_else_gets_a_404(client, role):
    message = queue_for(CustomerFactory())
    client.force_login(UserFactory(roles=[role]))

    for url in (
        reverse("messaging:list"),
        reverse("messaging:detail", args=[message.pk]),
        reverse("messaging:templates"),
    ):
        assert client.get(url).status_code == 404


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(reverse("messaging:list"))

    assert response.status_code == 302 and reverse("login") in response.url
