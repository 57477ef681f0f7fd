"""Settings for the test suite: the production settings with every value a test depends on
fixed here, so plain `pytest` behaves the same whatever the environment or `.env` says.
Only the database may come from the environment (DATABASE_URL), as everywhere."""

import datetime
import hashlib

from earlybird.settings import *  # noqa: F403
from earlybird.settings import BASE_DIR, LOGGING, PASSWORD_HASHERS

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

# Page tests read what a view passed its template (response.context), which a page filled
# into a kept frame does not render again: frames are off, and earlybird/tests/test_frames.py
# turns them on to compare each framed page with its full drawing, byte for byte.
KEEP_PAGE_FRAMES = False
# Kept reads stay on, so every page test reads through them; each statement kept is
# first checked to read watched tables only (earlybird.changes).
VERIFY_KEPT_READS = True

# The test database is kept between runs (--reuse-db) under a name that says which
# migrations built it: add, edit or remove one and the next run builds a new database,
# never a stale schema. Each xdist worker, and each TOX_PARALLEL_ENV, adds its suffix;
# conftest.py refuses a second run on the same database at once.
_migrations = hashlib.sha256()
for _path in sorted(BASE_DIR.glob("*/migrations/*.py")):
    _migrations.update(_path.relative_to(BASE_DIR).as_posix().encode() + _path.read_bytes())
DATABASES["default"]["TEST"]["NAME"] = (  # noqa: F405
    f"test_{DATABASES['default']['NAME']}_{_migrations.hexdigest()[:10]}"  # noqa: F405
)

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
# Scheduled jobs (IST) and how late a starting worker still queues one.
GENERATE_DELIVERIES_AT = datetime.time(21, 15)
BILLING_RUN_AT = datetime.time(2, 0)
OVERDUE_REMINDERS_AT = datetime.time(10, 0)
PROCRASTINATE_PERIODIC_DEFAULTS = {"max_delay": 6 * 3600}

# Messages: nothing leaves the test run unless a test points a provider at its own local
# server; the console backend writes no file unless a test gives it one.
MESSAGING_BACKEND = ["console"]
MESSAGES_LOG_FILE = ""
MESSAGE_SEND_ATTEMPTS = 6
MESSAGE_RETRY_BACKOFF = 5
MESSAGING_HTTP_TIMEOUT = 5.0
WHATSAPP_API_URL = "http://127.0.0.1:9/v21.0"  # nothing listens there
WHATSAPP_PHONE_NUMBER_ID = ""
WHATSAPP_ACCESS_TOKEN = ""
WHATSAPP_APP_SECRET = ""
WHATSAPP_VERIFY_TOKEN = ""
SMS_API_URL = "http://127.0.0.1:9/api/v5/flow"
SMS_AUTH_KEY = ""
SMS_SENDER_ID = ""
SMS_TEMPLATE_ID = ""
SMS_WEBHOOK_SECRET = ""
DELIVERY_SUMMARY_DELAY_MINUTES = 15
OVERDUE_REMINDER_AFTER_DAYS = 10
OVERDUE_REMINDER_EVERY_DAYS = 7
ALERT_PHONES: list[str] = []
# Online payments: off (no key id) unless a test points them at its own local server.
RAZORPAY_KEY_ID = ""
RAZORPAY_KEY_SECRET = ""
RAZORPAY_WEBHOOK_SECRET = ""
RAZORPAY_API_URL = "http://127.0.0.1:9"  # nothing listens there
RAZORPAY_HTTP_TIMEOUT = 5.0
RAZORPAY_CALLBACK_URL = ""
PAYMENT_LINK_VALID_DAYS = 7
RAZORPAY_NOTIFY_SMS = False

LOGGING = {
    **LOGGING,
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {**LOGGING["loggers"], "earlybird.request": {"level": "WARNING"}},
}
