"""Roles are Django groups (made by a data migration). Which customers a user may see is
customers.selectors.customers_visible_to."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

ADMIN = "admin"
MARKETING = "marketing"
SUPPORT = "support"
ACCOUNTS = "accounts"
DELIVERY_BOY = "delivery boy"
CUSTOMER = "customer"

STAFF_ROLES = (ADMIN, MARKETING, SUPPORT, ACCOUNTS)
ALL_ROLES = (*STAFF_ROLES, DELIVERY_BOY, CUSTOMER)

# Model permissions per role: (app_label, model, actions).
ALL = ("view", "add", "change", "delete")
VIEW = ("view",)
ROLE_PERMISSIONS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    ADMIN: [],  # admins get every permission (see the roles migration)
    MARKETING: [
        ("customers", "area", VIEW),
        ("customers", "customer", ("view", "add", "change")),
        ("orders", "product", VIEW),
        ("orders", "productprice", VIEW),
        ("orders", "order", ("view", "add", "change")),
        ("orders", "orderline", ("view", "add", "change")),
    ],
    SUPPORT: [
        ("customers", "area", VIEW),
        ("customers", "customer", ("view", "add", "change")),
        ("orders", "product", VIEW),
        ("orders", "productprice", VIEW),
        ("orders", "customerprice", VIEW),
        ("orders", "order", ("view", "add", "change")),
        ("orders", "orderline", ("view", "add", "change")),
        ("orders", "orderpause", ALL),
        ("orders", "dayoverride", ALL),
        ("deliveries", "deliveryboy", VIEW),
        ("deliveries", "routestop", ALL),
        ("deliveries", "delivery", ("view", "change")),
        ("deliveries", "deliverylink", ("view", "add", "change")),
    ],
    ACCOUNTS: [
        ("customers", "area", VIEW),
        ("customers", "customer", VIEW),
        ("orders", "product", ("view", "add", "change")),
        ("orders", "productprice", ALL),
        ("orders", "customerprice", ALL),
        ("orders", "order", VIEW),
        ("deliveries", "delivery", VIEW),
        ("billing", "billingrun", ("view", "add")),
        ("billing", "bill", ("view", "add", "change")),
        ("billing", "billingline", VIEW),
        ("billing", "payment", ("view", "add", "change")),
        ("billing", "adjustment", ("view", "add", "change")),
    ],
    DELIVERY_BOY: [
        ("deliveries", "delivery", VIEW),
        ("billing", "payment", ("add",)),
    ],
    CUSTOMER: [],
}


# The names of the user's groups (`t`: the user's row), as an array: read with the user
# (earlybird.auth, earlybird.sessions).
ROLES_SQL = """ARRAY(SELECT g.name FROM auth_group g
                    JOIN auth_user_groups ug ON ug.group_id = g.id WHERE ug.user_id = t.id)"""


def role_names(user: AbstractBaseUser | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_earlybird_roles", None)
    if cached is None:
        cached = remember_roles(user, user.groups.values_list("name", flat=True))
    return cached


def remember_roles(user: AbstractBaseUser, group_names) -> set[str]:
    """Keep the user's roles (their groups' names; a superuser is an admin) on the user
    object for the rest of the request."""
    names = set(group_names)
    if user.is_superuser:
        names.add(ADMIN)
    user._earlybird_roles = names
    return names


def has_role(user, *roles: str) -> bool:
    return bool(role_names(user) & set(roles))


def is_staff_member(user) -> bool:
    return has_role(user, *STAFF_ROLES)


# Who may change what on the staff pages (the views check; the pages show the buttons).
CUSTOMER_EDITORS = (ADMIN, MARKETING, SUPPORT)  # customers and their subscriptions
SCHEDULE_EDITORS = (ADMIN, SUPPORT)  # pauses, day overrides, stops, one-time orders
PRICE_MANAGERS = (ADMIN, ACCOUNTS)  # products, prices, customer prices


def ensure_role_groups(group_model=None, permission_model=None) -> None:
    """Create the role groups with their permissions (the data migration calls this with
    its historical models; tests that flush the database call it again)."""
    from django.contrib.auth.models import Group, Permission

    group_model = group_model or Group
    permission_model = permission_model or Permission
    for name in ALL_ROLES:
        group, _ = group_model.objects.get_or_create(name=name)
        if name == ADMIN:
            group.permissions.set(permission_model.objects.all())
            continue
        wanted = [
            permission_model.objects.get(
                content_type__app_label=app_label, codename=f"{action}_{model}"
            )
            for app_label, model, actions in ROLE_PERMISSIONS[name]
            for action in actions
        ]
        group.permissions.set(wanted)
