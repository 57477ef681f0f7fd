"""Settings for the test suite: the production settings with every value a test depends on
fixed here, so plain `pytest` behaves the same whatever the environment or `.env` says.
Only the database may come from the environment (DATABASE_URL), as everywhere."""

import datetime

from earlybird.settings import *  # noqa: F403
from earlybird.settings import LOGGING, PASSWORD_HASHERS

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789abcdef"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
CSRF_TRUSTED_ORIGINS: list[str] = []

# Plain HTTP test client: no HTTPS redirect, cookies sent over http.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Hashing is not what most tests test: a fast hasher first (0.44 s → µs per password).
# The production list stays behind it, so imported and upgraded hashes still verify;
# tests about hashing set PASSWORD_HASHERS themselves.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

CACHE_URL = ""
# Test databases are thrown away: commits need not wait for the disk.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Throttle counters in the database table, as in production with CACHE_URL unset.
THROTTLE_STORE = "database"
BEHIND_PROXY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUSTED_PROXY_COUNT = 0
BUSINESS_NAME = "EarlyBird Dairy"
BUSINESS_PHONE = ""
BUSINESS_UPI_ID = ""
CUSTOMER_CHANGE_CUTOFF = datetime.time(21, 0)
GENERATE_WINDOW_DAYS = 7

LOGGING = {
    **LOGGING,
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {**LOGGING["loggers"], "earlybird.request": {"level": "WARNING"}},
}
