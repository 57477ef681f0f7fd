import io
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from billing.models import BillingMode, Payment, WalletEntry
from billing.selectors.wallet import wallet_balances
from customers.models import Area, Customer
from deliveries.models import Delivery, DeliveryBoy, Hold, RouteStop
from deliveries.services import generate_deliveries
from earlybird import roles
from orders.models import CustomerPrice, DayOverride, Order, OrderPause, Product, ProductPrice
from orders.selectors import due_lines_on
from web import demo

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture(autouse=True)
def demo_settings(settings):
    settings.DEBUG = True  # the command refuses to seed public passwords with DEBUG off
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_it_seeds_a_realistic_dairy():
    seed()

    products = Product.objects.all()
    assert products.count() >= 6
    assert all(ProductPrice.objects.filter(product=p).exists() for p in products)
    changes = ProductPrice.objects.filter(effective_from__day=15)
    assert changes.count() == 1, "one mid-month price change"
    assert CustomerPrice.objects.exists()
    assert Area.objects.count() == 3

    assert DeliveryBoy.objects.count() == 4
    assert all(boy.stops.exists() for boy in DeliveryBoy.objects.all())
    customers = Customer.objects.all()
    assert 110 <= customers.count() <= 130
    assert set(customers.values_list("status", flat=True)) == set(Customer.Status.values)
    not_stopped = customers.exclude(status=Customer.Status.STOPPED)
    assert RouteStop.objects.count() == not_stopped.count()
    assert not RouteStop.objects.filter(customer__status=Customer.Status.STOPPED).exists()
    assert customers.filter(user__groups__name=roles.CUSTOMER).count() == customers.count()
    assert customers.exclude(opening_balance=0).exists()
    assert customers.filter(marketing_staff__username="marketing").exists()
    assert not customers.filter(landmark="").exists()

    subscriptions = Order.objects.filter(kind=Order.Kind.SUBSCRIPTION)
    assert set(subscriptions.values_list("pattern", flat=True)) == set(Order.Pattern.values)
    assert set(subscriptions.values_list("shift", flat=True)) == set(Order.Shift.values)
    for listed in subscriptions.filter(pattern=Order.Pattern.LISTED_DATES):
        assert DayOverride.objects.filter(line__order=listed, quantity__gt=0).exists()
    assert OrderPause.objects.filter(end_date__isnull=True).exists()
    assert OrderPause.objects.filter(end_date__isnull=False).exists()
    assert DayOverride.objects.filter(quantity=0).exists()
    assert Order.objects.filter(kind=Order.Kind.ONE_TIME).exists()


def test_the_subscriptions_are_running_today():
    today = date(2026, 3, 9)
    seed(today=today)

    running = Order.objects.filter(
        kind=Order.Kind.SUBSCRIPTION,
        status=Order.Status.ACTIVE,
        pattern=Order.Pattern.DAILY,
        start_date__lte=today,
        end_date__isnull=True,
        customer__status__in=[Customer.Status.ACTIVE, Customer.Status.TRIAL],
        customer__route_stop__isnull=False,
    ).exclude(pk__in=OrderPause.objects.filter(end_date__isnull=True).values("order"))
    assert running.count() > 50
    due_today = due_lines_on(day=today)
    served = Customer.objects.filter(pk__in={line.customer_id for line in due_today})
    assert served.count() > 50
    assert set(served.values_list("route_stop__delivery_boy", flat=True)) == set(
        DeliveryBoy.objects.values_list("pk", flat=True)
    ), "every route has stops today"
    assert Order.objects.filter(
        kind=Order.Kind.ONE_TIME, start_date__range=(today, today + timedelta(days=3))
    ).exists()
    mid_month = ProductPrice.objects.get(effective_from__day=15)
    assert mid_month.effective_from == date(2026, 3, 15)


def test_each_demo_login_authenticates_in_its_role():
    output = seed()

    for login in demo.demo_logins():
        assert login.password in output
        user = authenticate(username=login.username, password=login.password)
        assert user is not None, login.role
        assert user.groups.filter(name=login.role).exists(), login.role
    assert User.objects.get(username=demo.ADMIN_LOGIN.username).is_superuser
    customer = Customer.objects.get(phone=demo.CUSTOMER_LOGIN.username)
    assert customer.route_stop.delivery_boy.phone == demo.DELIVERY_BOY_LOGIN.username


def test_it_makes_prepaid_customers_and_one_pauses_for_low_balance():
    seed()
    today = timezone.localdate()

    prepaid = set(
        BillingMode.objects.filter(mode=BillingMode.Mode.PREPAID).values_list("customer", flat=True)
    )
    demo_customer = Customer.objects.get(phone=demo.CUSTOMER_LOGIN.username)
    assert len(prepaid) == 4 and demo_customer.pk in prepaid
    recharges = Payment.objects.filter(purpose=Payment.Purpose.WALLET)
    assert set(recharges.values_list("customer", flat=True)) == prepaid
    assert {"upi", "cash", "bank"} <= set(recharges.values_list("method", flat=True))
    delivered = Delivery.objects.filter(customer__in=prepaid, status__in=["delivered", "partial"])
    assert delivered.count() >= 4 * 6 and not delivered.filter(date__gte=today).exists()
    debits = WalletEntry.objects.filter(kind=WalletEntry.Kind.DEBIT)
    assert sorted(debits.values_list("delivery", flat=True)) == sorted(
        delivered.values_list("pk", flat=True)
    ), "every delivery of the prepaid week is debited once"
    assert not Delivery.objects.exclude(customer__in=prepaid).exists()

    generate_deliveries(day=today + timedelta(days=1))

    [held] = Hold.objects.filter(reason=Hold.Reason.LOW_BALANCE)
    assert held.customer_id in prepaid and held.customer_id != demo_customer.pk
    assert held.date == today + timedelta(days=1)
    balances = wallet_balances(prepaid)
    assert 0 < balances[held.customer_id] < held.amount
    assert all(balances[pk] > 0 for pk in prepaid)


def test_a_second_run_changes_nothing():
    seed()
    before = row_counts()

    output = seed()

    assert "already seeded" in output
    assert row_counts() == before


def test_the_same_seed_and_day_give_the_same_dairy():
    def snapshot():
        with transaction.atomic():
            demo.seed_demo(today=date(2026, 1, 20))
            rows = (
                list(Customer.objects.values_list("name", "phone", "status", "area__name"))
                + list(
                    Order.objects.values_list(
                        "customer__phone", "pattern", "shift", "start_date", "weekdays"
                    ).order_by("code")
                )
                + list(DayOverride.objects.values_list("line__product__name", "date", "quantity"))
                + list(
                    WalletEntry.objects.order_by(
                        "customer__phone", "date", "kind", "amount"
                    ).values_list("customer__phone", "kind", "date", "amount")
                )
            )
            transaction.set_rollback(True)
        return rows

    assert snapshot() == snapshot()


def test_it_refuses_a_database_that_holds_other_data():
    Area.objects.create(name="Ameerpet")

    with pytest.raises(CommandError, match="only seeds an empty database"):
        seed()

    assert not Customer.objects.exists()


def test_a_failure_half_way_leaves_nothing(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("route service down")

    monkeypatch.setattr(demo.seed, "assign_to_route", broken)
    before = row_counts()

    with pytest.raises(RuntimeError):
        seed()

    assert row_counts() == before


def test_with_debug_off_it_refuses_unless_forced(settings):
    settings.DEBUG = False
    before = row_counts()

    with pytest.raises(CommandError, match="public passwords"):
        seed()
    output = seed(force=True, dry_run=True)

    assert "dry run" in output
    assert "customers stopped" in output
    assert row_counts() == before, "a dry run writes nothing"
