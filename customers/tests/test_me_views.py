"""The customer's own pages at /me/: the owner, another customer, staff, a delivery boy
and an anonymous visitor. The clock is frozen (django.utils.timezone.now) at 10:00 on
Tuesday 10 March 2026, so the cut-off for Wednesday 11 March is 21:00 today."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from billing.models import Bill, BillingLine, Payment
from customers import me_views
from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.models import Delivery
from deliveries.services import Confirmer, confirm_delivery, generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles
from orders.models import DayOverride, Order, OrderPause
from orders.services import LineSpec, create_one_time_order, pause_order
from orders.tests.factories import ProductFactory, SubscriptionFactory

pytestmark = pytest.mark.django_db

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
TODAY = dt.date(2026, 3, 10)
TOMORROW = dt.date(2026, 3, 11)
BEFORE_CUTOFF = dt.datetime(2026, 3, 10, 10, 0, tzinfo=IST)
AFTER_CUTOFF = dt.datetime(2026, 3, 10, 21, 30, tzinfo=IST)
CLOSED = "Changes for 11 Mar closed at 21:00 on 10 Mar. Please call us instead."


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """Freeze django.utils.timezone.now; call clock(datetime) to move it."""

    def set_now(moment: dt.datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))

    set_now(BEFORE_CUTOFF)
    return set_now


@pytest.fixture
def milk():
    return ProductFactory(name="Cow milk", sort_order=1)


@pytest.fixture
def owner(client, clock):
    customer = CustomerFactory(name="Asha Rao")
    client.force_login(customer.user)
    return customer


@pytest.fixture
def subscription(owner, milk):
    return SubscriptionFactory(
        customer=owner, product=milk, quantity=Decimal("1"), start_date=dt.date(2026, 3, 1)
    )


def d(day: int, month: int = 3) -> dt.date:
    return dt.date(2026, month, day)


def iso(day: dt.date) -> str:
    return day.isoformat()


def page_of(response) -> str:
    return response.content.decode()


def staff_confirm(delivery: Delivery, delivered: str, reason: str = "") -> None:
    confirm_delivery(
        delivery=delivery,
        delivered_qty=Decimal(delivered),
        reason=reason,
        by=Confirmer(via=Delivery.Via.STAFF, user=UserFactory(roles=[roles.SUPPORT])),
    )


# --- who may open the pages -----------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_customer_login(client):
    response = client.get(reverse("me:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("me:login") + "?next=")


@pytest.mark.parametrize("role", [roles.SUPPORT, roles.ADMIN, roles.ACCOUNTS])
def test_staff_get_a_404_on_every_customer_page(client, role):
    client.force_login(UserFactory(roles=[role]))
    for name in ("me:home", "me:bills", "me:new_order"):
        assert client.get(reverse(name)).status_code == 404


def test_a_delivery_boy_gets_a_404(client):
    client.force_login(DeliveryBoyFactory().user)
    assert client.get(reverse("me:home")).status_code == 404


def test_a_customer_logs_in_with_a_phone_number_in_any_format(client):
    customer = CustomerFactory(phone="9848022338", password="Milk-morning-7")
    response = client.post(
        reverse("me:login"), {"username": "+91 98480-22338", "password": "Milk-morning-7"}
    )
    assert response.status_code == 302
    assert response.url == reverse("me:home")
    assert int(client.session["_auth_user_id"]) == customer.user.pk


def test_a_wrong_password_is_refused_on_the_customer_login(client):
    CustomerFactory(phone="9848022338", password="Milk-morning-7")
    response = client.post(reverse("me:login"), {"username": "9848022338", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Please enter a correct" in page_of(response)


# --- the home page: calendar, balance, bills ------------------------------------------


def test_the_calendar_shows_the_pattern_ahead_and_the_statuses_behind(client, owner, milk, clock):
    SubscriptionFactory(
        customer=owner,
        product=milk,
        quantity=Decimal("2"),
        start_date=d(1),
        pattern=Order.Pattern.ALTERNATE_DAYS,
    )
    clock(dt.datetime(2026, 3, 8, 6, 0, tzinfo=IST))
    for day in (d(3), d(5), d(7)):
        generate_deliveries(day=day)
    rows = {row.date: row for row in Delivery.objects.filter(customer=owner)}
    staff_confirm(rows[d(3)], "2")
    staff_confirm(rows[d(5)], "1.5")
    staff_confirm(rows[d(7)], "0", reason=Delivery.Reason.CUSTOMER_AWAY)
    clock(BEFORE_CUTOFF)

    response = client.get(reverse("me:home"))

    calendar = response.context["calendar"]
    assert [(i.product, i.status) for i in calendar.items_on(d(3))] == [("Cow milk", "delivered")]
    assert [(i.status, i.delivered_qty) for i in calendar.items_on(d(5))] == [
        ("partial", Decimal("1.5"))
    ]
    assert [i.status for i in calendar.items_on(d(7))] == ["not_delivered"]
    # Ahead: every second day from 1 March, for 30 days, quantity 2.
    due_days = [day for day, cell in calendar.days.items() if day >= TODAY and cell.items]
    expected = [TODAY + dt.timedelta(days=n) for n in range(31)]
    assert due_days == [day for day in expected if (day - d(1)).days % 2 == 0]
    assert due_days[0] == TOMORROW and due_days[-1] == d(8, 4)
    assert {(i.product, i.quantity, i.status) for i in calendar.items_on(d(13))} == {
        ("Cow milk", Decimal("2"), "")
    }
    assert calendar.items_on(d(12)) == []
    assert calendar.end == d(9, 4)  # 30 days ahead, over the month end

    page = page_of(response)
    march_3 = re.search(r'data-date="2026-03-03"[^>]*>(.*?)</td>', page, re.S).group(1)
    assert "Cow milk" in march_3 and "Delivered" in march_3
    march_12 = re.search(r'data-date="2026-03-12"[^>]*>(.*?)</td>', page, re.S).group(1)
    assert "Cow milk" not in march_12
    assert "April 2026" in page


def test_a_customer_sees_only_their_own_deliveries(client, owner, milk, clock):
    SubscriptionFactory(customer=owner, product=milk, start_date=d(1))
    neighbour = CustomerFactory(name="Neighbour")
    paneer = ProductFactory(name="Paneer 200g")
    SubscriptionFactory(customer=neighbour, product=paneer, start_date=d(1))
    clock(dt.datetime(2026, 3, 9, 6, 0, tzinfo=IST))
    generate_deliveries(day=d(9))
    for row in Delivery.objects.filter(date=d(9)):
        staff_confirm(row, str(row.ordered_qty))
    clock(BEFORE_CUTOFF)

    response = client.get(reverse("me:home"))

    calendar = response.context["calendar"]
    assert [i.product for i in calendar.items_on(d(9))] == ["Cow milk"]
    assert all(i.product == "Cow milk" for day in calendar.days.values() for i in day.items)
    assert "Paneer" not in page_of(response)


def test_pauses_and_skips_show_as_empty_days_ahead(client, owner, subscription):
    pause_order(order=subscription, start_date=d(15), end_date=d(17))
    client.post(reverse("me:skip", args=[subscription.pk]), {"day": iso(d(12))})
    calendar = client.get(reverse("me:home")).context["calendar"]
    assert calendar.items_on(d(12)) == []
    assert [calendar.items_on(d(n)) for n in (15, 16, 17)] == [[], [], []]
    assert calendar.items_on(d(14)) and calendar.items_on(d(18))


def test_the_balance_and_the_upi_link(client, owner, subscription, settings):
    settings.BUSINESS_UPI_ID = "earlybird@okhdfc"
    settings.BUSINESS_NAME = "EarlyBird Dairy"
    issued_bill(owner, total=Decimal("1860.00"), code="BI-202602-0001")
    Bill.objects.create(customer=owner, period=d(1), charges=Decimal("500"), total=Decimal("500"))
    Payment.objects.create(
        customer=owner, amount=Decimal("1000"), method="upi", paid_on=d(5), code="PA-T-1"
    )
    owner.opening_balance = Decimal("140.50")
    owner.save()

    response = client.get(reverse("me:home"))

    # 140.50 + 1860 (the draft bill does not count) − 1000
    assert response.context["balance"] == Decimal("1000.50")
    link = response.context["upi_link"]
    assert link == (
        "upi://pay?pa=earlybird%40okhdfc&pn=EarlyBird%20Dairy&am=1000.50&cu=INR"
        f"&tn=BI-202602-0001%20{owner.code}"
    )
    assert "₹1,000.50" in page_of(response)
    assert link.replace("&", "&amp;") in page_of(response)


def test_no_upi_link_without_a_upi_id_or_when_nothing_is_due(client, owner, settings):
    settings.BUSINESS_UPI_ID = ""
    issued_bill(owner, total=Decimal("100"))
    assert client.get(reverse("me:home")).context["upi_link"] is None
    settings.BUSINESS_UPI_ID = "earlybird@okhdfc"
    Payment.objects.create(
        customer=owner, amount=Decimal("150"), method="cash", paid_on=d(5), code="PA-T-2"
    )
    response = client.get(reverse("me:home"))
    assert response.context["upi_link"] is None
    assert "In credit" in page_of(response) and "₹50.00" in page_of(response)


def test_the_home_page_runs_the_same_queries_for_1_and_10_subscriptions(client, owner, clock):
    def fill(customer, subscriptions):
        for n in range(subscriptions):
            order = SubscriptionFactory(customer=customer, start_date=d(1))
            line = order.lines.get()
            DayOverride.objects.create(line=line, date=d(20), quantity=Decimal("3"))
            pause_order(order=order, start_date=d(25), end_date=d(26))
            create_one_time_order(
                customer=customer, delivery_date=d(14 + n), lines=[LineSpec(line.product, 1)]
            )
        clock(dt.datetime(2026, 3, 9, 6, 0, tzinfo=IST))
        generate_deliveries(day=d(9))
        clock(BEFORE_CUTOFF)
        issued_bill(customer, total=Decimal("10"))

    def queries_for(customer):
        client.force_login(customer.user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("me:home"))
        assert response.status_code == 200
        return len(ctx.captured_queries), response

    fill(owner, 1)
    other = CustomerFactory()
    fill(other, 10)
    few, _ = queries_for(owner)
    many, response = queries_for(other)
    assert len(response.context["subscriptions"]) == 10
    assert few == many


# --- pause, resume, skip, extra, one-time order: until the cut-off ---------------------


def test_pausing_before_the_cutoff(client, subscription):
    response = client.post(
        reverse("me:pause", args=[subscription.pk]),
        {"start_date": iso(TOMORROW), "end_date": iso(d(14)), "reason": "Holiday"},
        follow=True,
    )
    assert list(OrderPause.objects.values_list("start_date", "end_date")) == [(TOMORROW, d(14))]
    assert "Paused from Wed 11 Mar to Sat 14 Mar." in page_of(response)


def test_an_open_ended_pause_and_resuming_it(client, subscription):
    client.post(reverse("me:pause", args=[subscription.pk]), {"start_date": iso(TOMORROW)})
    pause = OrderPause.objects.get()
    assert pause.end_date is None
    response = client.post(
        reverse("me:resume", args=[subscription.pk, pause.pk]),
        {"first_day_back": iso(d(15))},
        follow=True,
    )
    pause.refresh_from_db()
    assert pause.end_date == d(14)
    assert "Deliveries start again on Sun 15 Mar." in page_of(response)


def test_skipping_a_day_before_the_cutoff(client, subscription):
    client.post(reverse("me:skip", args=[subscription.pk]), {"day": iso(TOMORROW)})
    assert list(DayOverride.objects.values_list("date", "quantity")) == [(TOMORROW, Decimal(0))]


def test_skipping_a_day_with_nothing_due_is_refused(client, owner, milk):
    order = SubscriptionFactory(
        customer=owner, product=milk, start_date=d(1), pattern=Order.Pattern.ALTERNATE_DAYS
    )
    response = client.post(reverse("me:skip", args=[order.pk]), {"day": iso(d(12))})
    assert "Nothing is coming on Thu 12 Mar" in page_of(response)
    assert not DayOverride.objects.exists()


def test_asking_for_extra_before_the_cutoff(client, subscription):
    line = subscription.lines.get()
    response = client.post(
        reverse("me:extra", args=[subscription.pk]),
        {"line": line.pk, "day": iso(TOMORROW), "quantity": "2.5"},
        follow=True,
    )
    assert list(DayOverride.objects.values_list("line", "date", "quantity")) == [
        (line.pk, TOMORROW, Decimal("2.5"))
    ]
    assert "2.5 Cow milk on Wed 11 Mar." in page_of(response)


def test_extra_must_be_more_than_what_is_coming(client, subscription):
    line = subscription.lines.get()
    response = client.post(
        reverse("me:extra", args=[subscription.pk]),
        {"line": line.pk, "day": iso(TOMORROW), "quantity": "1"},
    )
    assert "1 Cow milk is already coming on Wed 11 Mar" in page_of(response)
    assert not DayOverride.objects.exists()


def test_extra_on_a_paused_day_is_refused(client, subscription):
    pause_order(order=subscription, start_date=d(12))
    response = client.post(
        reverse("me:extra", args=[subscription.pk]),
        {"line": subscription.lines.get().pk, "day": iso(d(13)), "quantity": "3"},
    )
    assert "Deliveries are paused on Fri 13 Mar; resume them first." in page_of(response)
    assert not DayOverride.objects.exists()


def test_a_skip_can_be_undone_back_to_the_usual(client, subscription):
    client.post(reverse("me:skip", args=[subscription.pk]), {"day": iso(TOMORROW)})
    client.post(reverse("me:reset_day", args=[subscription.pk]), {"day": iso(TOMORROW)})
    assert not DayOverride.objects.exists()


def test_placing_a_one_time_order_with_several_products(client, owner, milk):
    curd = ProductFactory(name="Curd 500g")
    response = client.post(
        reverse("me:new_order"),
        {
            "delivery_date": iso(TOMORROW),
            "shift": "evening",
            f"qty_{milk.pk}": "2",
            f"qty_{curd.pk}": "1",
            "notes": "Guests",
        },
        follow=True,
    )
    order = Order.objects.get(customer=owner, kind=Order.Kind.ONE_TIME)
    assert (order.start_date, order.shift, order.created_by) == (
        TOMORROW,
        "evening",
        owner.user,
    )
    assert sorted((ln.product.name, ln.quantity) for ln in order.lines.all()) == [
        ("Cow milk", Decimal("2")),
        ("Curd 500g", Decimal("1")),
    ]
    assert f"Order {order.code} placed for Wed 11 Mar (Evening)." in page_of(response)


def test_a_one_time_order_needs_a_product(client, owner, milk):
    response = client.post(
        reverse("me:new_order"), {"delivery_date": iso(TOMORROW), "shift": "morning"}
    )
    assert "Enter a quantity for at least one product." in page_of(response)
    assert not Order.objects.exists()


def test_a_one_time_order_can_be_cancelled_before_the_cutoff(client, owner, milk):
    order = create_one_time_order(
        customer=owner, delivery_date=TOMORROW, lines=[LineSpec(milk, Decimal(1))]
    )
    client.post(reverse("me:cancel", args=[order.pk]))
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def _extra_data(subscription):
    return {"line": subscription.lines.get().pk, "day": iso(TOMORROW), "quantity": "3"}


AFTER_CUTOFF_CASES = {
    "pause": lambda s, m: (reverse("me:pause", args=[s.pk]), {"start_date": iso(TOMORROW)}),
    "skip": lambda s, m: (reverse("me:skip", args=[s.pk]), {"day": iso(TOMORROW)}),
    "extra": lambda s, m: (reverse("me:extra", args=[s.pk]), _extra_data(s)),
    "one_time": lambda s, m: (
        reverse("me:new_order"),
        {"delivery_date": iso(TOMORROW), "shift": "morning", f"qty_{m.pk}": "1"},
    ),
}


def _writes() -> tuple:
    return (
        OrderPause.objects.count(),
        DayOverride.objects.count(),
        Order.objects.count(),
        Order.history.count(),
    )


@pytest.mark.parametrize("action", list(AFTER_CUTOFF_CASES))
def test_after_the_cutoff_each_change_is_refused_with_the_reason_and_nothing_written(
    client, subscription, milk, clock, action
):
    url, data = AFTER_CUTOFF_CASES[action](subscription, milk)
    clock(AFTER_CUTOFF)
    before = _writes()
    response = client.post(url, data)
    assert response.status_code == 200
    assert CLOSED in page_of(response)
    assert _writes() == before


@pytest.mark.parametrize("action", list(AFTER_CUTOFF_CASES))
def test_the_same_change_one_minute_before_the_cutoff_is_written(
    client, subscription, milk, clock, action
):
    url, data = AFTER_CUTOFF_CASES[action](subscription, milk)
    clock(dt.datetime(2026, 3, 10, 20, 59, tzinfo=IST))
    before = _writes()
    response = client.post(url, data)
    assert response.status_code == 302
    assert _writes() != before


def test_resuming_after_the_cutoff_for_that_day_is_refused(client, subscription, clock):
    pause = pause_order(order=subscription, start_date=d(5))
    clock(AFTER_CUTOFF)
    response = client.post(
        reverse("me:resume", args=[subscription.pk, pause.pk]),
        {"first_day_back": iso(TOMORROW)},
    )
    assert CLOSED in page_of(response)
    pause.refresh_from_db()
    assert pause.end_date is None


def test_cancelling_after_the_cutoff_is_refused(client, owner, milk, clock):
    order = create_one_time_order(
        customer=owner, delivery_date=TOMORROW, lines=[LineSpec(milk, Decimal(1))]
    )
    clock(AFTER_CUTOFF)
    response = client.post(reverse("me:cancel", args=[order.pk]), follow=True)
    assert CLOSED in page_of(response)
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED


# --- another customer's orders and bills ----------------------------------------------


def test_another_customers_order_and_bill_are_a_404(client, owner, milk):
    other = CustomerFactory()
    theirs = SubscriptionFactory(customer=other, product=milk, start_date=d(1))
    their_pause = pause_order(order=theirs, start_date=d(20))
    their_one_time = create_one_time_order(
        customer=other, delivery_date=TOMORROW, lines=[LineSpec(milk, Decimal(1))]
    )
    their_bill = issued_bill(other, total=Decimal("10"))
    before = _writes()
    gets = [
        reverse("me:order", args=[theirs.pk]),
        reverse("me:pause", args=[theirs.pk]),
        reverse("me:bill", args=[their_bill.pk]),
    ]
    posts = [
        (reverse("me:pause", args=[theirs.pk]), {"start_date": iso(TOMORROW)}),
        (reverse("me:skip", args=[theirs.pk]), {"day": iso(TOMORROW)}),
        (reverse("me:extra", args=[theirs.pk]), _extra_data(theirs)),
        (reverse("me:reset_day", args=[theirs.pk]), {"day": iso(TOMORROW)}),
        (reverse("me:resume", args=[theirs.pk, their_pause.pk]), {"first_day_back": iso(d(21))}),
        (reverse("me:cancel", args=[their_one_time.pk]), {}),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert _writes() == before
    their_one_time.refresh_from_db()
    assert their_one_time.status == Order.Status.PLACED


def test_a_pause_of_another_order_is_a_404(client, owner, subscription, milk):
    other = SubscriptionFactory(customer=CustomerFactory(), product=milk, start_date=d(1))
    their_pause = pause_order(order=other, start_date=d(20))
    url = reverse("me:resume", args=[subscription.pk, their_pause.pk])
    assert client.post(url, {"first_day_back": iso(d(21))}).status_code == 404


# --- bills ----------------------------------------------------------------------------

_bill_numbers = iter(range(1, 10_000))


def issued_bill(customer, *, period=dt.date(2026, 2, 1), total=Decimal("0"), code=None, **fields):
    return Bill.objects.create(
        customer=customer,
        period=period,
        status=Bill.Status.ISSUED,
        code=code or f"BI-{period:%Y%m}-{next(_bill_numbers):04d}",
        issued_at=timezone.now(),
        charges=total,
        total=total,
        **fields,
    )


def test_the_bill_page_shows_previous_balance_charges_payments_and_amount_due(
    client, owner, milk, clock
):
    SubscriptionFactory(customer=owner, product=milk, start_date=dt.date(2026, 2, 1))
    clock(dt.datetime(2026, 2, 3, 6, 0, tzinfo=IST))
    for day in (dt.date(2026, 2, 2), dt.date(2026, 2, 3)):
        generate_deliveries(day=day)
    deliveries = list(Delivery.objects.filter(customer=owner).order_by("date"))
    for row in deliveries:
        staff_confirm(row, "1")
    clock(BEFORE_CUTOFF)
    bill = Bill.objects.create(
        customer=owner, period=dt.date(2026, 2, 1), previous_balance=Decimal("500.00")
    )
    for row in deliveries:
        row.refresh_from_db()
        BillingLine.objects.create(
            bill=bill,
            delivery=row,
            quantity=row.delivered_qty,
            unit_price=row.unit_price,
            amount=row.delivered_qty * row.unit_price,
        )
    Bill.objects.filter(pk=bill.pk).update(
        charges=Decimal("120.00"),
        total=Decimal("120.00"),
        status=Bill.Status.ISSUED,
        code="BI-202602-0042",
        issued_at=timezone.now(),
    )
    Payment.objects.create(
        customer=owner, amount=Decimal("300"), method="cash", paid_on=dt.date(2026, 2, 14),
        code="PA-T-3",
    )  # fmt: skip
    Payment.objects.create(
        customer=owner, amount=Decimal("50"), method="upi", paid_on=d(2), code="PA-T-4"
    )

    listing = client.get(reverse("me:bills"))
    assert [b.code for b in listing.context["bills"]] == ["BI-202602-0042"]
    response = client.get(reverse("me:bill", args=[bill.pk]))

    statement = response.context["statement"]
    assert [(c.product, c.quantity, c.amount) for c in statement.charges] == [
        ("Cow milk", Decimal("2.000"), Decimal("120.00"))
    ]
    assert statement.paid == Decimal("300")  # February's payments only
    assert statement.amount_due == Decimal("320.00")  # 500 + 120 − 300
    page = page_of(response)
    for text in ("₹500.00", "₹120.00", "₹300.00", "₹320.00", "BI-202602-0042"):
        assert text in page


def test_draft_bills_are_not_shown_to_the_customer(client, owner):
    draft = Bill.objects.create(customer=owner, period=dt.date(2026, 2, 1))
    assert client.get(reverse("me:bill", args=[draft.pk])).status_code == 404
    assert client.get(reverse("me:bills")).context["bills"] == []


# --- the set-password link ------------------------------------------------------------


def test_the_set_password_link_works_once(client):
    customer = CustomerFactory(phone="9876543210")  # no password yet
    link = me_views.set_password_link(customer)
    assert link.startswith("/me/set-password/")

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Fresh-milk-2026", "new_password2": "Fresh-milk-2026"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("me:home")
    assert int(client.session["_auth_user_id"]) == customer.user.pk
    customer.user.refresh_from_db()
    assert customer.user.check_password("Fresh-milk-2026")

    client.logout()
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert "already been used or has expired" in page_of(again)


def test_the_set_password_link_of_a_non_customer_does_not_work(client):
    staff = UserFactory(roles=[roles.SUPPORT])
    fake = type("Fake", (), {"user": staff})()
    response = client.get(me_views.set_password_link(fake), follow=True)
    assert response.context["validlink"] is False


def test_the_set_password_link_can_be_absolute(rf):
    customer = CustomerFactory()
    link = me_views.set_password_link(customer, request=rf.get("/", HTTP_HOST="localhost"))
    assert link.startswith("http://localhost/me/set-password/")
