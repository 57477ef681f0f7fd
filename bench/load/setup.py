"""Build the load-test dairy in a database of its own (earlybird_load).

    1,000 customers (the size the staff pages are judged at), every one on a route:
    one delivery boy with 400 stops, the others with 40 each. Every customer has a daily
    morning subscription (a quarter a second product), so every boy has stops in the
    morning shift today. The whole last month and this month up to yesterday are
    delivered (a few partly, a few not), last month is billed and issued by the billing
    services, most customers paid something this month, and today's deliveries are
    pending.

Rows are made with bulk_create (the models fill every default, so columns added later
need no change here). Logins are sessions written straight into the session store, so
the harness needs no login page, no password hashing and no markup. Writes the accounts
(session cookies, each boy's shift and stops, the page URLs) to a JSON file.
"""

import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

BIG_ROUTE = 400
SMALL_ROUTE = 40
CSRF_TOKEN = "loadtest" + "0" * 24  # a well-formed CSRF secret, sent as cookie and field
UNUSABLE = "!"  # no password: the harness signs in through sessions written here


def _clear() -> None:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SET session_replication_role = replica")
        c.execute(
            "SELECT string_agg(quote_ident(tablename), ', ') FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename NOT IN "
            "('django_migrations', 'django_content_type', 'auth_permission', 'auth_group', "
            "'auth_group_permissions', 'django_site')"
        )
        tables = c.fetchone()[0]
        c.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        c.execute("SET session_replication_role = origin")


def _people(customers: int):
    from django.contrib.auth.models import Group, User

    from customers.models import Area, Customer
    from deliveries.models import DeliveryBoy, RouteStop
    from earlybird import roles

    boys = 1 + max(customers - BIG_ROUTE, 0) // SMALL_ROUTE
    users = User.objects.bulk_create(
        [User(username=f"8{n:09d}", password=UNUSABLE) for n in range(1, boys + 1)]
        + [User(username=f"9{n:09d}", password=UNUSABLE) for n in range(1, customers + 1)]
    )
    boy_users, customer_users = users[:boys], users[boys:]
    areas = Area.objects.bulk_create([Area(name=f"Area {n}", city="Hyderabad") for n in range(20)])
    delivery_boys = DeliveryBoy.objects.bulk_create(
        [DeliveryBoy(user=u, name=f"Boy {n}", phone=u.username) for n, u in enumerate(boy_users)]
    )
    people = Customer.objects.bulk_create(
        [
            Customer(
                user=u,
                code=f"CU-20260101-{n:06d}",
                name=f"Customer {n:05d}",
                phone=u.username,
                status=Customer.Status.ACTIVE,
                area=areas[n % len(areas)],
                address=f"House {n}",
                opening_balance=Decimal((n % 7) * 10 - 20),
            )
            for n, u in enumerate(customer_users, start=1)
        ]
    )
    stops = []
    for n, customer in enumerate(people):
        boy = 0 if n < BIG_ROUTE else 1 + (n - BIG_ROUTE) // SMALL_ROUTE
        position = n + 1 if n < BIG_ROUTE else (n - BIG_ROUTE) % SMALL_ROUTE + 1
        stops.append(
            RouteStop(delivery_boy=delivery_boys[boy], customer=customer, position=position)
        )
    RouteStop.objects.bulk_create(stops)
    for role, group_users in ((roles.DELIVERY_BOY, boy_users), (roles.CUSTOMER, customer_users)):
        Group.objects.get(name=role).user_set.add(*group_users)
    staff = User.objects.create(username="loadstaff", password=UNUSABLE)
    staff.groups.add(*Group.objects.filter(name__in=[roles.SUPPORT, roles.ACCOUNTS]))
    return staff, delivery_boys, people


def _orders(people, first: dt.date):
    from orders.models import Order, OrderLine, Product, ProductPrice

    products = Product.objects.bulk_create(
        [Product(name=f"Product {n}", sort_order=n) for n in range(1, 9)]
    )
    ProductPrice.objects.bulk_create(
        [
            ProductPrice(product=p, price=Decimal(30 + 5 * n), effective_from=first)
            for n, p in enumerate(products)
        ]
    )
    orders = Order.objects.bulk_create(
        [
            Order(
                code=f"SU-20260101-{n:06d}",
                customer=c,
                kind=Order.Kind.SUBSCRIPTION,
                pattern=Order.Pattern.DAILY,
                weekdays=[],
                shift=Order.Shift.MORNING,
                start_date=first,
                status=Order.Status.ACTIVE,
            )
            for n, c in enumerate(people, start=1)
        ]
    )
    lines = [
        OrderLine(order=o, product=products[n % 8], quantity=Decimal(1) + (n % 3) * Decimal("0.5"))
        for n, o in enumerate(orders)
    ] + [
        OrderLine(order=o, product=products[(n + 3) % 8], quantity=Decimal("0.5"))
        for n, o in enumerate(orders)
        if n % 4 == 0
    ]
    return OrderLine.objects.bulk_create(lines)


def _deliveries(lines, stops: dict[int, int], boy_users: dict[int, int], first, today):
    """Confirmed deliveries from `first` to yesterday (90 % delivered, 6 % partial), and
    today's pending ones: what generation makes, without depending on it."""
    from django.utils import timezone

    from deliveries.models import Delivery

    rows = []
    day = first
    while day <= today:
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(6, 30)))
        for line in lines:
            roll = (line.pk * 31 + day.toordinal()) % 100
            boy = stops[line.order.customer_id]
            if day == today:
                status, qty, reason = Delivery.Status.PENDING, Decimal(0), ""
            elif roll < 4:
                status, qty, reason = Delivery.Status.NOT_DELIVERED, Decimal(0), "customer_away"
            elif roll < 10 and line.quantity > Decimal("0.5"):
                status, qty, reason = Delivery.Status.PARTIAL, Decimal("0.5"), ""
            else:
                status, qty, reason = Delivery.Status.DELIVERED, line.quantity, ""
            rows.append(
                Delivery(
                    code=f"DL-{day:%Y%m%d}-{line.pk:06d}",
                    order_id=line.order_id,
                    order_line=line,
                    product_id=line.product_id,
                    customer_id=line.order.customer_id,
                    delivery_boy_id=boy,
                    date=day,
                    shift="morning",
                    ordered_qty=line.quantity,
                    delivered_qty=qty,
                    unit_price=Decimal(30 + 5 * (line.product_id - 1)),
                    status=status,
                    reason=reason,
                    confirmed_by_id=None if day == today else boy_users[boy],
                    confirmed_via="" if day == today else Delivery.Via.DELIVERY_BOY,
                    confirmed_at=None if day == today else at,
                )
            )
        day += dt.timedelta(days=1)
    Delivery.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _sessions(users) -> dict[int, str]:
    """{user id: session key}: a signed-in session for each user, as login() writes it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    keys = {}
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.set_expiry(86400)
        session.create()
        keys[user.pk] = session.session_key
    return keys


def _write_url() -> str:
    """Where a boy's confirmation goes: the JSON sync endpoint (POST /d/sync/, the phone's
    queue) if it exists, else the per-stop confirm URL (the harness fills in the id)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("boy:sync")
    except NoReverseMatch:
        return reverse("boy:confirm", args=[0]).replace("/0/", "/{customer}/")


def build(*, customers: int, accounts_file: Path) -> dict:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from billing.models import Payment
    from billing.services import issue_bills, run_billing
    from deliveries.models import Delivery, RouteStop

    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    _clear()
    staff, delivery_boys, people = _people(customers)
    lines = _orders(people, last_month)
    stops = dict(RouteStop.objects.values_list("customer_id", "delivery_boy_id"))
    boy_users = {b.pk: b.user_id for b in delivery_boys}
    made = _deliveries(lines, stops, boy_users, last_month, today)
    run_billing(period=last_month)
    issued = issue_bills(period=last_month)
    Payment.objects.bulk_create(
        [
            Payment(
                code=f"PA-{this_month:%Y%m}-{n:06d}",
                customer=c,
                amount=Decimal(200 + (n % 9) * 150),
                method=Payment.Method.CASH,
                paid_on=this_month,
                received_by=staff,
            )
            for n, c in enumerate(people)
            if n % 5 != 0
        ]
    )
    with connection.cursor() as c:
        c.execute("VACUUM ANALYZE")
    shown = [p for n, p in enumerate(people) if n % 3 == 0][:200]
    sessions = _sessions(
        [staff, *User.objects.filter(delivery_boy__isnull=False), *(p.user for p in shown)]
    )
    per_boy = {
        boy.pk: sorted(
            set(
                Delivery.objects.filter(date=today, shift="morning", delivery_boy=boy)
                .exclude(status=Delivery.Status.CANCELLED)
                .values_list("customer_id", flat=True)
            )
        )
        for boy in delivery_boys
    }
    accounts = {
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "csrf_token": CSRF_TOKEN,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "staff": sessions[staff.pk],
        "delivery_boys": [
            {
                "session": sessions[boy.user_id],
                "shift": "morning",
                "stops": per_boy[boy.pk],
                "route": "/d/?shift=morning",
            }
            for boy in delivery_boys
            if per_boy[boy.pk]  # never a boy with nothing in the shift he asks for
        ],
        "customers": [sessions[p.user_id] for p in shown],
        "write_url": _write_url(),
        "grid_url": f"/staff/billing/grid/?month={last_month:%Y-%m}",
        # The page staff open first: this month, delivered up to yesterday, not billed yet.
        "grid_this_month_url": f"/staff/billing/grid/?month={this_month:%Y-%m}",
        "customers_url": "/staff/customers/",
        "day": today.isoformat(),
        "customer_count": customers,
        "deliveries": made,
        "bills_issued": issued,
        "stops_today": sum(len(stops) for stops in per_boy.values()),
    }
    accounts_file.parent.mkdir(parents=True, exist_ok=True)
    accounts_file.write_text(json.dumps(accounts))
    return accounts
