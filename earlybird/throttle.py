"""Login throttling: failed logins counted per username and per IP in the Django cache.

Every login path (admin, staff, delivery boy, customer, DRF) goes through
django.contrib.auth.authenticate and so through earlybird.auth.PhoneOrUsernameBackend,
which asks `refusal()` before it looks at the password and reports each outcome here.

The rules, with the defaults of ``settings.LOGIN_THROTTLE`` (any key left out keeps
its default):

* ``username`` failures (5) for one username — a phone number counts as its
  normalised form, so "+91 98480 22338" and "9848022338" are one username — within
  ``window`` seconds (900) of the first: that username is refused for ``window``
  seconds, even with the right password, from everywhere.
* ``ip`` failures (20) from one IP address within the window: that address is refused
  for the window, except for a username that has logged in successfully from it within
  ``known_for`` seconds (30 days). People behind one shared address (a mobile carrier's
  NAT, an office) who have logged in before keep logging in while a guesser on the same
  address is stopped; they still have their own 5-failure limit.
* A success clears that username's failures (not the address's: one valid account
  must not let a guesser reset the address's count).

Unknown usernames are counted and refused exactly like real ones, and the lockout is
decided before the password is checked, so neither the message nor the timing tells
whether an account exists.

Addresses: ``REMOTE_ADDR``, or with ``settings.TRUSTED_PROXY_COUNT = n`` (n
trusted proxies in front of the app, each appending to ``X-Forwarded-For``) the n-th
address from the right of that header.

The cache must be shared by all web processes (Redis, Memcached or the database cache)
for the counts to hold across them; the default local-memory cache counts per process.
Keys hold a hash of the username and address, never the raw values.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from earlybird.phones import InvalidPhone, normalise_phone

LOCKOUT_MESSAGE = "Too many failed attempts; try again in 15 minutes."

DEFAULTS: dict[str, int] = {
    "username": 5,
    "ip": 20,
    "window": 15 * 60,
    "known_for": 30 * 24 * 60 * 60,
}

_PREFIX = "login-throttle"

clock = time.time  # replaced in tests


def limits() -> dict[str, int]:
    return {**DEFAULTS, **getattr(settings, "LOGIN_THROTTLE", {})}


def lockout_message() -> str:
    """The refusal shown on every login form (the window in minutes, 15 by default)."""
    minutes = math.ceil(limits()["window"] / 60)
    if minutes == 15:
        return LOCKOUT_MESSAGE
    return f"Too many failed attempts; try again in {minutes} minutes."


def normalise_username(username: str | None) -> str:
    """The key a login attempt is counted under: a phone number as its ten digits."""
    raw = (username or "").strip()
    try:
        return normalise_phone(raw)
    except InvalidPhone:
        return raw.lower()


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    meta = getattr(request, "META", None) or {}
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return meta.get("REMOTE_ADDR") or None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _keys(username: str, ip: str | None) -> dict[str, str]:
    keys = {
        "user_count": f"{_PREFIX}:count:user:{_digest(username)}",
        "user_lock": f"{_PREFIX}:lock:user:{_digest(username)}",
    }
    if ip:
        keys |= {
            "ip_count": f"{_PREFIX}:count:ip:{_digest(ip)}",
            "ip_lock": f"{_PREFIX}:lock:ip:{_digest(ip)}",
            "known": f"{_PREFIX}:known:{_digest(username, ip)}",
        }
    return keys


def _locked(key: str) -> bool:
    until = cache.get(key)
    return until is not None and until > clock()


def refusal(request: HttpRequest | None, username: str | None) -> str | None:
    """The lockout message if this attempt must be refused without checking the
    password, else None."""
    keys = _keys(normalise_username(username), client_ip(request))
    if _locked(keys["user_lock"]):
        return lockout_message()
    if "ip_lock" in keys and _locked(keys["ip_lock"]) and not cache.get(keys["known"]):
        return lockout_message()
    return None


def _count(count_key: str, lock_key: str, limit: int, window: int) -> None:
    """One more failure in the window that started with the first; lock at the limit."""
    if cache.add(count_key, 1, timeout=window):
        count = 1
    else:
        try:
            count = cache.incr(count_key)
        except ValueError:  # expired between add() and incr()
            cache.set(count_key, 1, timeout=window)
            count = 1
    if count >= limit:
        # The lock is its own key with its own timeout: it lasts a whole window from
        # the failure that reached the limit, whatever the cache does with counters.
        cache.set(lock_key, clock() + window, timeout=window)
        cache.delete(count_key)


def register_failure(request: HttpRequest | None, username: str | None) -> None:
    conf = limits()
    keys = _keys(normalise_username(username), client_ip(request))
    _count(keys["user_count"], keys["user_lock"], conf["username"], conf["window"])
    if "ip_count" in keys:
        _count(keys["ip_count"], keys["ip_lock"], conf["ip"], conf["window"])


def register_success(request: HttpRequest | None, username: str | None) -> None:
    conf = limits()
    keys = _keys(normalise_username(username), client_ip(request))
    cache.delete(keys["user_count"])
    if "known" in keys:
        cache.set(keys["known"], 1, timeout=conf["known_for"])


def reset(request: HttpRequest | None = None, username: str | None = None) -> None:
    """Lift a username's (and an address's) lockout: for support staff or a command."""
    keys = _keys(normalise_username(username), client_ip(request))
    cache.delete_many([k for name, k in keys.items() if name != "known"])
