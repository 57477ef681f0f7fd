"""{% staff_nav %}: the staff navigation, on one line at 1280 px: a few links, and groups
that open as a <details> menu (no script). It shows only what the access table lets the
user open, and marks where they are: aria-current on the link of the page (or of the
list a detail page belongs to) and the class "current" on its group.

Which link a page belongs to: the longest prefix of its URL name in an item's `owns`.
No query: the roles are cached on the user (earlybird.roles), and the rendered nav per
roles and page (module-level: the access table and the URLs do not change while the
process runs).
"""

from dataclasses import dataclass

from django import template
from django.template.loader import get_template
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.safestring import mark_safe

from earlybird.access import allows
from earlybird.kept import Kept
from earlybird.roles import role_names

register = template.Library()


@dataclass(frozen=True)
class Item:
    label: str
    view_name: str
    owns: tuple[str, ...] = ()  # URL-name prefixes of the pages under this link
    admin_site: bool = False  # shown to users the admin site lets in (is_staff)

    @property
    def prefixes(self) -> tuple[str, ...]:
        return (self.view_name, *self.owns)


@dataclass(frozen=True)
class Group:
    label: str
    items: tuple[Item, ...]


# A subscription's pages (and the customer's prices) are a customer's.
SUBSCRIPTION_PAGES = tuple(
    f"orders:{name}"
    for name in (
        "detail",
        "edit",
        "subscription_create",
        "pause",
        "day",
        "stop",
        "cancel",
        "resume",
        "customer_prices",
    )
)

NAV: tuple[Item | Group, ...] = (
    Item("Dashboard", "dashboard"),
    Item("Customers", "customers:list", owns=("customers:", *SUBSCRIPTION_PAGES)),
    Group(
        "Deliveries",
        (
            Item(
                "Routes",
                "deliveries:route_list",
                owns=("deliveries:route", "deliveries:daily_sheet", "deliveries:correct"),
            ),
            Item("Procurement", "deliveries:procurement"),
            Item("One-time orders", "orders:one_time_list", owns=("orders:one_time",)),
            Item("Shared links", "deliveries:links", owns=("deliveries:link",)),
        ),
    ),
    Item("Products", "orders:products", owns=("orders:product",)),
    Group(
        "Billing",
        (
            Item("Bills", "billing:bills", owns=("billing:bill", "billing:send_bills")),
            Item("Monthly grid", "billing:grid"),
            Item("Payments", "billing:payments", owns=("billing:ledger",)),
            Item("Online payments", "billing:payment_links", owns=("billing:gateway",)),
            Item("Low balance", "billing:low_balance"),
            Item("Billing runs", "billing:runs", owns=("billing:run", "billing:issue_period")),
            Item("Reconcile", "billing:reconcile"),
        ),
    ),
    Group(
        "Reports",
        (
            Item("Dues and ageing", "reports:dues"),
            Item("Sales", "reports:sales"),
            Item("Delivery performance", "reports:performance"),
            Item("Cash", "reports:cash"),
            Item("Bottles", "reports:bottles"),
            Item("All reports", "reports:index", owns=("reports:",)),
        ),
    ),
    Item("Messages", "messaging:list", owns=("messaging:",)),
    Item("Jobs", "jobs"),
    Item("Admin", "admin:index", admin_site=True),
)


def current_item(view_name: str) -> Item | None:
    """The link a page belongs to: the one owning the longest prefix of its URL name."""
    best, length = None, 0
    for entry in NAV:
        for item in entry.items if isinstance(entry, Group) else (entry,):
            for prefix in item.prefixes:
                if view_name.startswith(prefix) and len(prefix) > length:
                    best, length = item, len(prefix)
    return best


def _link(item: Item, user, view_name: str, here: Item | None) -> dict | None:
    if not (user.is_staff if item.admin_site else allows(user, item.view_name, "GET")):
        return None
    current = ""
    if item == here:
        current = "page" if view_name == item.view_name else "true"
    try:
        url = reverse(item.view_name)
    except NoReverseMatch:  # a page not mounted (yet): no link rather than no page
        return None
    return {"label": item.label, "url": url, "current": current}


# The rendered nav per (roles, is_staff, page, URL prefix): the same few hundred bytes
# were worked out again on every staff page (~0.6 ms, a trivial view's whole time).
_RENDERED = Kept(2000)


@register.simple_tag(takes_context=True)
def staff_nav(context) -> str:
    request = context["request"]
    user = request.user
    match = request.resolver_match
    view_name = match.view_name if match else ""
    key = (frozenset(role_names(user)), user.is_staff, view_name, get_script_prefix())
    html = _RENDERED.get(key)
    if html is None:
        html = _RENDERED.keep(
            key, get_template("staff/_nav.html").render(nav_entries(user, view_name))
        )
    return mark_safe(html)  # noqa: S308 - rendered by the (autoescaping) template  # nosec B308 B703


def nav_entries(user, view_name: str) -> dict:
    """The nav's entries for this user on this page (the template's context)."""
    here = current_item(view_name)
    entries = []
    for entry in NAV:
        if isinstance(entry, Group):
            links = [link for item in entry.items if (link := _link(item, user, view_name, here))]
            if links:
                current = any(link["current"] for link in links)
                entries.append({"label": entry.label, "links": links, "current": current})
        elif link := _link(entry, user, view_name, here):
            entries.append(link)
    return {"entries": entries}
