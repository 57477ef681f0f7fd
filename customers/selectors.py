"""Reads on customers: who may see which customer, and the staff list's filters.

Scoping lives here, in the lowest app that has customers, so every app's pages, API and
admin scope the same way. It filters on reverse relations by name (a delivery boy's
route: `route_stop__delivery_boy`) without importing the apps that own them.
"""

import re

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from customers.models import Customer
from earlybird.roles import ACCOUNTS, ADMIN, CUSTOMER, DELIVERY_BOY, MARKETING, SUPPORT, role_names

UNASSIGNED = "none"
SEE_EVERY_CUSTOMER = {ADMIN, SUPPORT, ACCOUNTS}


def customers_visible_to(user) -> QuerySet[Customer]:
    """Which customers this user may see: all for admin/support/accounts, their own for
    marketing, the customers on his route for a delivery boy, themself for a customer."""
    customers = Customer.objects.all()
    roles = role_names(user)
    if roles & SEE_EVERY_CUSTOMER:
        return customers
    if MARKETING in roles:
        return customers.filter(marketing_staff=user)
    if DELIVERY_BOY in roles:
        return customers.filter(route_stop__delivery_boy__user=user)
    if CUSTOMER in roles:
        return customers.filter(user=user)
    return customers.none()


def of_visible_customers(queryset: QuerySet, user, customer_field: str = "customer") -> QuerySet:
    """Keep the rows whose customer this user may see (customers_visible_to); no filter
    at all for the roles that see every customer."""
    if role_names(user) & SEE_EVERY_CUSTOMER:
        return queryset
    return queryset.filter(**{f"{customer_field}__in": customers_visible_to(user)})


def visible_customer(*, user, customer_id: int) -> Customer:
    """The customer, if this user may see it (marketing: their own); else a 404."""
    return get_object_or_404(
        customers_visible_to(user).select_related("user", "area", "marketing_staff"),
        pk=customer_id,
    )


def search_digits(text: str) -> str:
    """The digits of a phone number as typed: '+91 98480-22338' -> '9848022338'."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    return digits


def matching(customers: QuerySet[Customer], text: str) -> QuerySet[Customer]:
    """The customers whose name or code contains `text`, or whose phone contains the
    digits typed (three or more: '+91 98480-22338', '22338'). Pages and API alike."""
    text = text.strip()
    if not text:
        return customers
    match = Q(name__icontains=text) | Q(code__icontains=text)
    digits = search_digits(text)
    if len(digits) >= 3:
        match |= Q(phone__contains=digits)
    return customers.filter(match)


def customer_list(
    *,
    user,
    search: str = "",
    status: str = "",
    area=None,
    delivery_boy=None,
    marketing_staff=None,
) -> QuerySet[Customer]:
    """The customers this user may see, filtered, with area, marketer and route.

    `delivery_boy` is a DeliveryBoy (or its id), or UNASSIGNED for customers on no route.
    """
    customers = matching(customers_visible_to(user), search)
    if status:
        customers = customers.filter(status=status)
    if area is not None:
        customers = customers.filter(area=area)
    if delivery_boy == UNASSIGNED:
        customers = customers.filter(route_stop__isnull=True)
    elif delivery_boy is not None:
        customers = customers.filter(route_stop__delivery_boy=delivery_boy)
    if marketing_staff is not None:
        customers = customers.filter(marketing_staff=marketing_staff)
    return customers.select_related("area", "marketing_staff", "route_stop__delivery_boy").order_by(
        "name", "pk"
    )
