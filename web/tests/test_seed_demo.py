# Over 400 lines: one test module per demo (its customers, history, bills, wallets, logins).
import datetime as dt
import io
import os
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F, Q
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from billing.models import Bill, BillingMode, Payment, WalletEntry
from billing.selectors import PaymentStatus, bill_coverage, customer_ledger, due_date
from billing.selectors.wallet import wallet_balances
from customers.models import Area, Customer
from deliveries.models import Delivery, DeliveryBoy, DeliveryLink, Hold, RouteStop
from deliveries.selectors_bottles import bottle_balances
from deliveries.services import generate_deliveries
from earlybird import roles
from earlybird.settings import DEMO_UPI_ID
from messaging.models import Message, MessageSwitch
from orders.models import CustomerPrice, DayOverride, Order, OrderPause, Product, ProductPrice
from orders.selectors import due_lines_on
from web import demo
from web.demo.history import history_start
from web.demo.wallets import PREPAID_DAYS
from web.staff.dashboard import CHART_DAYS, daily_charts

pytestmark = pytest.mark.django_db

# The root conftest's "now": the class's demo is seeded around its day.
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))
TODAY = NOW.date()

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


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """One demo, committed, for the tests of a class that only read it (or write in their
    own rolled-back transaction): a seed takes seconds. The database is emptied after
    them with a flush, as after a transactional test (the root conftest then puts the
    migrated rows back). Yields the command's output."""
    with django_db_blocker.unblock():
        with override_settings(DEBUG=True), time_machine.travel(NOW, tick=True):
            output = seed()
        yield output
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.usefixtures("seeded")
class TestTheSeededDemo:
    def test_it_seeds_a_realistic_dairy(self):
        _a_realistic_dairy()

    def test_the_subscriptions_are_running_today(self):
        _running_on(TODAY)

    def test_each_demo_login_authenticates_in_its_role(self, seeded):
        _logins_work(seeded)

    def test_it_makes_prepaid_customers_and_one_pauses_for_low_balance(self):
        _prepaid_customers()

    def test_glass_bottles_go_out_and_yesterdays_are_still_with_the_customers(self):
        glass = Product.objects.get(returnable=True)
        assert (glass.container, glass.deposit) == ("glass bottle", Decimal("25.00"))
        given = Delivery.objects.filter(product=glass, bottles_given__gt=0)
        yesterday = TODAY - timedelta(days=1)
        assert given.filter(date__lt=yesterday).exists()
        assert (
            not given.filter(date__lt=yesterday)
            .exclude(bottles_collected=F("bottles_given"))
            .exists()
        )
        held = bottle_balances(customer_ids=given.values_list("customer_id", flat=True))
        out_yesterday = sum(given.filter(date=yesterday).values_list("bottles_given", flat=True))
        assert 0 < sum(held.values()) == out_yesterday
        assert Customer.objects.exclude(delivery_instructions="").count() > 10

    def test_a_second_run_changes_nothing(self):
        before = row_counts()

        output = seed()

        assert "already seeded" in output
        assert row_counts() == before

    def test_every_day_before_today_is_confirmed_the_way_rounds_go(self):
        first = history_start(TODAY)
        past = Delivery.objects.filter(date__lt=TODAY)
        assert first == date(2026, 9, 1), "two full months before today's"
        assert past.earliest("date").date == first
        assert not past.filter(status=Delivery.Status.PENDING).exists()
        assert set(past.dates("date", "day")) == {
            first + timedelta(days=n) for n in range((TODAY - first).days)
        }
        statuses = Counter(past.values_list("status", flat=True))
        assert statuses[Delivery.Status.DELIVERED] > 0.9 * past.count(), "mostly delivered"
        assert statuses[Delivery.Status.PARTIAL] > 10
        assert statuses[Delivery.Status.NOT_DELIVERED] > 50
        missed = past.filter(status=Delivery.Status.NOT_DELIVERED)
        assert {"customer_away", "address_locked", "out_of_stock", "other"} <= set(
            missed.values_list("reason", flat=True)
        )
        vias = Counter(past.values_list("confirmed_via", flat=True))
        assert vias[Delivery.Via.DELIVERY_BOY] > 0.8 * past.count()
        assert vias[Delivery.Via.SHARED_LINK] > 0 and vias[Delivery.Via.STAFF] > 0
        # The boys' taps through the morning, a few rounds only after lunch.
        mornings = past.filter(shift=Order.Shift.MORNING, confirmed_via="delivery_boy")
        hours = Counter(timezone.localtime(d.confirmed_at).hour for d in mornings)
        assert hours[6] > hours[12] > 0
        assert all(timezone.localdate(d.confirmed_at) == d.date for d in mornings)

    def test_a_substitute_confirmed_one_route_by_its_shared_link(self):
        [link] = DeliveryLink.objects.all()
        confirmed = Delivery.objects.filter(delivery_link=link)
        assert set(confirmed.values_list("confirmed_via", "confirmed_by_name")) == {
            ("shared_link", "Raju")
        }
        assert set(confirmed.dates("date", "day")) == {TODAY - timedelta(days=n) for n in (1, 2, 3)}
        assert set(confirmed.values_list("delivery_boy", flat=True)) == {link.delivery_boy_id}
        assert link.valid_from <= TODAY <= link.valid_until and link.revoked_at is None

    def test_the_dashboard_chart_has_data_on_at_least_25_of_its_30_days(self):
        charts = daily_charts(first=TODAY - timedelta(days=CHART_DAYS - 1), last=TODAY, scope=Q())

        days = {bar.day for chart in charts for bar in chart.bars if bar.delivered > 0}
        assert len(days) >= 25

    def test_last_month_is_billed_issued_and_paid_partly_paid_or_overdue(self):
        last_month = date(2026, 10, 1)
        bills = Bill.objects.filter(period=last_month)
        assert bills.count() > 50
        assert set(bills.values_list("status", flat=True)) == {Bill.Status.ISSUED}
        assert {timezone.localdate(b.issued_at) for b in bills} == {date(2026, 11, 1)}
        coverage = bill_coverage(bills)
        statuses = Counter(c.status for c in coverage.values())
        assert statuses[PaymentStatus.PAID] > 0.7 * bills.count(), "most are paid"
        assert statuses[PaymentStatus.PARTLY_PAID] > 0
        unpaid = [b for b in bills if coverage[b.pk].status == PaymentStatus.UNPAID]
        assert unpaid and all(due_date(b) < TODAY for b in unpaid), "overdue"
        # The month before is billed too, and nearly all of it paid.
        earlier = bill_coverage(Bill.objects.filter(period=date(2026, 9, 1)))
        paid = [c for c in earlier.values() if c.status == PaymentStatus.PAID]
        assert len(paid) > 0.8 * len(earlier)

    def test_customers_pay_by_mixed_methods_and_the_boys_take_the_cash(self):
        payments = Payment.objects.filter(purpose=Payment.Purpose.BILL)
        assert set(payments.values_list("method", flat=True)) == {"upi", "cash", "bank", "cheque"}
        cash = payments.filter(method=Payment.Method.CASH)
        assert not cash.exclude(received_by__delivery_boy__isnull=False).exists()
        assert not payments.filter(paid_on__gte=TODAY).exists()

    def test_the_ledger_reads_in_the_order_things_happened(self):
        customer = Customer.objects.get(phone=demo.CUSTOMER_LOGIN.username)

        ledger = customer_ledger(customer=customer)

        kinds = [(entry.kind, entry.date) for entry in ledger.entries]
        assert [kind for kind, _ in kinds] == ["opening", "bill", "payment", "bill", "payment"]
        assert kinds[1][1] == date(2026, 10, 1) and kinds[3][1] == date(2026, 11, 1)
        assert ledger.balance == 0, "the demo customer pays her bills"
        assert timezone.localdate(customer.created_at) == TODAY - timedelta(days=75), (
            "customer since the day she joined"
        )

    def test_a_demo_bill_page_shows_its_upi_qr_code(self, client, settings):
        settings.BUSINESS_UPI_ID = DEMO_UPI_ID  # settings.py's default with DEBUG on
        unpaid = [
            bill
            for bill, coverage in bill_coverage(
                Bill.objects.filter(period=date(2026, 10, 1))
            ).items()
            if coverage.status != PaymentStatus.PAID
        ]
        client.force_login(User.objects.get(username="accounts"))

        page = client.get(reverse("billing:bill_detail", args=[unpaid[0]])).content.decode()

        assert 'class="upi-qr"' in page
        assert "upi://pay?pa=earlybird.demo%40example" in page

    def test_its_history_queues_no_message(self):
        assert not Message.objects.exists()
        assert not ProcrastinateJob.objects.exists()
        assert set(MessageSwitch.objects.values_list("is_enabled", flat=True)) == {True}


def test_the_demo_upi_id_is_a_default_with_debug_on_only():
    """settings.py: with DEBUG on and no BUSINESS_UPI_ID (or an empty one, as .env.example
    has it), the demo's; with DEBUG off, none."""

    def upi_id(debug: str) -> str:
        environment = {
            **os.environ,
            "DEBUG": debug,
            "BUSINESS_UPI_ID": "",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",  # starts no database
        }
        shown = subprocess.run(
            [
                sys.executable,
                "-c",
                "from earlybird import settings; print(settings.BUSINESS_UPI_ID)",
            ],
            env=environment,
            cwd=Path(__file__).resolve().parents[2],
            capture_output=True,
            text=True,
            check=True,
        )
        return shown.stdout.strip()

    assert upi_id("1") == DEMO_UPI_ID
    assert upi_id("0") == ""


def _a_realistic_dairy():
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


def _running_on(today: date):
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
    assert mid_month.effective_from == today.replace(day=15)


def _logins_work(output: str):
    for login in demo.demo_logins():
        assert login.password in output
        user = authenticate(username=login.username, password=login.password)
        assert user is not None, login.role
        assert user.groups.filter(name=login.role).exists(), login.role
    assert User.objects.get(username=demo.ADMIN_LOGIN.username).is_superuser
    customer = Customer.objects.get(phone=demo.CUSTOMER_LOGIN.username)
    assert customer.route_stop.delivery_boy.phone == demo.DELIVERY_BOY_LOGIN.username


def _prepaid_customers():
    today = timezone.localdate()
    start = today - timedelta(days=PREPAID_DAYS)

    prepaid = set(
        BillingMode.objects.filter(mode=BillingMode.Mode.PREPAID).values_list("customer", flat=True)
    )
    demo_customer = Customer.objects.get(phone=demo.CUSTOMER_LOGIN.username)
    assert len(prepaid) == 4 and demo_customer.pk in prepaid
    recharges = Payment.objects.filter(purpose=Payment.Purpose.WALLET)
    assert set(recharges.values_list("customer", flat=True)) == prepaid
    assert {"upi", "cash", "bank"} <= set(recharges.values_list("method", flat=True))
    delivered = Delivery.objects.filter(customer__in=prepaid, status__in=["delivered", "partial"])
    week = delivered.filter(date__gte=start)
    assert week.count() >= 4 * PREPAID_DAYS and not delivered.filter(date__gte=today).exists()
    assert not week.exclude(status="delivered").exists(), "the prepaid week in full"
    debits = WalletEntry.objects.filter(kind=WalletEntry.Kind.DEBIT)
    assert sorted(debits.values_list("delivery", flat=True)) == sorted(
        week.values_list("pk", flat=True)
    ), "every delivery of the prepaid week is debited once, none before it (billed)"
    assert not Delivery.objects.filter(date__gte=today).exists(), "today is not generated"

    generate_deliveries(day=today + timedelta(days=1))

    [held] = Hold.objects.filter(reason=Hold.Reason.LOW_BALANCE)
    assert held.customer_id in prepaid and held.customer_id != demo_customer.pk
    assert held.date == today + timedelta(days=1)
    balances = wallet_balances(prepaid)
    assert 0 < balances[held.customer_id] < held.amount
    assert all(balances[pk] > 0 for pk in prepaid)


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
                + list(
                    Delivery.objects.order_by("code").values_list(
                        "code", "status", "delivered_qty", "reason", "confirmed_via", "confirmed_at"
                    )
                )
                + list(
                    Bill.objects.order_by("code").values_list(
                        "code", "customer__phone", "total", "issued_at"
                    )
                )
                + list(
                    Payment.objects.order_by("code").values_list(
                        "code", "customer__phone", "method", "amount", "paid_on", "reference"
                    )
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
