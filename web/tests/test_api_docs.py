"""/api/docs/ works without internet: Swagger UI comes from our own static files
(drf-spectacular-sidecar), its start-up script from /api/docs/?script, and the page's
Content-Security-Policy allows no other origin and no inline script."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from customers.tests.factories import CustomerFactory, UserFactory
from deliveries.tests.factories import DeliveryBoyFactory
from earlybird import roles

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"""\b(?:src|href)\s*=\s*["']([^"']*)["']""")
STATIC = "/static/"


def visitor(role):
    """A user of that role (None: nobody logged in)."""
    if role is None:
        return None
    if role == roles.CUSTOMER:
        return CustomerFactory(password="Milk-and-honey-26").user
    if role == roles.DELIVERY_BOY:
        return DeliveryBoyFactory().user
    return UserFactory(roles=[role])


@pytest.mark.parametrize(
    "role", [None, roles.ADMIN, roles.SUPPORT, roles.ACCOUNTS, roles.DELIVERY_BOY, roles.CUSTOMER]
)
def test_the_docs_page_references_only_our_own_files(client, role):
    if user := visitor(role):
        client.force_login(user)

    response = client.get(reverse("api:docs"))

    assert response.status_code == 200
    page = response.content.decode()
    references = REFERENCE.findall(page)
    assert len(references) >= 4  # favicon, stylesheet, two bundles, the start-up script
    assert "http://" not in page and "https://" not in page
    for url in references:
        assert url.startswith((STATIC, "/api/")), url
        if url.startswith(STATIC):  # a file we ship, found by the static files finders
            assert finders.find(url.removeprefix(STATIC)), url
    assert "<script>" not in page  # no inline script: everything has a src
    assert any("swagger-ui-bundle.js" in url for url in references)


def test_the_start_up_script_is_javascript_that_loads_our_schema(client):
    page = client.get(reverse("api:docs")).content.decode()
    [script_url] = [url for url in REFERENCE.findall(page) if url.startswith("/api/docs/")]

    response = client.get(script_url.replace("&amp;", "&"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    script = response.content.decode()
    assert "SwaggerUIBundle(" in script
    assert reverse("api:schema") in script


def test_the_docs_policy_allows_our_origin_only_and_no_inline_script(client):
    policy = client.get(reverse("api:docs"))["Content-Security-Policy"]

    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert "http" not in policy  # no CDN
