import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import UserFactory
from deliveries.models import Delivery
from deliveries.services import generate_deliveries
from deliveries.tests.factories import DeliveryBoyFactory
from deliveries.tests.route_fixtures import bulk_route
from earlybird import roles
from earlybird.idempotency import issue_form_key
from orders.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def route_of(boy, stops: int, *, quantity="2", products=1, **more):
    items = [ProductFactory() for _ in range(products)]
    return bulk_route(boy, stops, products=items, quantity=quantity, **more)


def tap(client, boy, customer, kind, **data):
    """A tap on the route page's one form with JavaScript off."""
    data.setdefault("shift", "morning")
    data.setdefault("once", issue_form_key(user=boy.user, operation="boy:act"))
    return client.post(reverse("boy:act"), {"act": f"{kind}:{customer.pk}", **data}, follow=True)


def test_a_delivery_boy_logs_in_with_his_phone_number(client):
    boy = DeliveryBoyFactory(phone="+91 90000 12345", password="Route-2026!")
    response = client.post(
        reverse("boy:login"), {"username": "090000 12345", "password": "Route-2026!"}
    )
    assert response.url == reverse("boy:route")
    assert int(client.session["_auth_user_id"]) == boy.user.pk


def test_the_route_shows_his_stops_in_order_with_progress(client, boy):
    first, second = route_of(boy, 2)
    stranger = route_of(DeliveryBoyFactory(), 1)[0]
    page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    assert page.index(first.name) < page.index(second.name)
    assert stranger.name not in page
    assert "<strong>0 of 2</strong> done · 2 left" in page
    assert f"tel:+91{first.phone}" in page


def test_the_route_is_one_form_with_named_buttons_and_one_csrf_token(client, boy, settings):
    settings.BUSINESS_PHONE = "+914012345678"
    customers = route_of(boy, 3)
    page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    route_form = re.search(r'<form id="route"[^>]*>', page)[0]
    assert f'action="{reverse("boy:act")}"' in route_form
    assert f'data-sync="{reverse("boy:sync")}"' in route_form
    assert f'data-day="{timezone.localdate():%Y-%m-%d}"' in route_form
    assert 'data-shift="morning"' in route_form
    # The route's form holds every stop; the other forms are the language and log-out ones.
    assert page.count('<form id="route"') == 1
    assert page.count("<form") == 3
    for customer in customers:
        delivery = Delivery.objects.get(customer=customer)
        assert re.search(
            rf'<li class="stop" id="stop-{customer.pk}" '
            rf'data-customer="{customer.pk}" data-seen="[0-9a-f]+">',
            page,
        )
        for kind in ("delivered", "partial", "not_delivered", "cash"):
            assert f'name="act" value="{kind}:{customer.pk}"' in page
        assert f'name="qty_{delivery.pk}"' in page
        assert f'name="reason_{customer.pk}"' in page
        assert f'name="cash_{customer.pk}"' in page
    assert page.count('class="stop-status" aria-live="polite"') == 3
    assert 'href="tel:+914012345678"' in page  # call the office


def test_delivered_partial_and_not_delivered_taps(client, boy):
    full, part, none = route_of(boy, 3)
    tap(client, boy, full, "delivered")
    part_delivery = Delivery.objects.get(customer=part)
    tap(client, boy, part, "partial", **{f"qty_{part_delivery.pk}": "1.5"})
    page = tap(client, boy, none, "not_delivered", **{f"reason_{none.pk}": "address_locked"})
    statuses = dict(Delivery.objects.values_list("customer_id", "status"))
    assert statuses == {full.pk: "delivered", part.pk: "partial", none.pk: "not_delivered"}
    assert "<strong>3 of 3</strong> done · 0 left" in page.content.decode()
    assert (
        page.redirect_chain[-1][0]
        == f"{reverse('boy:route')}?shift=morning&stop={none.pk}#stop-{none.pk}"
    )
    assert set(Delivery.objects.values_list("confirmed_by", flat=True)) == {boy.user.pk}


def test_a_quantity_above_ordered_is_refused_with_a_message_and_no_row_changes(client, boy):
    customer = route_of(boy, 1)[0]
    delivery = Delivery.objects.get(customer=customer)
    before = Delivery.objects.filter(pk=delivery.pk).values().get()
    page = tap(client, boy, customer, "partial", **{f"qty_{delivery.pk}": "5"})
    assert "enter 0 to 2" in page.content.decode()
    assert Delivery.objects.filter(pk=delivery.pk).values().get() == before


def test_not_delivered_without_a_reason_is_refused(client, boy):
    customer = route_of(boy, 1)[0]
    page = tap(client, boy, customer, "not_delivered").content.decode()
    assert "Choose why it was not delivered." in page
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.PENDING


def test_a_tap_with_a_key_the_server_did_not_issue_is_refused(client, boy):
    customer = route_of(boy, 1)[0]
    page = tap(client, boy, customer, "delivered", once="made-up").content.decode()
    assert "This page was out of date" in page
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.PENDING


def test_the_same_page_sent_twice_confirms_once_and_says_so(client, boy):
    customer = route_of(boy, 1)[0]
    once = issue_form_key(user=boy.user, operation="boy:act")
    tap(client, boy, customer, "delivered", once=once)
    history = Delivery.history.filter(customer_id=customer.pk).count()
    page = tap(client, boy, customer, "delivered", once=once).content.decode()
    assert f"{customer.name}: delivered." in page
    assert Delivery.history.filter(customer_id=customer.pk).count() == history


def test_it_404s_for_another_delivery_boys_stop(client, boy):
    stranger = route_of(DeliveryBoyFactory(), 1)[0]
    assert tap(client, boy, stranger, "delivered").status_code == 404
    assert tap(client, boy, stranger, "undo").status_code == 404
    assert Delivery.objects.get(customer=stranger).status == Delivery.Status.PENDING


@pytest.mark.parametrize("act", ["", "delivered", "delivered:", "explode:1", "undo:x" * 30])
def test_a_post_without_a_stops_button_says_so(client, boy, act):
    route_of(boy, 1)
    response = client.post(reverse("boy:act"), {"act": act, "shift": "morning"}, follow=True)
    assert "Tap one of the buttons of a stop." in response.content.decode()
    assert not Delivery.objects.exclude(status=Delivery.Status.PENDING).exists()


@pytest.mark.parametrize("role", [roles.SUPPORT, roles.CUSTOMER])
def test_staff_and_customers_get_a_404_on_the_delivery_view(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("boy:route")).status_code == 404
    assert client.post(reverse("boy:act"), {"act": "delivered:1"}).status_code == 404


def test_anonymous_users_are_sent_to_the_delivery_login(client):
    assert client.get(reverse("boy:route")).url.startswith(reverse("boy:login"))


def test_undo_a_stop_confirmed_by_mistake(client, boy):
    customer = route_of(boy, 1)[0]
    tap(client, boy, customer, "delivered")
    page = tap(client, boy, customer, "undo").content.decode()
    assert Delivery.objects.get(customer=customer).status == Delivery.Status.PENDING
    assert f"{customer.name}: back to not done." in page


def test_a_stop_shows_the_customers_instructions(client, boy):
    route_of(boy, 1, delivery_instructions="Leave the packets in the bag on the gate")
    page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    assert '<p class="instructions">Leave the packets in the bag on the gate</p>' in page


def test_tomorrow_lists_tomorrows_deliveries_without_buttons(client, boy):
    customer = route_of(boy, 1)[0]
    generate_deliveries(day=timezone.localdate() + timedelta(days=1))  # the evening job
    page = client.get(reverse("boy:tomorrow")).content.decode()
    assert customer.name in page
    assert 'value="delivered:' not in page
    assert "1 stop" in page


def test_a_day_with_nothing_generated_says_so_and_is_not_generated(client, boy):
    customer = route_of(boy, 1)[0]  # today only
    tomorrow = timezone.localdate() + timedelta(days=1)
    page = client.get(reverse("boy:tomorrow")).content.decode()
    assert f"Nothing generated for {tomorrow:%a} {tomorrow.day} {tomorrow:%b} yet" in page
    assert customer.name not in page
    assert not Delivery.objects.filter(date=tomorrow).exists()


def test_a_generated_day_with_nothing_on_his_route_says_nothing_to_deliver(client, boy):
    route_of(boy, 1)
    page = client.get(reverse("boy:route"), {"shift": "evening"}).content.decode()
    assert "Nothing to deliver this evening." in page
    assert "Nothing generated" not in page


@pytest.mark.parametrize("stops", [5, 200])
def test_the_route_page_runs_a_constant_number_of_queries(
    client, boy, stops, django_assert_max_num_queries
):
    route_of(boy, stops, products=2)
    Delivery.objects.filter(customer__route_stop__position__lte=2).update(
        status=Delivery.Status.DELIVERED,
        delivered_qty=Decimal(2),
        confirmed_by=boy.user,
        confirmed_via=Delivery.Via.DELIVERY_BOY,
        confirmed_at=timezone.now(),
    )
    with django_assert_max_num_queries(9):
        page = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    assert f"<strong>2 of {stops}</strong> done" in page


def test_a_stop_stays_small(client, boy):
    """Issue 18: 2.4 KB of HTML per stop made the page slow at 400 stops."""

    def size() -> int:
        # Ids grow as the database is reused between runs: count each number as one digit.
        page = client.get(reverse("boy:route"), {"shift": "morning"}).content
        return len(re.sub(rb"\d+", b"0", page))

    few = size()
    route_of(boy, 50)
    assert (size() - few) / 50 < 1600


def stops_of(page: str) -> list[str]:
    return re.findall(r'<li class="stop.*?</li>\n', page, flags=re.S)


def test_a_kept_stop_is_remade_when_anything_it_shows_changes(client, boy):
    """Each stop's markup is kept by everything it shows (views.boy._stop_markup): a
    change made elsewhere (the office, another process, a substitute) is on the next
    page, whatever was kept."""
    from customers.models import Customer
    from customers.services import set_delivery_instructions
    from deliveries.services import Confirmer, confirm_stop

    customer, other = route_of(boy, 2)

    def stops() -> list[str]:
        return stops_of(client.get(reverse("boy:route"), {"shift": "morning"}).content.decode())

    before = stops()
    assert stops() == before  # nothing changed: the same markup
    set_delivery_instructions(customer=customer, text="Ring twice, then wait")
    Customer.objects.filter(pk=customer.pk).update(opening_balance=Decimal("123.45"))
    staff = Confirmer(via=Delivery.Via.STAFF, user=UserFactory())
    today = other.deliveries.filter(date=timezone.localdate())
    confirm_stop(quantities={d: d.ordered_qty for d in today}, by=staff)
    first, second = stops()
    assert "Ring twice, then wait" in first and "₹123.45" in first
    assert 'class="stop done"' in second and 'class="stop done"' not in before[1]


def test_a_kept_stop_is_never_shown_in_another_language(client, boy):
    from django.utils import translation

    route_of(boy, 1)
    english = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    client.post(reverse("language"), {"language": "te", "next": reverse("boy:route")})
    telugu = client.get(reverse("boy:route"), {"shift": "morning"}).content.decode()
    with translation.override("te"):
        delivered = translation.gettext("Delivered")
    assert delivered != "Delivered"
    assert f">{delivered}<" in stops_of(telugu)[0] and f">{delivered}<" not in english
