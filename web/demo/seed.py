"""Writing the demo dairy through the services, in one transaction (the plan is
web.demo.dairy's): the dairy as it was when each customer joined, then its history up to
yesterday (web.demo.history: rounds; web.demo.wallets: prepaid customers; web.demo.bills:
bills and payments), then the customers who have paused or stopped since."""

import random
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from billing.models import Bill, BillingMode, Payment, WalletEntry
from customers.models import Area, Customer
from customers.services import create_customer, update_customer
from deliveries.models import Delivery, DeliveryBoy, RouteStop
from deliveries.services import assign_to_route, create_delivery_boy
from earlybird import roles
from messaging.selectors import enabled_purposes
from messaging.services import set_switch
from orders.models import CustomerPrice, DayOverride, Order, OrderPause, Product, ProductPrice
from orders.services import LineSpec, create_one_time_order, create_subscription, set_price
from web.demo.bills import bill_history
from web.demo.clock import moment, story_time
from web.demo.dairy import (
    ADMIN_LOGIN,
    AREAS,
    CUSTOMER_LOGIN,
    DEFAULT_SEED,
    DELIVERY_BOY_LOGIN,
    DELIVERY_BOYS,
    PRICE_CHANGE,
    PRODUCTS,
    RETURNABLE,
    STAFF_LOGINS,
    CustomerPlan,
    DemoLogin,
    SubscriptionPlan,
    plan_dairy,
)
from web.demo.history import confirm_history, generate_history
from web.demo.wallets import seed_wallets

User = get_user_model()


class DemoRefused(Exception):
    """The database holds data that is not the demo's; seeding would mix the two."""


@dataclass
class DemoReport:
    today: date
    seed: int
    already_seeded: bool = False
    dry_run: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    substitute_link: str = ""  # the path of the substitute's shared link, valid today


def seed_demo(*, today: date, seed: int = DEFAULT_SEED, dry_run: bool = False) -> DemoReport:
    """Seed the demo dairy in one transaction; a seeded database is left as it is."""
    report = DemoReport(today=today, seed=seed, dry_run=dry_run, logins=demo_logins())
    with transaction.atomic():
        if _is_seeded():
            report.already_seeded = True
            return report
        _refuse_foreign_data()
        report.substitute_link = _build(today=today, seed=seed)
        report.counts = demo_counts()
        if dry_run:
            transaction.set_rollback(True)
    return report


def demo_logins() -> list[DemoLogin]:
    return [*STAFF_LOGINS, DELIVERY_BOY_LOGIN, CUSTOMER_LOGIN]


def demo_counts() -> dict[str, int]:
    customers = Counter(Customer.objects.values_list("status", flat=True))
    deliveries = Counter(Delivery.objects.values_list("status", flat=True))
    patterns = Counter(
        Order.objects.filter(kind=Order.Kind.SUBSCRIPTION).values_list("pattern", flat=True)
    )
    return {
        "products": Product.objects.count(),
        "product prices": ProductPrice.objects.count(),
        "customer prices": CustomerPrice.objects.count(),
        "areas": Area.objects.count(),
        "delivery boys": DeliveryBoy.objects.count(),
        "route stops": RouteStop.objects.count(),
        "customers": sum(customers.values()),
        **{f"customers {status}": customers[status] for status in Customer.Status.values},
        "subscriptions": sum(patterns.values()),
        **{f"subscriptions {p}": patterns[p] for p in Order.Pattern.values},
        "one-time orders": Order.objects.filter(kind=Order.Kind.ONE_TIME).count(),
        "pauses": OrderPause.objects.count(),
        "open-ended pauses": OrderPause.objects.filter(end_date__isnull=True).count(),
        "day overrides": DayOverride.objects.count(),
        "skips (override 0)": DayOverride.objects.filter(quantity=0).count(),
        "users": User.objects.count(),
        "prepaid customers": BillingMode.objects.filter(mode=BillingMode.Mode.PREPAID)
        .values("customer")
        .distinct()
        .count(),
        "wallet entries": WalletEntry.objects.count(),
        "deliveries made": Delivery.objects.count(),
        **{f"deliveries {s}": deliveries[s] for s in Delivery.CONFIRMED_STATUSES},
        "bills issued": Bill.objects.filter(status=Bill.Status.ISSUED).count(),
        "payments": Payment.objects.count(),
    }


def _is_seeded() -> bool:
    return (
        User.objects.filter(username=ADMIN_LOGIN.username, is_superuser=True).exists()
        and Customer.objects.filter(phone=CUSTOMER_LOGIN.username).exists()
    )


def _refuse_foreign_data() -> None:
    for model in (Area, Product, Customer, DeliveryBoy, Order):
        if model.objects.exists():
            raise DemoRefused(
                f"The database already has {model._meta.verbose_name_plural}; "
                "seed_demo only seeds an empty database."
            )
    names = [login.username for login in STAFF_LOGINS]
    taken = list(User.objects.filter(username__in=names).values_list("username", flat=True))
    if taken:
        raise DemoRefused(f"These usernames are already taken: {', '.join(sorted(taken))}.")


# --- writing it, through the services --------------------------------------------------


def _build(*, today: date, seed: int) -> str:
    """Build it all; returns the path of the substitute's link."""
    staff, areas, customers = _build_dairy(today=today, seed=seed)
    # The history's messages went out back then: none is queued for them now.
    with _outbox_off():
        generate_history(today=today)
        prepaid = seed_wallets(today=today, accounts=staff[roles.ACCOUNTS])
        history = random.Random(f"{seed}-history")  # noqa: S311 (a demo, not secrets)
        rounds = confirm_history(
            today=today, rng=history, support=staff[roles.SUPPORT], prepaid=prepaid
        )
        bill_history(
            today=today, rng=history, accounts=staff[roles.ACCOUNTS], boys_by_customer=_boys()
        )
    for customer, plan in customers:
        if plan.details.status != customer.status:  # paused or stopped since
            update_customer(customer=customer, details=_details(plan, areas=areas, staff=staff))
    return reverse("shared:route", args=[rounds.token]) if rounds.token else ""


def _build_dairy(*, today: date, seed: int):
    """Staff, areas, products, delivery boys, customers as they joined and their routes:
    returns (staff by role, areas by name, [(customer, plan)])."""
    rng = random.Random(seed)  # noqa: S311 (a demo, not secrets)
    plans = plan_dairy(today=today, rng=rng)
    staff = {login.role: _create_staff_user(login) for login in STAFF_LOGINS}
    areas = {}
    for name, pincode, *_ in AREAS:
        area = Area(name=name, city="Hyderabad", pincode=pincode)
        area.full_clean()
        area.save()
        areas[name] = area
    products = _create_products(today=today)
    # Only the demo boy gets a password: each hash costs a quarter of a second.
    boys = [
        (create_delivery_boy(name=name, phone=phone, password=_password_of(phone)), area, phases)
        for name, phone, area, phases in DELIVERY_BOYS
    ]
    on_route, customers = [], []
    for plan in plans:
        customer = _create_customer(plan, areas=areas, products=products, staff=staff)
        customers.append((customer, plan))
        if plan.details.status != Customer.Status.STOPPED:
            on_route.append((customer, plan))
    # Each route walks its area street by street; the demo customer is the first stop.
    on_route.sort(
        key=lambda row: (
            row[0].phone != CUSTOMER_LOGIN.username,
            row[1].street,
            row[1].details.address,
        )
    )
    for customer, plan in on_route:
        boy = next(
            boy
            for boy, area, phases in boys
            if area == customer.area.name and (phases is None or plan.phase in phases)
        )
        assign_to_route(customer=customer, delivery_boy=boy)
    return staff, areas, customers


@contextmanager
def _outbox_off():
    """Switch every kind of message off while the block runs, then on again."""
    on = sorted(enabled_purposes())
    for purpose in on:
        set_switch(purpose=purpose, enabled=False)
    yield
    for purpose in on:
        set_switch(purpose=purpose, enabled=True)


def _boys() -> dict[int, object]:
    """{customer id: the user of their delivery boy}."""
    return {
        stop.customer_id: stop.delivery_boy.user
        for stop in RouteStop.objects.select_related("delivery_boy__user")
    }


def _details(plan: CustomerPlan, *, areas, staff):
    marketer = staff[roles.MARKETING] if plan.marketed else None
    return replace(plan.details, area=areas[plan.details.area], marketing_staff=marketer)


def _password_of(phone: str) -> str | None:
    return DELIVERY_BOY_LOGIN.password if phone == DELIVERY_BOY_LOGIN.username else None


def _create_staff_user(login: DemoLogin):
    first, _, last = login.name.partition(" ")
    user = User(
        username=login.username,
        first_name=first,
        last_name=last,
        email=f"{login.username}@earlybird.example",
        is_staff=login.role == roles.ADMIN,
        is_superuser=login.role == roles.ADMIN,
    )
    user.set_password(login.password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=login.role))
    return user


def _create_products(*, today: date) -> dict[str, Product]:
    since = (today - timedelta(days=365)).replace(day=1)
    products = {}
    for position, (name, unit, price) in enumerate(PRODUCTS, start=1):
        product = Product(name=name, unit=unit, sort_order=position * 10)
        if name in RETURNABLE:
            product.returnable = True
            product.container, deposit = RETURNABLE[name]
            product.deposit = Decimal(deposit)
        product.full_clean()
        product.save()
        set_price(product=product, price=Decimal(price), effective_from=since)
        products[name] = product
    name, new_price = PRICE_CHANGE
    set_price(
        product=products[name], price=Decimal(new_price), effective_from=today.replace(day=15)
    )
    return products


def _create_customer(plan: CustomerPlan, *, areas, products, staff) -> Customer:
    """The customer as they joined (live: a pause or an end date says when that stopped,
    and the status follows after the history), their prices and subscriptions dated then;
    their one-time orders placed today."""
    details = _details(plan, areas=areas, staff=staff)
    if details.status in (Customer.Status.PAUSED, Customer.Status.STOPPED):
        details = replace(details, status=Customer.Status.ACTIVE)
    with story_time(moment(plan.joined, 10, 0)):
        customer = create_customer(details=details, password=plan.password, created_on=plan.joined)
        if plan.special_price:
            product, price = plan.special_price
            set_price(
                product=products[product],
                price=Decimal(price),
                effective_from=plan.joined,
                customer=customer,
            )
        created_by = details.marketing_staff or staff[roles.SUPPORT]
        for sub in plan.subs:
            _create_subscription(sub, customer=customer, products=products, created_by=created_by)
    for day, shift, lines in plan.one_time:
        create_one_time_order(
            customer=customer,
            delivery_date=day,
            shift=shift,
            lines=[LineSpec(products[name], quantity) for name, quantity in lines],
            created_by=staff[roles.SUPPORT],
        )
    return customer


def _create_subscription(sub: SubscriptionPlan, *, customer, products, created_by) -> Order:
    """Active, as services make it: its pauses and end date say when it does not deliver."""
    order = create_subscription(
        customer=customer,
        lines=[LineSpec(products[name], quantity) for name, quantity in sub.lines],
        start_date=sub.start,
        pattern=sub.pattern,
        weekdays=sub.weekdays,
        shift=sub.shift,
        end_date=sub.end,
        status=Order.Status.ACTIVE,
        created_by=created_by,
    )
    # No service writes pauses or day overrides yet; each row is validated, then saved.
    line = order.lines.order_by("pk").first()
    for day, quantity in sub.listed:
        override = DayOverride(line=line, date=day, quantity=quantity)
        override.full_clean()
        override.save()
    for start, end, reason in sub.pauses:
        pause = OrderPause(order=order, start_date=start, end_date=end, reason=reason)
        pause.full_clean()
        pause.save()
    return order
