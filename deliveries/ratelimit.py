"""A small fixed-window rate limiter on the Django cache, for the shared-link pages.

Each key (an IP address, a link) may make `limit` requests per `window` seconds; the
window is the clock's, so a burst at a window's edge may get up to twice the limit,
which is fine for keeping a guesser or a stuck phone from hammering the server.

Limits come from ``settings.SHARED_LINK_RATE_LIMITS`` (any key left out keeps its
default below), e.g. ``{"ip": (300, 600), "link": (600, 600)}``: (requests, seconds).
With several web processes the cache must be shared (Redis, Memcached, database cache)
for the limits to hold across them; the default local-memory cache counts per process.
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from deliveries.services.links import hash_token
from earlybird.throttle import client_ip

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
    bucket = int(clock() // window)
    cache_key = f"ratelimit:{scope}:{window}:{bucket}:{key}"
    if cache.add(cache_key, 1, timeout=window + 1):
        return limit >= 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=window + 1)
        count = 1
    return count <= limit


def too_many_requests(request):
    return render(request, "deliveries/shared/too_many.html", status=429)


def shared_link_rate_limited(view):
    """Limit a view taking a `token` by the client's IP, then by the token (its hash:
    the token itself is never a cache key). Unknown tokens count too, so guessing is
    as slow as using."""

    @wraps(view)
    def wrapper(request, *args, token: str = "", **kwargs):
        ip = client_ip(request) or "unknown"
        if not hit("ip", ip) or not hit("link", hash_token(token)):
            return too_many_requests(request)
        return view(request, *args, token=token, **kwargs)

    return wrapper
