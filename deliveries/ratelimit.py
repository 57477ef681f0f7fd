"""A small fixed-window rate limiter for the shared-link pages, on the counters every
web process shares (earlybird.counters: PostgreSQL by default, or Redis).

Each key (an IP address, a link) may make `limit` requests per `window` seconds, the
window starting with the key's first request; a key that used up its window waits for
it to end. Enough to keep a guesser or a stuck phone from hammering the server.

Limits come from ``settings.SHARED_LINK_RATE_LIMITS`` (any key left out keeps its
default below), e.g. ``{"ip": (300, 600), "link": (600, 600)}``: (requests, seconds).
The address is the client's (earlybird.throttle.client_ip, behind TRUSTED_PROXY_COUNT
proxies); counter keys hold digests, never an address or a token.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.shortcuts import render

from deliveries.services.links import hash_token
from earlybird import counters
from earlybird.throttle import address_group, client_ip

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "ip": (300, 10 * 60),
    "link": (600, 10 * 60),
}

clock = time.time  # replaced in tests


def limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "SHARED_LINK_RATE_LIMITS", {})}


def hit(scope: str, key: str) -> bool:
    """Count one request for `key` in `scope`; False once it is over the limit."""
    limit, window = limits()[scope]
    digest = hashlib.sha256(f"{scope}\x1f{key}".encode()).hexdigest()[:32]
    count = counters.count(f"ratelimit:{scope}:{window}:{digest}", window=window, now=clock())
    return count <= limit


def too_many_requests(request):
    return render(request, "deliveries/shared/too_many.html", status=429)


def shared_link_rate_limited(view):
    """Limit a view taking a `token` by the client's IP, then by the token (its hash:
    the token itself is never a counter key). Unknown tokens count too, so guessing is
    as slow as using."""

    @wraps(view)
    def wrapper(request, *args, token: str = "", **kwargs):
        ip = address_group(client_ip(request)) or "unknown"
        if not hit("ip", ip) or not hit("link", hash_token(token)):
            return too_many_requests(request)
        return view(request, *args, token=token, **kwargs)

    return wrapper
