"""Build the load-test dairy: 5,000 customers, 40 delivery boys, logins for all.

Uses the generation benchmark's bulk builder in a database of its own (earlybird_load),
then gives every delivery boy and customer a login (username = phone, one password),
adds a staff user, and generates today's deliveries. Writes the accounts to a JSON file
for the locust scenario.
"""

import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

PASSWORD = "load-test-2026"


def build(*, customers: int, boys: int, accounts_file: Path) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.utils import timezone

    from bench.generate_deliveries import build_dairy
    from deliveries.services import generate_deliveries
    from earlybird import roles

    build_dairy(customers, boys)
    hashed = make_password(PASSWORD)
    with connection.cursor() as c:
        c.execute(
            "TRUNCATE billing_billingline, billing_bill, billing_payment, "
            "billing_adjustment, billing_billingrun CASCADE"
        )
        c.execute(
            "UPDATE auth_user u SET username = b.phone, password = %s "
            "FROM deliveries_deliveryboy b WHERE b.user_id = u.id",
            [hashed],
        )
        c.execute(
            "UPDATE auth_user u SET username = c.phone, password = %s "
            "FROM customers_customer c WHERE c.user_id = u.id",
            [hashed],
        )
        for role, table in (
            (roles.DELIVERY_BOY, "deliveries_deliveryboy"),
            (roles.CUSTOMER, "customers_customer"),
        ):
            c.execute(
                f"INSERT INTO auth_user_groups (user_id, group_id) SELECT user_id, %s FROM {table}",
                [Group.objects.get(name=role).pk],
            )
    staff, _ = User.objects.get_or_create(username="loadstaff")
    staff.set_password(PASSWORD)
    staff.save()
    staff.groups.add(*Group.objects.filter(name__in=[roles.SUPPORT, roles.ACCOUNTS]))
    today = timezone.localdate()
    report = generate_deliveries(day=today)
    accounts = {
        "delivery_boys": list(
            User.objects.filter(delivery_boy__isnull=False).values_list("username", flat=True)
        ),
        "customers": list(
            User.objects.filter(customer__status__in=["active", "trial"])
            .order_by("pk")
            .values_list("username", flat=True)[:2000]
        ),
        "staff": "loadstaff",
        "grid_url": f"/staff/billing/grid/?month={today:%Y-%m}",
        "day": today.isoformat(),
        "deliveries": sum(report.created.values()) + sum(report.unchanged.values()),
        "generated_at": dt.datetime.now().isoformat(timespec="seconds"),
    }
    accounts_file.parent.mkdir(parents=True, exist_ok=True)
    accounts_file.write_text(json.dumps(accounts))
    return accounts
