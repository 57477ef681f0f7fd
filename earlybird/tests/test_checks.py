"""EarlyBird's own system checks (earlybird.checks) and the refusal to start in
production with the public secret key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from earlybird import checks

ROOT = Path(__file__).resolve().parents[2]
NGINX = ("HTTP_X_FORWARDED_PROTO", "https")


def ids(messages) -> list[str]:
    return [message.id for message in messages]


# --- behind a proxy -----------------------------------------------------------------------


def test_a_proxy_without_a_proxy_count_is_warned_about(settings):
    settings.SECURE_PROXY_SSL_HEADER, settings.TRUSTED_PROXY_COUNT = NGINX, 0
    assert ids(checks.check_proxy_deploy()) == ["earlybird.W001"]


@pytest.mark.parametrize("flag", ["USE_X_FORWARDED_HOST", "USE_X_FORWARDED_PORT"])
def test_forwarded_host_or_port_also_mean_a_proxy(settings, flag):
    settings.SECURE_PROXY_SSL_HEADER, settings.TRUSTED_PROXY_COUNT = None, 0
    setattr(settings, flag, True)
    assert ids(checks.check_proxy_deploy()) == ["earlybird.W001"]


def test_a_proxy_with_its_count_is_fine(settings):
    settings.SECURE_PROXY_SSL_HEADER, settings.TRUSTED_PROXY_COUNT = NGINX, 1
    assert checks.check_proxy_deploy() == []


def test_no_proxy_and_no_count_is_fine(settings):
    settings.BEHIND_PROXY, settings.SECURE_PROXY_SSL_HEADER = False, None
    settings.TRUSTED_PROXY_COUNT = 0
    assert checks.check_proxy_deploy() == []


def test_a_count_with_behind_proxy_off_is_contradictory(settings):
    settings.BEHIND_PROXY, settings.SECURE_PROXY_SSL_HEADER = False, None
    settings.TRUSTED_PROXY_COUNT = 1
    assert ids(checks.check_proxy_deploy()) == ["earlybird.W002"]


@pytest.mark.parametrize("count", [-1, "1"])
def test_a_proxy_count_must_be_a_whole_number(settings, count):
    settings.TRUSTED_PROXY_COUNT = count
    assert ids(checks.check_proxy_count()) == ["earlybird.E001"]


# --- where the counters are -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "warned"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", True),
        ("django.core.cache.backends.db.DatabaseCache", True),
        ("django.core.cache.backends.filebased.FileBasedCache", True),
        ("django.core.cache.backends.redis.RedisCache", False),
        ("django.core.cache.backends.memcached.PyMemcacheCache", False),
    ],
)
def test_counting_in_a_cache_needs_a_shared_atomic_one(settings, backend, warned):
    settings.THROTTLE_STORE = "cache"
    settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "x"}}
    assert ids(checks.check_throttle_cache_deploy()) == (["earlybird.W003"] if warned else [])


def test_counting_in_the_database_needs_no_cache(settings):
    settings.THROTTLE_STORE = "database"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert checks.check_throttle_cache_deploy() == []
    assert checks.check_throttle_store() == []


def test_an_unknown_store_is_an_error(settings):
    settings.THROTTLE_STORE = "redis"
    assert ids(checks.check_throttle_store()) == ["earlybird.E002"]


# --- the secret key ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["", "django-insecure-local-development-key-only", "django-insecure-x", "change-me"]
)
def test_with_debug_off_a_public_key_is_refused(settings, key):
    settings.DEBUG, settings.SECRET_KEY = False, key
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        checks.require_secret_key()


def test_with_debug_on_the_fallback_will_do(settings):
    settings.DEBUG, settings.SECRET_KEY = True, "django-insecure-local-development-key-only"
    checks.require_secret_key()


def setup_django(**env) -> subprocess.CompletedProcess:
    """`import django; django.setup()` with the production settings and this environment.
    Set empty, SECRET_KEY and SECRET_KEY_FILE also hide any a local .env holds."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "earlybird.settings",
            "SECRET_KEY": "",
            "SECRET_KEY_FILE": "",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_secret_key_refuses_to_start():
    result = setup_django(DEBUG="0")
    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set (or is the public development fallback)" in result.stderr
    assert "DEBUG is off: refusing to start" in result.stderr


def test_production_with_the_public_fallback_refuses_to_start():
    result = setup_django(DEBUG="0", SECRET_KEY="django-insecure-local-development-key-only")
    assert result.returncode != 0
    assert "refusing to start" in result.stderr


def test_production_starts_with_a_key_or_a_key_file(tmp_path):
    assert setup_django(DEBUG="0", SECRET_KEY="k" * 60).stdout.strip() == "started"
    key_file = tmp_path / "secret_key"
    key_file.write_text("f" * 60 + "\n")
    result = setup_django(DEBUG="0", SECRET_KEY_FILE=str(key_file))
    assert result.stdout.strip() == "started", result.stderr


def test_development_starts_without_a_key():
    assert setup_django(DEBUG="1").stdout.strip() == "started"
