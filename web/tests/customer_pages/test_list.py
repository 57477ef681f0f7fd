"""The customer list: balances, search, filters, pages, and a fixed number of queries."""

from decimal import Decimal

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.urls import reverse

from billing.models import Payment
from billing.services import record_payment
from customers.models import Customer
from customers.tests.factories import AreaFactory, CustomerFactory
from deliveries.services import assign_to_route
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from web.staff.customers.forms import CustomerFilterForm
from web.tests.customer_pages import bulk_customers, issue_bill, login, queries_for, staff, today

pytestmark = pytest.mark.django_db

# The session with its user and roles, then the page's rows with their count, balances
# and wallets (the drop-downs' choices kept: earlybird.changes).
MAX_LIST_QUERIES = 2


def test_the_list_shows_route_and_balance_of_each_customer(client, own):
    boy = DeliveryBoyFactory(name="Suresh")
    assign_to_route(customer=own, delivery_boy=boy)
    Customer.objects.filter(pk=own.pk).update(opening_balance=Decimal("100"))
    issue_bill(own, total="1250.50")
    record_payment(customer=own, amount="350", method=Payment.Method.UPI, paid_on=today())
    login(client, staff(roles.SUPPORT))

    page = client.get(reverse("customers:list")).content.decode()

    assert "Suresh" in page
    assert "₹1,000.50" in page  # 100 + 1,250.50 − 350


def test_a_marketer_lists_only_their_own_customers(client, marketer, own, theirs):
    login(client, marketer)
    page = client.get(reverse("customers:list")).content.decode()
    assert own.name in page
    assert theirs.name not in page
    assert 'name="marketing_staff"' not in page  # the filter means nothing to them


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("asha", True),
        ("98480 22338", True),
        ("+91 98480-22338", True),
        ("CU-", True),
        ("zz", False),
    ],
)
def test_search_finds_by_name_phone_or_code(client, own, theirs, query, found):
    login(client, staff(roles.SUPPORT))
    page = client.get(reverse("customers:list"), {"q": query}).content.decode()
    assert (own.name in page) is found
    if query != "CU-":
        assert theirs.name not in page


def test_search_by_code(client, own, theirs):
    login(client, staff(roles.SUPPORT))
    page = client.get(reverse("customers:list"), {"q": own.code}).content.decode()
    assert own.name in page and theirs.name not in page


def test_filters_by_status_area_route_and_marketer(client, marketer, own, theirs):
    hill = AreaFactory(name="Banjara Hills")
    trial = CustomerFactory(name="Chitra Trial", status=Customer.Status.TRIAL, area=hill)
    boy = DeliveryBoyFactory(name="Suresh")
    assign_to_route(customer=theirs, delivery_boy=boy)
    login(client, staff(roles.SUPPORT))

    def names(**params):
        page = client.get(reverse("customers:list"), params).content.decode()
        return {c.name for c in (own, theirs, trial) if c.name in page}

    assert names(status="trial") == {"Chitra Trial"}
    assert names(area=hill.pk) == {"Chitra Trial"}
    assert names(delivery_boy=boy.pk) == {"Bala Krishna"}
    assert names(delivery_boy="none") == {"Asha Rao", "Chitra Trial"}
    assert names(marketing_staff=marketer.pk) == {"Asha Rao"}
    assert names(status="nonsense") == {"Asha Rao", "Bala Krishna", "Chitra Trial"}


def test_the_list_shows_50_customers_a_page_and_keeps_the_filters_on_other_pages(client):
    bulk_customers(60, status=Customer.Status.ACTIVE)
    login(client, staff(roles.SUPPORT))
    first = client.get(reverse("customers:list"), {"status": "active"})
    assert len(first.context["page"].object_list) == 50
    assert "status=active&amp;page=2" in first.content.decode()
    second = client.get(reverse("customers:list"), {"status": "active", "page": 2})
    assert len(second.context["page"].object_list) == 10


def test_the_list_runs_the_same_few_queries_for_10_and_500_customers(
    client, django_assert_max_num_queries, settings
):
    settings.KEEP_READS = False  # its rows read every time (earlybird.changes), and counted
    login(client, staff(roles.SUPPORT))
    url = reverse("customers:list")
    bulk_customers(10)
    client.get(url)  # the drop-downs read, then kept (earlybird.changes)
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        few = queries_for(client, url)
    bulk_customers(490)
    client.get(url)  # their users moved the drop-downs' version: read again, then kept
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        many = queries_for(client, url)
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        filtered = queries_for(client, url, {"q": "Bulk", "status": "active", "page": 3})
    assert few == many == filtered


def test_a_page_past_the_end_or_below_one_is_the_last_in_the_lists_order(client):
    bulk_customers(60, status=Customer.Status.ACTIVE)
    login(client, staff(roles.SUPPORT))
    names = sorted(Customer.objects.values_list("name", flat=True))

    for asked in ("2", "99", "0", str(10**40)):
        page = client.get(reverse("customers:list"), {"page": asked}).context["page"]
        assert page.number == 2 and page.paginator.count == 60
        assert [row.name for row in page.object_list] == names[50:]
    first = client.get(reverse("customers:list"), {"page": "x"}).context["page"]
    assert [row.name for row in first.object_list] == names[:50]


def test_a_searched_list_is_counted_and_cut_in_its_order(client):
    bulk_customers(60)
    CustomerFactory(name="Someone else")
    login(client, staff(roles.SUPPORT))
    names = sorted(Customer.objects.filter(name__startswith="Bulk").values_list("name", flat=True))

    page = client.get(reverse("customers:list"), {"q": "bulk", "page": 2}).context["page"]

    assert page.paginator.count == 60 and page.number == 2
    assert [row.name for row in page.object_list] == names[50:]


# The filter controls as the list's template drew them with Django's widgets, before they
# were drawn in Python (CustomerFilterForm.controls_html): the markup must stay the same.
DJANGO_DRAWN = Template(
    '<div><label for="{{ form.q.id_for_label }}">{{ form.q.label }}</label>{{ form.q }}</div>\n'
    '  <div><label for="{{ form.status.id_for_label }}">Status</label>{{ form.status }}</div>\n'
    '  <div><label for="{{ form.area.id_for_label }}">Area</label>{{ form.area }}</div>\n'
    '  <div><label for="{{ form.delivery_boy.id_for_label }}">Route</label>'
    "{{ form.delivery_boy }}</div>\n"
    "  {% if form.marketing_staff %}<div><label "
    'for="{{ form.marketing_staff.id_for_label }}">Marketing</label>'
    "{{ form.marketing_staff }}</div>{% endif %}"
)


@pytest.mark.parametrize(
    "query",
    [
        None,
        "page=2",
        "q=asha&status=trial",
        "q=%3Cb%3E%26%22%27&status=%3Cx%3E&area=x&delivery_boy=none",
        "q=" + "a" * 101,
        "q=%00&marketing_staff=x&delivery_boy=999",
        "q=a&q=b&status=active&status=bogus",
    ],
)
@pytest.mark.parametrize("role", [roles.SUPPORT, roles.MARKETING])
def test_the_filter_controls_are_drawn_as_djangos_widgets_draw_them(query, role):
    AreaFactory(name='Hill <b>&"')
    DeliveryBoyFactory(name="Suresh")
    data = QueryDict(query) if query else None
    form = CustomerFilterForm(data, user=staff(role))
    form.filters()
    assert form.controls_html() == DJANGO_DRAWN.render(Context({"form": form}))
