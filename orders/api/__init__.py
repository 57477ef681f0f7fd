"""API on orders.

Staff: list and read orders, create a subscription. Customers (under me/): their
subscriptions, pauses and resumes, day overrides (0 = skip), one-time orders and their
cancellation — every customer change subject to the cut-off the evening before.
"""

from orders.api.me import (
    MeOrderCancelApi,
    MeOrderListCreateApi,
    MeOverrideListCreateApi,
    MePauseListCreateApi,
    MePauseResumeApi,
    MeSubscriptionListApi,
    OverrideFilter,
    check_cutoff,
    first_open_day,
)
from orders.api.serializers import (
    QUANTITY,
    LineIn,
    OneTimeOrderIn,
    OrderLineOut,
    OrderOut,
    OverrideIn,
    OverrideOut,
    OverrideSetOut,
    PauseIn,
    PauseInOrderOut,
    PauseOut,
    ResumeIn,
    SubscriptionIn,
    SubscriptionOut,
    line_specs,
    orders_with_lines,
)
from orders.api.staff import MAY_ADD_SUBSCRIPTIONS, OrderDetailApi, OrderFilter, OrderListCreateApi

__all__ = [
    "MAY_ADD_SUBSCRIPTIONS",
    "QUANTITY",
    "LineIn",
    "MeOrderCancelApi",
    "MeOrderListCreateApi",
    "MeOverrideListCreateApi",
    "MePauseListCreateApi",
    "MePauseResumeApi",
    "MeSubscriptionListApi",
    "OneTimeOrderIn",
    "OrderDetailApi",
    "OrderFilter",
    "OrderLineOut",
    "OrderListCreateApi",
    "OrderOut",
    "OverrideFilter",
    "OverrideIn",
    "OverrideOut",
    "OverrideSetOut",
    "PauseIn",
    "PauseInOrderOut",
    "PauseOut",
    "ResumeIn",
    "SubscriptionIn",
    "SubscriptionOut",
    "check_cutoff",
    "first_open_day",
    "line_specs",
    "orders_with_lines",
]
