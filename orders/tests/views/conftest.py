"""The cast and the products of the staff order pages' tests."""

from orders.tests.views.cast import (  # noqa: F401 - fixtures, found by name
    curd,
    customer,
    marketer,
    milk,
    subscription,
    support,
)
