"""Writes on orders and prices, by purpose: placing orders, schedule edits, editing an
order, products and prices."""

from orders.services.editing import (
    add_order_line,
    remove_order_line,
    set_line_quantity,
    update_order,
    update_subscription,
)
from orders.services.placing import (
    LineSpec,
    create_customer_with_subscription,
    create_one_time_order,
    create_subscription,
)
from orders.services.products import create_product, remove_price, set_price, update_product
from orders.services.schedule import (
    cancel_one_time_order,
    check_customer_cutoff,
    customer_cutoff_passed,
    pause_order,
    remove_pause,
    resume_order,
    set_day_override,
    set_day_quantities,
    skip_day,
    stop_subscription,
    update_pause,
)

__all__ = [
    "LineSpec",
    "add_order_line",
    "cancel_one_time_order",
    "check_customer_cutoff",
    "create_customer_with_subscription",
    "create_one_time_order",
    "create_product",
    "create_subscription",
    "customer_cutoff_passed",
    "pause_order",
    "remove_order_line",
    "remove_pause",
    "remove_price",
    "resume_order",
    "set_day_override",
    "set_day_quantities",
    "set_line_quantity",
    "set_price",
    "skip_day",
    "stop_subscription",
    "update_order",
    "update_pause",
    "update_product",
    "update_subscription",
]
