"""Login throttling: failed logins counted per username, per username and address, and
per address, in counters every web process shares (earlybird.counters).

Every login path (admin, staff, delivery boy, customer, DRF) goes through
django.contrib.auth.authenticate and so through earlybird.auth.PhoneOrUsernameBackend,
which asks `refusal()` before it looks at the password and reports each outcome here.

The rules, with the defaults of ``settings.LOGIN_THROTTLE`` (any key left out keeps
its default). A username is counted in its normalised form: a phone number as its ten
digits, so "+91 98480 22338" and "9848022338" are one username.

* ``username`` failures (5) for one username, from anywhere, within ``window`` seconds
  (900) of the first: that username is refused for ``window`` seconds, even with the
  right password — except from an address where it has logged in successfully within
  ``known_for`` seconds (30 days). So a guesser who types someone's phone number five
  times does not lock its owner out at home.
* ``username`` failures (5) for one username from one address: as above, and that
  address stops being known for it. A guesser sharing an address with the owner (a
  mobile carrier's NAT, an office) still gets five tries per window.
* ``ip`` failures (20) from one address within the window: that address is refused for
  the window, except for usernames known at it. People behind one shared address who
  have logged in before keep logging in while a guesser on it is stopped.
* A success clears the username's failures (its own and at that address; not the
  address's: one valid account must not let a guesser reset the address's count).

Unknown usernames are counted and refused exactly like real ones, and the lockout is
decided before the password is checked, so neither the message nor the timing tells
whether an account exists.

Addresses: ``REMOTE_ADDR``, or behind ``settings.TRUSTED_PROXY_COUNT = n`` proxies
(each appending its peer's address to ``X-Forwarded-For``; nginx alone = 1) the n-th
address from the right of that header: the one the outermost trusted proxy saw. What a
client writes further left is ignored. An IPv6 address counts as its /64 network (one
home or phone gets a whole /64). See docs/deploy.md.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time

from django.conf import settings
from django.http import HttpRequest

from earlybird import counters
from earlybird.phones import InvalidPhone, normalise_phone

logger = logging.getLogger(__name__)

LOCKOUT_MESSAGE = "Too many failed attempts; try again in 15 minutes."

DEFAULTS: dict[str, int] = {
    "username": 5,
    "ip": 20,
    "window": 15 * 60,
    "known_for": 30 * 24 * 60 * 60,
}

_PREFIX = "login-throttle"

clock = time.time  # replaced in tests

_warned: set[str] = set()  # proxy misconfigurations already logged by this process


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


# --- the client's address ---------------------------------------------------------------


def parse_address(value: str | None) -> str | None:
    """An address as REMOTE_ADDR or X-Forwarded-For write it, normalised ("203.0.113.7",
    "2001:db8::1"); a port or IPv6 brackets are dropped, an IPv4-mapped IPv6 address
    becomes IPv4. None if it is not an address."""
    value = (value or "").strip()
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def _warn_once(kind: str, message: str, *args) -> None:
    if kind not in _warned:
        _warned.add(kind)
        logger.warning(message, *args)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT = n proxies the
    n-th entry from the right of X-Forwarded-For. Falls back to REMOTE_ADDR when the
    header has fewer entries than proxies (the request did not come through them all)
    or that entry is not an address."""
    if request is None:
        return None
    meta = getattr(request, "META", None) or {}
    remote = parse_address(meta.get("REMOTE_ADDR"))
    header = meta.get("HTTP_X_FORWARDED_FOR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        if header and remote and ipaddress.ip_address(remote).is_private:
            _warn_once(
                "unset",
                "X-Forwarded-For arrives from %s but TRUSTED_PROXY_COUNT is 0: every client "
                "counts as that proxy's address. Set TRUSTED_PROXY_COUNT (1 behind nginx).",
                remote,
            )
        return remote
    hops = [hop.strip() for hop in header.split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        _warn_once(
            "short",
            "X-Forwarded-For has %d address(es), fewer than TRUSTED_PROXY_COUNT=%d: using "
            "REMOTE_ADDR. Is the count too high, or does a request bypass the proxy?",
            len(hops),
            proxies,
        )
        return remote
    return parse_address(hops[-proxies]) or remote


def address_group(ip: str | None) -> str | None:
    """What an address is counted as: itself, or for IPv6 its /64 network."""
    if not ip:
        return None
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return ip


# --- the counts -------------------------------------------------------------------------


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _keys(username: str, ip: str | None) -> dict[str, str]:
    user = _digest(username)
    keys = {
        "user_count": f"{_PREFIX}:count:user:{user}",
        "user_lock": f"{_PREFIX}:lock:user:{user}",
    }
    group = address_group(ip)
    if group:
        pair, address = _digest(username, group), _digest(group)
        keys |= {
            "pair_count": f"{_PREFIX}:count:pair:{pair}",
            "ip_count": f"{_PREFIX}:count:ip:{address}",
            "ip_lock": f"{_PREFIX}:lock:ip:{address}",
            "known": f"{_PREFIX}:known:{pair}",
        }
    return keys


def _request_keys(request: HttpRequest | None, username: str | None) -> dict[str, str]:
    return _keys(normalise_username(username), client_ip(request))


def refusal(request: HttpRequest | None, username: str | None) -> str | None:
    """The lockout message if this attempt must be refused without checking the
    password, else None."""
    keys = _request_keys(request, username)
    locks = [keys[name] for name in ("user_lock", "ip_lock", "known") if name in keys]
    found = counters.marked(locks, now=clock())
    if keys.get("known") in found:
        return None  # this username has logged in from here: only its own count matters
    if keys["user_lock"] in found or keys.get("ip_lock") in found:
        return lockout_message()
    return None


def _count(count_key: str, limit: int, window: int) -> bool:
    """One more failure in the window that started with the first; True at the limit
    (and the count starts again)."""
    now = clock()
    if counters.count(count_key, window=window, now=now) >= limit:
        counters.forget([count_key])
        return True
    return False


def _lock(lock_key: str, window: int) -> None:
    # The lock is its own key: it lasts a whole window from the failure that reached
    # the limit.
    now = clock()
    counters.mark(lock_key, until=now + window, now=now)


def register_failure(request: HttpRequest | None, username: str | None) -> None:
    conf = limits()
    keys = _request_keys(request, username)
    if _count(keys["user_count"], conf["username"], conf["window"]):
        _lock(keys["user_lock"], conf["window"])
    if "pair_count" in keys:
        if _count(keys["pair_count"], conf["username"], conf["window"]):
            # Too many failures here: this address no longer vouches for the username.
            counters.forget([keys["known"]])
            _lock(keys["user_lock"], conf["window"])
        if _count(keys["ip_count"], conf["ip"], conf["window"]):
            _lock(keys["ip_lock"], conf["window"])


def register_success(request: HttpRequest | None, username: str | None) -> None:
    conf = limits()
    keys = _request_keys(request, username)
    counters.forget([keys[name] for name in ("user_count", "pair_count") if name in keys])
    if "known" in keys:
        now = clock()
        counters.mark(keys["known"], until=now + conf["known_for"], now=now)


def reset(request: HttpRequest | None = None, username: str | None = None) -> None:
    """Lift a username's (and, with a request, an address's) lockout: for support staff
    or a command."""
    keys = _request_keys(request, username)
    counters.forget(key for name, key in keys.items() if name != "known")
