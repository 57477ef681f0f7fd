"""An order's page shares its cast with orders' own staff pages (orders/tests/views)."""

from orders.tests.views.cast import (  # noqa: F401 - fixtures, found by name
    curd,
    customer,
    marketer,
    milk,
    subscription,
    support,
)
