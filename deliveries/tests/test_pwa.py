"""The delivery boy's app files: the service worker and the manifest under /d/."""

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_under_d_uncached_with_the_static_urls(client):
    response = client.get(reverse("boy:sw"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert '"/static/js/route.js"' in body and '"/static/css/app.css"' in body
    assert body.startswith('const VERSION = "') and 'addEventListener("fetch"' in body
    assert "worker-src 'self'" in response["Content-Security-Policy"]


def test_the_manifest_starts_the_app_on_the_route(client):
    response = client.get(reverse("boy:manifest"))

    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/d/",
        "/d/",
        "standalone",
    )
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512", "any"}


def test_neither_accepts_a_post(client):
    assert client.post(reverse("boy:sw")).status_code == 405
    assert client.post(reverse("boy:manifest")).status_code == 405
