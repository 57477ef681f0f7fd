"""EarlyBird settings: one file, every value from the environment (see .env.example)."""

import datetime
import os
from decimal import Decimal
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from earlybird.db import embedded_database

BASE_DIR = Path(__file__).resolve().parent.parent


class Env(environ.Env):
    """An empty value (``CACHE_URL=`` as in .env.example) counts as unset: the default
    applies, so .env.example copied as it is works."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        if default is not self.NOTSET and self.ENVIRON.get(f"{self.prefix}{var}") == "":
            return default
        return super().get_value(var, cast=cast, default=default, parse_default=parse_default)


env = Env()
# The environment wins over the file. EARLYBIRD_ENV_FILE: another file instead of .env.
environ.Env.read_env(os.environ.get("EARLYBIRD_ENV_FILE") or BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# SECRET_KEY, or else the contents of the file SECRET_KEY_FILE names (`make serve` keeps
# one in var/secret_key). The public fallback is for DEBUG=1 only: with DEBUG off the app
# refuses to start without a key of its own (earlybird.checks.require_secret_key).
INSECURE_SECRET_KEY = "django-insecure-local-development-key-only"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and env.str("SECRET_KEY_FILE", default=""):
    try:
        SECRET_KEY = Path(env.str("SECRET_KEY_FILE")).read_text().strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"SECRET_KEY_FILE cannot be read: {exc}") from exc
SECRET_KEY = SECRET_KEY or INSECURE_SECRET_KEY
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files
    "simple_history",
    "procrastinate.contrib.django",
    "earlybird",
    "customers",
    "messaging",
    "orders",
    "deliveries",
    "billing",
    "legacy_import",
    "web",
]

MIDDLEWARE = [
    "earlybird.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "earlybird.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "earlybird.auth.SessionUserMiddleware",  # Django's, given the user the session read
    "earlybird.changes.KeptReadsMiddleware",  # GET and HEAD may use kept reads
    "earlybird.i18n.UserLanguageMiddleware",  # the signed-in person's saved language
    "earlybird.access.AccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "web.urls"
WSGI_APPLICATION = "earlybird.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "earlybird.context_processors.business",
            ],
        },
    },
]

# Database: DATABASE_URL if set, else the embedded PostgreSQL under var/.
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    DATABASES = {
        "default": embedded_database(
            # a relative path is the project's, wherever the command starts
            data_dir=BASE_DIR / env.str("EMBEDDED_PG_DIR", default="var/pg"),
            name=env.str("EMBEDDED_PG_NAME", default="earlybird"),
        )
    }
# Each test process gets its own test database, so two pytest runs can share a server.
DATABASES["default"].setdefault("TEST", {})["NAME"] = (
    f"test_{DATABASES['default']['NAME']}_{os.getpid()}"
)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# The hot reads (earlybird/prepared.py) are prepared once a connection has run them this
# many times: planned once per connection (per worker with CONN_MAX_AGE > 0). 0 = off, e.g.
# behind a PgBouncer older than 1.21 in transaction mode.
DB_PREPARE_THRESHOLD = env.int("DB_PREPARE_THRESHOLD", default=2)
DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
    DB_PREPARE_THRESHOLD if DB_PREPARE_THRESHOLD > 0 else None
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Login throttles and shared-link rate limits count in a store every process shares
# (earlybird/counters.py): by default a table in the database; with CACHE_URL set, that
# cache, which must be Redis or Memcached (e.g. CACHE_URL=redis://127.0.0.1:6379/1).
CACHE_URL = env.str("CACHE_URL", default="")  # empty (as in .env.example) = unset
CACHES = {"default": env.cache_url_config(CACHE_URL or "locmemcache://")}
THROTTLE_STORE = "cache" if CACHE_URL else "database"
# A reverse proxy (nginx) in front of the app: trust its X-Forwarded-Proto, and take the
# client's address from X-Forwarded-For, TRUSTED_PROXY_COUNT entries from the right
# (nginx alone = 1). `check --deploy` warns when BEHIND_PROXY is on and the count is 0
# (every client would share the proxy's address). No proxy at all: BEHIND_PROXY=0.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=True)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["earlybird.auth.PhoneOrUsernameBackend"]
# New passwords use the first; imported ones (bcrypt, the old unsalted SHA-256) keep
# working and are upgraded to the first at the user's next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.BCryptPasswordHasher",
    "legacy_import.hashers.LegacySHA256PasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
# How long a set-password link staff hand to a customer works (seconds; it also stops
# working once a password is set).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 3600)

LANGUAGE_CODE = "en-in"
# English (India), Telugu and Hindi on the phone pages (/d/, /s/, /me/): a signed-in
# person's saved choice (earlybird.i18n.UserLanguageMiddleware), else the language cookie
# or Accept-Language (LocaleMiddleware); staff pages and the admin stay in English.
# Every language keeps the Indian formats of earlybird/formats
# ("29 Nov 2026, 4:22 AM", 29/11/2026, lakh grouping). Catalogs: locale/ (base, /me/,
# /s/) and each app's own locale/ folder.
LANGUAGES = [("en-in", "English"), ("te", "తెలుగు"), ("hi", "हिन्दी")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language button's choice lasts a year on this browser (HTTPS-only like the session).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
LANGUAGE_COOKIE_HTTPONLY = True
FORMAT_MODULE_PATH = ["earlybird.formats"]
# Off: grouping every number would put commas into codes, years and page numbers;
# money and quantities have their own filters (earlybird/templatetags/money.py).
USE_THOUSAND_SEPARATOR = False
TIME_ZONE = "Asia/Kolkata"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves collected, hashed and compressed static files from the app itself.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security: strict whenever DEBUG is off (production); HTTPS can be turned off for a
# plain-HTTP run on 127.0.0.1 with SECURE_SSL_REDIRECT=0 and SECURE_COOKIES=0.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_ENGINE = "earlybird.sessions"  # database sessions, read in one plain statement
# The busiest pages are filled into a frame kept per process (earlybird.frames); off, they
# are drawn by their template in full every time.
KEEP_PAGE_FRAMES = env.bool("KEEP_PAGE_FRAMES", default=True)
# The grid's, the customer list's and the route page's rows are kept per process until a
# table they read changes (earlybird.changes); off, every view reads them.
KEEP_READS = env.bool("KEEP_READS", default=True)
VERIFY_KEPT_READS = False  # tests: check each kept statement's tables are watched
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    # The delivery boy's app: its service worker and manifest under /d/ (deliveries/views/pwa.py).
    "base-uri 'self'; object-src 'none'; worker-src 'self'; manifest-src 'self'"
)
CONTENT_SECURITY_POLICY_PATHS = {
    # Swagger UI: our static files (drf-spectacular-sidecar) and its init script from
    # /api/docs/?script (the split view), but inline styles; the admin has a few too.
    "/api/docs/": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'",
    "/admin/": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
}
# Messages may carry a generated password once: keep them server-side, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# The business, shown on pages and bills.
BUSINESS_NAME = env.str("BUSINESS_NAME", default="EarlyBird Dairy")
BUSINESS_PHONE = env.str("BUSINESS_PHONE", default="")
# Printed on bills (page and PDF): the postal address ("\n" starts a new line) and the
# GST number, shown only when set.
BUSINESS_ADDRESS = env.str("BUSINESS_ADDRESS", default="", multiline=True).strip()
BUSINESS_GSTIN = env.str("BUSINESS_GSTIN", default="").strip().upper()
# With DEBUG on and none set, a demo UPI id that routes to no one (the "example" handle
# is no bank's), so the demo's bills show their UPI link and QR code. Never with DEBUG off.
DEMO_UPI_ID = "earlybird.demo@example"
BUSINESS_UPI_ID = env.str("BUSINESS_UPI_ID", default=DEMO_UPI_ID if DEBUG else "")
# Caps on money anyone may record at once (earlybird/bounds.py): any payment, price or
# adjustment; and cash a delivery boy records for one stop.
PAYMENT_MAX_AMOUNT = Decimal(env.str("PAYMENT_MAX_AMOUNT", default="1000000"))
CASH_COLLECTION_MAX_AMOUNT = Decimal(env.str("CASH_COLLECTION_MAX_AMOUNT", default="20000"))
# Customers may pause, skip or add for a day until this time on the evening before.
CUSTOMER_CHANGE_CUTOFF = datetime.time.fromisoformat(
    env.str("CUSTOMER_CHANGE_CUTOFF", default="21:00")
)
GENERATE_WINDOW_DAYS = env.int("GENERATE_WINDOW_DAYS", default=7)  # see .env.example
# A prepaid wallet is "low" below this many days of the customer's usual deliveries.
WALLET_LOW_BALANCE_DAYS = env.int("WALLET_LOW_BALANCE_DAYS", default=3)

# Scheduled jobs, run by the workers (earlybird/jobs.py, docs/deploy.md), at local times:
# tomorrow's deliveries every evening (after the customers' cut-off), billing of the month
# just ended on the 1st (then the reconciliation check), overdue reminders every day, the
# expired sessions cleared every night.
GENERATE_DELIVERIES_AT = datetime.time.fromisoformat(
    env.str("GENERATE_DELIVERIES_AT", default="21:15")
)
BILLING_RUN_AT = datetime.time.fromisoformat(env.str("BILLING_RUN_AT", default="02:00"))
OVERDUE_REMINDERS_AT = datetime.time.fromisoformat(env.str("OVERDUE_REMINDERS_AT", default="10:00"))
CLEAR_SESSIONS_AT = datetime.time.fromisoformat(env.str("CLEAR_SESSIONS_AT", default="03:30"))
# A worker that starts (or comes back) within this many hours after a scheduled time
# still queues that job; a longer outage skips it until its next time.
PROCRASTINATE_PERIODIC_DEFAULTS = {"max_delay": env.int("JOBS_CATCH_UP_HOURS", default=6) * 3600}

# Messages to customers (messaging/, docs/deploy.md). MESSAGING_BACKEND: "console" (the
# default) sends nothing, it writes each message to the log and MESSAGES_LOG_FILE (empty:
# the log only); or the live providers, "whatsapp", "sms" or "whatsapp,sms", each sending
# its channel's messages.
MESSAGING_BACKEND = env.list("MESSAGING_BACKEND", default=[]) or ["console"]
if not (MESSAGING_BACKEND == ["console"] or set(MESSAGING_BACKEND) <= {"whatsapp", "sms"}):
    raise ImproperlyConfigured(
        'MESSAGING_BACKEND must be "console", or "whatsapp", "sms" or "whatsapp,sms".'
    )
# Empty means "no file" here, not the default: read past Env's empty-is-unset rule.
MESSAGES_LOG_FILE = os.environ.get("MESSAGES_LOG_FILE", "var/messages.log")
if MESSAGES_LOG_FILE:  # a relative path is the project's, wherever a worker starts
    MESSAGES_LOG_FILE = str(BASE_DIR / MESSAGES_LOG_FILE)
# Tries per message (the first and its retries, transient errors only) and the backoff
# base: retry n waits MESSAGE_RETRY_BACKOFF ** n seconds. Seconds a provider may take.
MESSAGE_SEND_ATTEMPTS = max(1, env.int("MESSAGE_SEND_ATTEMPTS", default=6))
MESSAGE_RETRY_BACKOFF = env.int("MESSAGE_RETRY_BACKOFF", default=5)
MESSAGING_HTTP_TIMEOUT = env.float("MESSAGING_HTTP_TIMEOUT", default=15.0)
# WhatsApp Business Cloud API (Meta): the Graph API, the sending number's id, a system
# user's access token; the app secret signs the status webhook; the verify token is the
# one typed into Meta's webhook settings.
WHATSAPP_API_URL = env.str("WHATSAPP_API_URL", default="https://graph.facebook.com/v21.0")
WHATSAPP_PHONE_NUMBER_ID = env.str("WHATSAPP_PHONE_NUMBER_ID", default="")
WHATSAPP_ACCESS_TOKEN = env.str("WHATSAPP_ACCESS_TOKEN", default="")
WHATSAPP_APP_SECRET = env.str("WHATSAPP_APP_SECRET", default="")
WHATSAPP_VERIFY_TOKEN = env.str("WHATSAPP_VERIFY_TOKEN", default="")
# SMS gateway (MSG91's Flow API shape): URL, auth key, DLT sender id, a fallback DLT
# template id; the secret that signs its delivery-report webhook.
SMS_API_URL = env.str("SMS_API_URL", default="https://control.msg91.com/api/v5/flow")
SMS_AUTH_KEY = env.str("SMS_AUTH_KEY", default="")
SMS_SENDER_ID = env.str("SMS_SENDER_ID", default="")
SMS_TEMPLATE_ID = env.str("SMS_TEMPLATE_ID", default="")
SMS_WEBHOOK_SECRET = env.str("SMS_WEBHOOK_SECRET", default="")
# What is sent and when (messaging/services.py): a delivery summary goes this many minutes
# after the last tap of the customer's stop in a shift; an issued bill is due, and overdue
# reminders start, OVERDUE_REMINDER_AFTER_DAYS after its issue, repeated at most once in
# OVERDUE_REMINDER_EVERY_DAYS days while money is due. Alerts (a failed job) go to
# ALERT_PHONES (comma separated mobiles), else to BUSINESS_PHONE.
DELIVERY_SUMMARY_DELAY_MINUTES = env.int("DELIVERY_SUMMARY_DELAY_MINUTES", default=15)
OVERDUE_REMINDER_AFTER_DAYS = env.int("OVERDUE_REMINDER_AFTER_DAYS", default=10)
OVERDUE_REMINDER_EVERY_DAYS = max(1, env.int("OVERDUE_REMINDER_EVERY_DAYS", default=7))
ALERT_PHONES = env.list("ALERT_PHONES", default=[])

# Online payments (billing/gateway/, docs/deploy.md): Razorpay Payment Links for a bill or
# a wallet recharge, recorded by its signed webhook (/hooks/razorpay/). With no key id,
# no link is offered and the UPI link and QR stay as they are. The API URL is the base
# the official client puts /v1/... after (tests point it at a local server).
RAZORPAY_KEY_ID = env.str("RAZORPAY_KEY_ID", default="")
RAZORPAY_KEY_SECRET = env.str("RAZORPAY_KEY_SECRET", default="")
RAZORPAY_WEBHOOK_SECRET = env.str("RAZORPAY_WEBHOOK_SECRET", default="")
RAZORPAY_API_URL = env.str("RAZORPAY_API_URL", default="https://api.razorpay.com")
RAZORPAY_HTTP_TIMEOUT = env.float("RAZORPAY_HTTP_TIMEOUT", default=15.0)
# Where the customer lands after paying (empty: Razorpay's own receipt page); a link
# expires after this many days; Razorpay also texts the link to the customer (SMS).
RAZORPAY_CALLBACK_URL = env.str("RAZORPAY_CALLBACK_URL", default="")
PAYMENT_LINK_VALID_DAYS = max(1, env.int("PAYMENT_LINK_VALID_DAYS", default=7))
RAZORPAY_NOTIFY_SMS = env.bool("RAZORPAY_NOTIFY_SMS", default=False)
if RAZORPAY_KEY_ID and not (RAZORPAY_KEY_SECRET and RAZORPAY_WEBHOOK_SECRET):
    raise ImproperlyConfigured(
        "RAZORPAY_KEY_ID is set: set RAZORPAY_KEY_SECRET and RAZORPAY_WEBHOOK_SECRET too "
        "(payments made through a link are recorded only by the signed webhook)."
    )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "earlybird.access.TablePermission",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "earlybird.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "EarlyBird API",
    "DESCRIPTION": "Deliveries, orders, bills and payments of a milk home-delivery dairy.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ works offline: Swagger UI from our static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status": name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "CustomerStatusEnum": "customers.models.Customer.Status",
        "OrderStatusEnum": "orders.models.Order.Status",
        "DeliveryStatusEnum": "deliveries.models.Delivery.Status",
        "BillStatusEnum": "billing.models.Bill.Status",
        "BillingRunStatusEnum": "billing.models.BillingRun.Status",
        "OrderKindEnum": "orders.models.Order.Kind",
        "WalletEntryKindEnum": "billing.models.WalletEntry.Kind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # The process id tells gunicorn's workers apart.
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"}
    },
    # Tokens in URLs (shared links, set-password links) never reach a log line.
    "filters": {"redact_secrets": {"()": "earlybird.middleware.RedactSecretsFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        # Procrastinate lists its tasks and schedules at every start of every command.
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
        # WeasyPrint narrates each step of each PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        # One line per request; quiet in tests and benchmarks unless LOG_LEVEL says so.
        "earlybird.request": {"level": env.str("REQUEST_LOG_LEVEL", default="INFO")},
        "django.server": {"level": "WARNING", "filters": ["redact_secrets"]},
        # "Not Found: /s/<token>/" and the like: redacted for every handler.
        "django.request": {"filters": ["redact_secrets"]},
        "django.security.csrf": {"filters": ["redact_secrets"]},
    },
}
