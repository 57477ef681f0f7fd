"""A realistic, deterministic demo dairy in Hyderabad, written through the services,
with two full months of history before today.

Dates are relative to `today` (the local date unless the caller pins one), so the
subscriptions are running now and today's routes are non-empty once deliveries are
generated. The same seed and the same `today` give the same rows; the dairy is drawn in
memory first (`dairy.plan_dairy`), then written (`seed`); its history (`history`: the
rounds, `wallets`: prepaid customers, `bills`: billing and payments) is drawn from its
own generator in the order of the rows it reads, and stamped by the demo's clock
(`clock`).
"""

from web.demo.dairy import (
    ADMIN_LOGIN,
    CUSTOMER_LOGIN,
    DEFAULT_SEED,
    DELIVERY_BOY_LOGIN,
    STAFF_LOGINS,
    DemoLogin,
)
from web.demo.seed import DemoRefused, DemoReport, demo_counts, demo_logins, seed_demo

__all__ = [
    "ADMIN_LOGIN",
    "CUSTOMER_LOGIN",
    "DEFAULT_SEED",
    "DELIVERY_BOY_LOGIN",
    "STAFF_LOGINS",
    "DemoLogin",
    "DemoRefused",
    "DemoReport",
    "demo_counts",
    "demo_logins",
    "seed_demo",
]
