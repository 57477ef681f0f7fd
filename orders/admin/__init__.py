"""The orders admin, by purpose: products and prices; orders; an order's lines, pauses and
day overrides. Every write goes through orders.services."""

from orders.admin.orders import WEEKDAYS, OrderAdmin, OrderForm, OrderLineInline, OrderPauseInline
from orders.admin.products import (
    CustomerPriceAdmin,
    PriceAdmin,
    ProductAddForm,
    ProductAdmin,
    ProductPriceAdmin,
    ProductPriceInline,
)
from orders.admin.schedule import (
    DayOverrideAdmin,
    DayOverrideInline,
    LineFixedMixin,
    OrderLineAdmin,
    OrderLineForm,
    OrderPauseAdmin,
    ScheduleWritesMixin,
)

__all__ = [
    "WEEKDAYS",
    "CustomerPriceAdmin",
    "DayOverrideAdmin",
    "DayOverrideInline",
    "LineFixedMixin",
    "OrderAdmin",
    "OrderForm",
    "OrderLineAdmin",
    "OrderLineForm",
    "OrderLineInline",
    "OrderPauseAdmin",
    "OrderPauseInline",
    "PriceAdmin",
    "ProductAddForm",
    "ProductAdmin",
    "ProductPriceAdmin",
    "ProductPriceInline",
    "ScheduleWritesMixin",
]
