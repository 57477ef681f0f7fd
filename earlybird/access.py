"""Who may open which page or API operation: one table for the whole project.

Every URL name in the project has an entry in ACCESS (a test walks Django's resolver and
fails on any pattern without one). An entry says which roles may read (GET/HEAD) and
which may write (any other method), and how the rows the view shows are scoped:

- NONE      the view shows no customer's data (login, health check, product list)
- VISIBLE   rows of the customers the user may see: `customers_visible_to(user)`
            (all for admin, support and accounts; a marketer's own customers)
- OWN       the signed-in customer's own rows
- ROUTE     the signed-in delivery boy's own route
- LINK      the one route, shift and day a shared link names
- ALL       business-wide rows or totals: only roles that see every customer may have it

`AccessMiddleware` enforces the table on pages (outsiders get a 404, not a hint that the
page exists; anonymous users are sent to log in) and `TablePermission` on the API, where
token authentication happens inside DRF. A URL name missing from the table is refused for
everyone: a new page cannot ship unscoped.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse
from rest_framework.permissions import BasePermission

from earlybird.roles import (
    ACCOUNTS,
    ADMIN,
    CUSTOMER,
    CUSTOMER_EDITORS,
    DELIVERY_BOY,
    PRICE_MANAGERS,
    SCHEDULE_EDITORS,
    STAFF_ROLES,
    SUPPORT,
    has_role,
)

PUBLIC = "public"  # no login needed
SIGNED_IN = "signed in"  # any signed-in user, whatever the role


class Scope(StrEnum):
    NONE = "none"
    VISIBLE = "visible"
    OWN = "own"
    ROUTE = "route"
    LINK = "link"
    ALL = "all"


# Roles that see every customer; only they may have ALL-scoped pages.
SEE_EVERY_CUSTOMER = frozenset({ADMIN, SUPPORT, ACCOUNTS})


@dataclass(frozen=True)
class Access:
    read: frozenset[str]
    write: frozenset[str]
    scope: Scope

    def roles_for(self, method: str) -> frozenset[str]:
        return self.read if method in ("GET", "HEAD", "OPTIONS") else self.write

    @property
    def is_public(self) -> bool:
        return PUBLIC in self.read


def rule(read, scope: Scope, write=None) -> Access:
    read = frozenset(read)
    return Access(read=read, write=frozenset(read if write is None else write), scope=scope)


STAFF = STAFF_ROLES
EDITORS = CUSTOMER_EDITORS  # customers and subscriptions
OPERATIONS = SCHEDULE_EDITORS  # schedules, routes, corrections, shared links
MONEY = PRICE_MANAGERS  # billing, payments, prices
EVERY_CUSTOMER = (ADMIN, SUPPORT, ACCOUNTS)
NOBODY: tuple[str, ...] = ()

ACCESS: dict[str, Access] = {
    # --- everyone -----------------------------------------------------------------------
    "home": rule([SIGNED_IN], Scope.NONE),  # sends each user to their own pages
    "healthz": rule([PUBLIC], Scope.NONE),
    "login": rule([PUBLIC], Scope.NONE),
    "logout": rule([PUBLIC], Scope.NONE),
    "language": rule([PUBLIC], Scope.NONE),  # the language buttons of every page
    # The admin checks is_staff and model permissions itself; its querysets are scoped
    # by the same selectors (see the ModelAdmins).
    "admin:*": rule([PUBLIC], Scope.VISIBLE),
    # --- staff pages ----------------------------------------------------------------------
    "dashboard": rule(STAFF, Scope.VISIBLE),
    "customers:list": rule(STAFF, Scope.VISIBLE),
    "customers:detail": rule(STAFF, Scope.VISIBLE),
    "customers:create": rule(EDITORS, Scope.VISIBLE),
    "customers:edit": rule(EDITORS, Scope.VISIBLE),
    "customers:activate": rule(EDITORS, Scope.VISIBLE),
    "customers:password_link": rule(EDITORS, Scope.VISIBLE),
    # The prepaid wallet on the customer page: the mode, recharges and settings are money.
    "customers:billing_mode": rule(MONEY, Scope.VISIBLE),
    "customers:wallet_recharge": rule(MONEY, Scope.VISIBLE),
    "customers:wallet_settings": rule(MONEY, Scope.VISIBLE),
    "orders:one_time_list": rule(STAFF, Scope.VISIBLE),
    "orders:detail": rule(STAFF, Scope.VISIBLE),
    "orders:edit": rule(EDITORS, Scope.VISIBLE),
    "orders:subscription_create": rule(EDITORS, Scope.VISIBLE),
    "orders:pause": rule(OPERATIONS, Scope.VISIBLE),
    "orders:day": rule(OPERATIONS, Scope.VISIBLE),
    "orders:stop": rule(OPERATIONS, Scope.VISIBLE),
    "orders:cancel": rule(OPERATIONS, Scope.VISIBLE),
    "orders:resume": rule(OPERATIONS, Scope.VISIBLE),
    "orders:one_time_create": rule(OPERATIONS, Scope.VISIBLE),
    "orders:products": rule(STAFF, Scope.NONE),
    "orders:product_create": rule(MONEY, Scope.NONE),
    "orders:product": rule(MONEY, Scope.NONE),
    "orders:product_edit": rule(MONEY, Scope.NONE),
    "orders:product_price": rule(MONEY, Scope.NONE),
    "orders:customer_prices": rule(MONEY, Scope.VISIBLE),
    # Routes, sheets and procurement show every customer on a route or in an area.
    "deliveries:route_list": rule(EVERY_CUSTOMER, Scope.ALL),
    "deliveries:route_detail": rule(OPERATIONS, Scope.ALL),
    "deliveries:route_assign": rule(OPERATIONS, Scope.ALL),
    "deliveries:route_move": rule(OPERATIONS, Scope.ALL),
    "deliveries:daily_sheet": rule(EVERY_CUSTOMER, Scope.ALL, write=OPERATIONS),
    "deliveries:procurement": rule(EVERY_CUSTOMER, Scope.ALL, write=OPERATIONS),
    "deliveries:correct": rule(OPERATIONS, Scope.ALL),
    "deliveries:links": rule(OPERATIONS, Scope.ALL),
    "deliveries:link_create": rule(OPERATIONS, Scope.ALL),
    "deliveries:link_detail": rule(OPERATIONS, Scope.ALL),
    "deliveries:link_revoke": rule(OPERATIONS, Scope.ALL),
    "billing:runs": rule(MONEY, Scope.ALL),
    "billing:run_start": rule(MONEY, Scope.ALL),
    "billing:run_detail": rule(MONEY, Scope.ALL),
    "billing:issue_period": rule(MONEY, Scope.ALL),
    "billing:bills": rule(MONEY, Scope.ALL),
    "billing:bill_detail": rule(MONEY, Scope.ALL),
    "billing:bill_pdf": rule(MONEY, Scope.ALL),
    "billing:bill_issue": rule(MONEY, Scope.ALL),
    "billing:bill_void": rule(MONEY, Scope.ALL),
    "billing:grid": rule(MONEY, Scope.ALL),
    "billing:grid_csv": rule(MONEY, Scope.ALL),
    "billing:grid_xlsx": rule(MONEY, Scope.ALL),
    "billing:payments": rule(MONEY, Scope.ALL),
    "billing:ledger": rule(MONEY, Scope.ALL),
    "billing:reconcile": rule(MONEY, Scope.ALL),
    "billing:send_bills": rule(MONEY, Scope.ALL),
    # Prepaid customers paused for low balance: who to call, business-wide.
    "billing:low_balance": rule(EVERY_CUSTOMER, Scope.ALL),
    # Online payments: links for any customer, and the gateway's settlement report.
    "billing:payment_links": rule(MONEY, Scope.ALL),
    "billing:gateway_reconcile": rule(MONEY, Scope.ALL),
    # The outbox shows every customer's messages: the roles that see every customer read
    # it (its pages only read; messages are written by the business events).
    "messaging:list": rule(EVERY_CUSTOMER, Scope.ALL, write=MONEY),
    "messaging:detail": rule(EVERY_CUSTOMER, Scope.ALL, write=MONEY),
    "messaging:templates": rule(EVERY_CUSTOMER, Scope.ALL, write=MONEY),
    # Background jobs: scheduled runs and the queue (what failed may name customers).
    "jobs": rule([ADMIN], Scope.ALL),
    # Reports: business-wide figures and money, for the roles that see every customer;
    # accounts staff and admins confirm a delivery boy's cash hand-over on the cash page.
    "reports:index": rule(EVERY_CUSTOMER, Scope.ALL),
    "reports:dues": rule(EVERY_CUSTOMER, Scope.ALL),
    "reports:dues_csv": rule(EVERY_CUSTOMER, Scope.ALL),
    "reports:dues_xlsx": rule(EVERY_CUSTOMER, Scope.ALL),
    "reports:sales": rule(EVERY_CUSTOMER, Scope.ALL),
    "reports:sales_csv": rule(EVERY_CUSTOMER, Scope.ALL),
    "reports:sales_xlsx": rule(EVERY_CUSTOMER, Scope.ALL),
    "reports:performance": rule(EVERY_CUSTOMER, Scope.ALL),
    "reports:performance_csv": rule(EVERY_CUSTOMER, Scope.ALL),
    "reports:performance_xlsx": rule(EVERY_CUSTOMER, Scope.ALL),
    "reports:cash": rule(EVERY_CUSTOMER, Scope.ALL, write=MONEY),
    "reports:cash_csv": rule(EVERY_CUSTOMER, Scope.ALL),
    "reports:cash_xlsx": rule(EVERY_CUSTOMER, Scope.ALL),
    "reports:bottles": rule(EVERY_CUSTOMER, Scope.ALL),
    "reports:bottles_csv": rule(EVERY_CUSTOMER, Scope.ALL),
    "reports:bottles_xlsx": rule(EVERY_CUSTOMER, Scope.ALL),
    # --- delivery boys, substitutes ------------------------------------------------------
    "boy:login": rule([PUBLIC], Scope.NONE),
    # The app's service worker and manifest: code and icons, no one's data (browsers fetch
    # a manifest without cookies).
    "boy:sw": rule([PUBLIC], Scope.NONE),
    "boy:manifest": rule([PUBLIC], Scope.NONE),
    "boy:route": rule([DELIVERY_BOY], Scope.ROUTE),
    "boy:tomorrow": rule([DELIVERY_BOY], Scope.ROUTE),
    # The route page's one form (JavaScript off), and the phone's queue of taps (JSON).
    "boy:act": rule([DELIVERY_BOY], Scope.ROUTE),
    "boy:sync": rule([DELIVERY_BOY], Scope.ROUTE),
    "boy:load": rule([DELIVERY_BOY], Scope.ROUTE),
    "boy:cash_summary": rule([DELIVERY_BOY], Scope.ROUTE),
    "boy:cash": rule([DELIVERY_BOY], Scope.ROUTE),
    # A shared link is its own credential: the views open only the link's route.
    "shared:none": rule([PUBLIC], Scope.NONE),
    "shared:route": rule([PUBLIC], Scope.LINK),
    "shared:name": rule([PUBLIC], Scope.LINK),
    "shared:confirm": rule([PUBLIC], Scope.LINK),
    "shared:undo": rule([PUBLIC], Scope.LINK),
    # --- customers -------------------------------------------------------------------------
    "me:login": rule([PUBLIC], Scope.NONE),
    "me:logout": rule([PUBLIC], Scope.NONE),
    "me:set_password": rule([PUBLIC], Scope.OWN),  # the signed token names the customer
    "me:home": rule([CUSTOMER], Scope.OWN),
    "me:new_order": rule([CUSTOMER], Scope.OWN),
    "me:order": rule([CUSTOMER], Scope.OWN),
    "me:pause": rule([CUSTOMER], Scope.OWN),
    "me:resume": rule([CUSTOMER], Scope.OWN),
    "me:skip": rule([CUSTOMER], Scope.OWN),
    "me:extra": rule([CUSTOMER], Scope.OWN),
    "me:reset_day": rule([CUSTOMER], Scope.OWN),
    "me:cancel": rule([CUSTOMER], Scope.OWN),
    "me:bills": rule([CUSTOMER], Scope.OWN),
    "me:bill": rule([CUSTOMER], Scope.OWN),
    "me:bill_pdf": rule([CUSTOMER], Scope.OWN),
    "me:messages": rule([CUSTOMER], Scope.OWN),
    "me:instructions": rule([CUSTOMER], Scope.OWN),
    "me:bill_pay_online": rule([CUSTOMER], Scope.OWN),
    "me:recharge_online": rule([CUSTOMER], Scope.OWN),
    "me:wallet": rule([CUSTOMER], Scope.OWN),
    # --- message providers' webhooks: no login; each request must carry the provider's
    # HMAC signature (messaging/webhooks.py) and only updates message statuses.
    "hooks:whatsapp": rule([PUBLIC], Scope.NONE),
    "hooks:sms": rule([PUBLIC], Scope.NONE),
    # The payment gateway's webhook: no login; each request must carry Razorpay's HMAC
    # signature (billing/gateway/webhooks.py), and records only what Razorpay was paid.
    "hooks:razorpay": rule([PUBLIC], Scope.NONE),
    # --- REST API (enforced by TablePermission after DRF has authenticated) ------------------
    "api:token": rule([PUBLIC], Scope.NONE),
    "api:schema": rule([PUBLIC], Scope.NONE),
    "api:docs": rule([PUBLIC], Scope.NONE),
    "api:me": rule([CUSTOMER], Scope.OWN),
    "api:me-deliveries": rule([CUSTOMER], Scope.OWN),
    "api:me-subscriptions": rule([CUSTOMER], Scope.OWN),
    "api:me-pauses": rule([CUSTOMER], Scope.OWN),
    "api:me-pause-resume": rule([CUSTOMER], Scope.OWN),
    "api:me-overrides": rule([CUSTOMER], Scope.OWN),
    "api:me-orders": rule([CUSTOMER], Scope.OWN),
    "api:me-order-cancel": rule([CUSTOMER], Scope.OWN),
    "api:me-bills": rule([CUSTOMER], Scope.OWN),
    "api:me-payments": rule([CUSTOMER], Scope.OWN),
    "api:me-wallet": rule([CUSTOMER], Scope.OWN),
    "api:me-wallet-recharge-link": rule([CUSTOMER], Scope.OWN),
    "api:me-bill-payment-link": rule([CUSTOMER], Scope.OWN),
    "api:route": rule([DELIVERY_BOY], Scope.ROUTE),
    # A delivery boy confirms his own stops; operations staff correct any.
    "api:delivery-confirm": rule((DELIVERY_BOY, *OPERATIONS), Scope.ROUTE),
    "api:customers": rule(STAFF, Scope.VISIBLE, write=EDITORS),
    "api:customer": rule(STAFF, Scope.VISIBLE, write=NOBODY),
    "api:customer-wallet": rule(STAFF, Scope.VISIBLE, write=NOBODY),
    "api:orders": rule(STAFF, Scope.VISIBLE, write=EDITORS),
    "api:order": rule(STAFF, Scope.VISIBLE, write=NOBODY),
    "api:deliveries": rule(EVERY_CUSTOMER, Scope.ALL, write=NOBODY),
    "api:delivery": rule(EVERY_CUSTOMER, Scope.ALL, write=NOBODY),
    "api:payments": rule(MONEY, Scope.ALL),
}


def access_for(view_name: str | None) -> Access | None:
    """The entry for a URL name; `namespace:*` entries cover a whole namespace."""
    if not view_name:
        return None
    if view_name in ACCESS:
        return ACCESS[view_name]
    namespace = view_name.split(":", 1)[0]
    return ACCESS.get(f"{namespace}:*") if ":" in view_name else None


def allows(user, view_name: str | None, method: str) -> bool:
    access = access_for(view_name)
    if access is None:
        return False
    roles = access.roles_for(method)
    if PUBLIC in roles:
        return True
    return user.is_authenticated and (SIGNED_IN in roles or has_role(user, *roles))


def staff_can(user) -> dict[str, bool]:
    """Which writes a staff page may offer this user, read off the table (the POST is
    checked again by the middleware)."""
    return {
        "edit": allows(user, "customers:edit", "POST"),
        "schedule": allows(user, "orders:pause", "POST"),
        "prices": allows(user, "orders:product_price", "POST"),
    }


LOGIN_PAGES = {"boy": "boy:login", "me": "me:login"}


class AccessMiddleware:
    """Pages: refuse what the table does not allow before the view runs (404 for the
    signed-in who may not, the login page for the anonymous). API views authenticate
    inside DRF, so for them only a missing entry is refused here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        view_name = match.view_name if match else None
        access = access_for(view_name)
        if access is None:
            raise Http404("No such page.")
        if view_name.startswith("api:") or allows(request.user, view_name, request.method):
            return None
        if not request.user.is_authenticated:
            login = LOGIN_PAGES.get(match.namespace, "login")
            return redirect_to_login(request.get_full_path(), reverse(login))
        raise Http404("No such page.")


class TablePermission(BasePermission):
    """The API's half of the table: the caller's role may use this operation."""

    message = "Your role may not use this part of the API."

    def has_permission(self, request, view) -> bool:
        match = request.resolver_match
        return allows(request.user, match.view_name if match else None, request.method)


def staff_required(view):
    """For staff pages: the anonymous go to the staff login, anyone without a staff role
    gets a 404. Which staff roles may open the page is the table's business, enforced by
    AccessMiddleware before the view runs."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_role(request.user, *STAFF_ROLES):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapper
