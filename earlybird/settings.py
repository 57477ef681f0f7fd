"""EarlyBird settings: one file, every value from the environment (see .env.example)."""

import datetime
import os
from pathlib import Path

import environ

from earlybird.db import embedded_database

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# The fallback is for local runs and tests only; `check --deploy` flags it (W009).
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-development-key-only")
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
    "simple_history",
    "earlybird",
    "customers",
    "orders",
    "deliveries",
    "billing",
    "legacy_import",
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
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "earlybird.urls"
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
            data_dir=Path(env.str("EMBEDDED_PG_DIR", default=str(BASE_DIR / "var" / "pg"))),
            name=env.str("EMBEDDED_PG_NAME", default="earlybird"),
        )
    }
# Each test process gets its own test database, so two pytest runs can share a server.
DATABASES["default"].setdefault("TEST", {})["NAME"] = (
    f"test_{DATABASES['default']['NAME']}_{os.getpid()}"
)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Login throttles and shared-link rate limits count here. The default in-memory cache
# counts per process; with several gunicorn workers or hosts use a shared one, e.g.
# CACHE_URL=rediscache://127.0.0.1:6379/1 or dbcache://earlybird_cache (see docs/deploy.md).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Proxies in front of the app (nginx = 1): the client IP is taken from X-Forwarded-For.
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

LANGUAGE_CODE = "en-in"
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
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
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
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'; object-src 'none'"
)
CONTENT_SECURITY_POLICY_PATHS = {
    # Swagger UI comes from its CDN; the admin has a few inline styles.
    "/api/docs/": "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; img-src 'self' data: "
    "https://cdn.jsdelivr.net; frame-ancestors 'none'",
    "/admin/": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
}
# Messages may carry a generated password once: keep them server-side, not in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# The business, shown on pages and bills.
BUSINESS_NAME = env.str("BUSINESS_NAME", default="EarlyBird Dairy")
BUSINESS_PHONE = env.str("BUSINESS_PHONE", default="")
BUSINESS_UPI_ID = env.str("BUSINESS_UPI_ID", default="")
# Customers may pause, skip or add for a day until this time on the evening before.
CUSTOMER_CHANGE_CUTOFF = datetime.time.fromisoformat(
    env.str("CUSTOMER_CHANGE_CUTOFF", default="21:00")
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
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
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status": name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "CustomerStatusEnum": "customers.models.Customer.Status",
        "OrderStatusEnum": "orders.models.Order.Status",
        "DeliveryStatusEnum": "deliveries.models.Delivery.Status",
        "BillStatusEnum": "billing.models.Bill.Status",
        "BillingRunStatusEnum": "billing.models.BillingRun.Status",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        # One line per request; quiet in tests and benchmarks unless LOG_LEVEL says so.
        "earlybird.request": {"level": env.str("REQUEST_LOG_LEVEL", default="INFO")},
        "django.server": {"level": "WARNING"},
    },
}
