"""EarlyBird's own system checks, and the start-up refusal of a public secret key.

``manage.py check --deploy`` (``make check``) runs the deploy checks:

earlybird.W001
    A reverse proxy is configured (BEHIND_PROXY, so X-Forwarded-Proto is trusted, or
    USE_X_FORWARDED_HOST/PORT) but TRUSTED_PROXY_COUNT is 0: every client then has the
    proxy's address, and 20 failed logins with made-up usernames lock every new username
    out. Fix: TRUSTED_PROXY_COUNT=1 behind nginx (n behind n proxies), or BEHIND_PROXY=0
    when nothing stands in front of the app.
earlybird.W002
    TRUSTED_PROXY_COUNT is set but BEHIND_PROXY is off: X-Forwarded-For is trusted while
    X-Forwarded-Proto is not. One of the two is wrong.
earlybird.W003
    The throttle counters are in a cache (CACHE_URL is set) that is not shared by the
    processes or does not count atomically (local memory, files, the database cache,
    dummy): use Redis or Memcached, or unset CACHE_URL to count in PostgreSQL.

Always: earlybird.E001 for a negative TRUSTED_PROXY_COUNT, earlybird.E002 for an
unknown THROTTLE_STORE.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

# Caches whose counts are per process or whose incr is a read then a write.
UNSHARED_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
    "django.core.cache.backends.db.DatabaseCache",
}

KEY_ADVICE = (
    "Set SECRET_KEY (or SECRET_KEY_FILE, a file holding it) to a long random value, "
    'e.g. the output of: python3 -c "import secrets; print(secrets.token_urlsafe(50))". '
    "For a local development run set DEBUG=1 instead; `make serve` keeps a generated key "
    "in var/secret_key. See docs/deploy.md."
)


def require_secret_key() -> None:
    """Refuse to start with DEBUG off and no secret key of our own: sessions, password
    reset tokens and signed cookies would be signed with a key anyone can read here."""
    if settings.DEBUG:
        return
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django's own "must not be empty"
        key = ""
    public = getattr(settings, "INSECURE_SECRET_KEY", None)
    if not key or key in (public, "change-me") or key.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set (or is the public development fallback) and DEBUG is "
            f"off: refusing to start. {KEY_ADVICE}"
        )


def _behind_proxy() -> bool:
    return bool(
        settings.SECURE_PROXY_SSL_HEADER
        or getattr(settings, "USE_X_FORWARDED_HOST", False)
        or getattr(settings, "USE_X_FORWARDED_PORT", False)
    )


@checks.register(checks.Tags.security)
def check_proxy_count(app_configs=None, **kwargs):
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if not isinstance(count, int) or count < 0:
        return [
            checks.Error(
                f"TRUSTED_PROXY_COUNT must be 0 or a positive whole number, not {count!r}.",
                id="earlybird.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security)
def check_throttle_store(app_configs=None, **kwargs):
    store = getattr(settings, "THROTTLE_STORE", "database")
    if store not in ("database", "cache"):
        return [
            checks.Error(
                f"THROTTLE_STORE must be 'database' or 'cache', not {store!r}.",
                id="earlybird.E002",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def check_proxy_deploy(app_configs=None, **kwargs):
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    behind = getattr(settings, "BEHIND_PROXY", True)
    if _behind_proxy() and count == 0:
        return [
            checks.Warning(
                "A reverse proxy is configured (BEHIND_PROXY, or USE_X_FORWARDED_HOST/PORT) "
                "but TRUSTED_PROXY_COUNT is 0: every client would have the proxy's address, "
                "so login throttles and rate limits would count everyone together.",
                hint="Behind nginx set TRUSTED_PROXY_COUNT=1 (n behind n proxies that each "
                "append to X-Forwarded-For). With no proxy in front, set BEHIND_PROXY=0.",
                id="earlybird.W001",
            )
        ]
    if isinstance(count, int) and count > 0 and not behind:
        return [
            checks.Warning(
                "TRUSTED_PROXY_COUNT is set but BEHIND_PROXY is off: X-Forwarded-For is "
                "trusted while X-Forwarded-Proto is not.",
                hint="Behind a proxy, leave BEHIND_PROXY on (the default); with none, set "
                "TRUSTED_PROXY_COUNT=0.",
                id="earlybird.W002",
            )
        ]
    return []


@checks.register(checks.Tags.caches, deploy=True)
def check_throttle_cache_deploy(app_configs=None, **kwargs):
    if getattr(settings, "THROTTLE_STORE", "database") != "cache":
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in UNSHARED_CACHES:
        return [
            checks.Warning(
                f"Login throttles and rate limits count in the cache {backend}, which "
                "the web processes do not share or which does not count atomically.",
                hint="Set CACHE_URL to Redis (redis://host:6379/1) or Memcached, or unset "
                "CACHE_URL to count in PostgreSQL (the default).",
                id="earlybird.W003",
            )
        ]
    return []
