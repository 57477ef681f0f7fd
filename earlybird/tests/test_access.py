"""The access table covers every URL pattern of the project, and only roles that see
every customer get business-wide pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from earlybird import roles
from earlybird.access import (
    ACCESS,
    PUBLIC,
    SEE_EVERY_CUSTOMER,
    SIGNED_IN,
    AccessMiddleware,
    Scope,
    TablePermission,
    access_for,
)


def every_pattern(resolver=None, namespace=""):
    """(route, URL name, view) for every pattern reachable from the root URLconf."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            for route, name, view in every_pattern(pattern, inner):
                yield f"{pattern.pattern}{route}", name, view
        elif isinstance(pattern, URLPattern):
            # As Django names a match: an unnamed pattern by its view's dotted path.
            name = pattern.name or pattern.lookup_str
            yield (
                str(pattern.pattern),
                f"{namespace}:{name}" if namespace else name,
                pattern.callback,
            )


PATTERNS = list(every_pattern())


def test_the_walk_finds_the_projects_pages():
    names = {name for _, name, _ in PATTERNS}
    assert {"customers:detail", "boy:route", "me:home", "api:customers", "admin:index"} <= names


def test_every_url_pattern_is_in_the_access_table():
    uncovered = [(route, name) for route, name, _ in PATTERNS if access_for(name) is None]
    assert uncovered == []


def test_every_entry_of_the_table_names_a_real_page():
    names = {name for _, name, _ in PATTERNS}
    namespaces = {name.split(":")[0] for name in names if name and ":" in name}
    stale = [
        key
        for key in ACCESS
        if key not in names and not (key.endswith(":*") and key[:-2] in namespaces)
    ]
    assert stale == []


def test_only_roles_that_see_every_customer_get_business_wide_pages():
    too_wide = {
        name: sorted((access.read | access.write) - SEE_EVERY_CUSTOMER)
        for name, access in ACCESS.items()
        if access.scope == Scope.ALL and (access.read | access.write) - SEE_EVERY_CUSTOMER
    }
    assert too_wide == {}


def test_public_entries_are_only_logins_links_health_webhooks_and_the_api_description():
    public = sorted(name for name, access in ACCESS.items() if PUBLIC in access.read)
    assert public == sorted(
        [
            "admin:*",
            "api:docs",
            "api:schema",
            "api:token",
            "boy:login",
            "boy:manifest",  # the delivery app's manifest and service worker: no data
            "boy:sw",
            "healthz",
            "hooks:razorpay",
            "hooks:sms",
            "hooks:whatsapp",
            "language",  # the language buttons: a cookie, and the signed-in person's own profile
            "login",
            "logout",
            "me:login",
            "me:logout",
            "me:set_password",
            "shared:confirm",
            "shared:name",
            "shared:none",
            "shared:route",
            "shared:undo",
        ]
    )


def test_no_entry_grants_an_unknown_role():
    known = {*roles.ALL_ROLES, PUBLIC, SIGNED_IN}
    assert {
        name: sorted((access.read | access.write) - known)
        for name, access in ACCESS.items()
        if (access.read | access.write) - known
    } == {}


def test_every_api_view_checks_the_table():
    unchecked = []
    for route, name, view in PATTERNS:
        cls = getattr(view, "cls", None)
        if cls is None or not issubclass(cls, APIView) or access_for(name).is_public:
            continue
        permissions = view.initkwargs.get("permission_classes", cls.permission_classes)
        if not any(_includes(permission, TablePermission) for permission in permissions):
            unchecked.append((route, name))
    assert unchecked == []


def _includes(permission, wanted) -> bool:
    """A permission class, or a composed one (`A | B`, `A & B`), that includes `wanted`."""
    if permission is wanted:
        return True
    parts = [getattr(permission, attr, None) for attr in ("op1_class", "op2_class", "op1", "op2")]
    return any(part is not None and _includes(part, wanted) for part in parts)


def test_a_url_name_missing_from_the_table_is_refused(monkeypatch):
    request = RequestFactory().get("/staff/")
    request.user = AnonymousUser()
    request.resolver_match = get_resolver().resolve("/staff/")
    monkeypatch.delitem(ACCESS, "dashboard")
    middleware = AccessMiddleware(lambda request: None)
    with pytest.raises(Http404):
        middleware.process_view(request, None, (), {})
