"""The delivery boy's app, installable and usable with no signal: the web app manifest and
the service worker, both served under /d/ so the worker's scope is the boy's pages.

The worker's source is static/js/sw.js; it is served from here, not from /static/, for
its scope (a worker controls only the pages under the folder it is served from) and so
that it carries the current static URLs (hashed in production) to cache when installed.
"""

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

# What the route page needs with no connection; the pages themselves are cached as they
# are opened (network first).
PRECACHE = ("css/app.css", "js/route.js", "icons/icon.svg", "icons/icon-192.png")
ICONS = (("icons/icon-192.png", "192x192"), ("icons/icon-512.png", "512x512"))


@cache
def _worker_source() -> str:
    with open(finders.find("js/sw.js"), encoding="utf-8") as source:
        return source.read()


@require_safe
def service_worker(request):
    head = "const PRECACHE = " + json.dumps([static(path) for path in PRECACHE]) + ";\n"
    body = head + _worker_source()
    # A new version whenever the worker or a cached file's URL changes: the browser then
    # installs the new worker, which drops the old caches.
    version = hashlib.sha256(body.encode()).hexdigest()[:12]
    response = HttpResponse(
        f'const VERSION = "{version}";\n{body}',
        content_type="application/javascript; charset=utf-8",
    )
    # The browser must always ask for the newest worker, never a copy from a cache.
    add_never_cache_headers(response)
    return response


@require_safe
def manifest(request):
    route = reverse("boy:route")
    data = {
        "name": f"{settings.BUSINESS_NAME} · Route",
        "short_name": "Route",
        "start_url": route,
        "scope": route,
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#0b6e4f",
        "icons": [
            *({"src": static(path), "sizes": size, "type": "image/png"} for path, size in ICONS),
            {"src": static("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    add_never_cache_headers(response)
    return response
