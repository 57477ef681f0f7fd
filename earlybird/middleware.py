"""Request logging (one line per request, with its duration and no secrets) and security
headers."""

import logging
import re
import time

from django.conf import settings

logger = logging.getLogger("earlybird.request")

REDACTED = "[redacted]"
# The first segment after /s/ is a shared link's token, whatever it looks like.
_SHARED_LINK = re.compile(r"(/s/)[^/?#\s\"']+")
# Query parameters that carry secrets.
_SECRET_PARAM = re.compile(
    r"(?i)([?&;](?:token|key|secret|password|passwd|pass|signature|sig|code|auth)=)[^&;#\s\"']*"
)
# Anything else token-like: 16+ URL-safe characters mixing at least two of lower case,
# upper case and digits (secrets.token_urlsafe, hex digests, password-reset tokens). Slugs
# in one case, dates and phone numbers are shorter or single-class and stay readable.
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-]{16,}")
# Razorpay's ids (pay_…, plink_…, order_…, setl_…) are references, not secrets: the log
# must name the payment a webhook did or did not record.
_GATEWAY_ID = re.compile(r"(?:pay|plink|order|setl|rfnd)_[A-Za-z0-9]{14}")


def _looks_secret(text: str) -> bool:
    kinds = (
        any(c.islower() for c in text),
        any(c.isupper() for c in text),
        any(c.isdigit() for c in text),
    )
    return sum(kinds) >= 2


def redact(text: str) -> str:
    """`text` (a path, a query, a log line) with tokens replaced by [redacted]."""
    text = _SHARED_LINK.sub(rf"\1{REDACTED}", text)
    text = _SECRET_PARAM.sub(rf"\1{REDACTED}", text)
    return _TOKEN_LIKE.sub(
        lambda m: (
            REDACTED
            if _looks_secret(m.group()) and not _GATEWAY_ID.fullmatch(m.group())
            else m.group()
        ),
        text,
    )


class RedactSecretsFilter(logging.Filter):
    """A logging filter that redacts tokens from a record's message (Django's own
    "Not Found: /s/<token>/" lines, runserver's request lines, anything else)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record: leave it to the handler to report
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RequestLogMiddleware:
    """One line per request: the route's name (``shared:route``), not its path, so that
    tokens in URLs (shared links, set-password links) never reach the log. A request no
    route matched logs its path, redacted."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        where = f"route={match.view_name}" if match else f"route=- path={redact(request.path)}"
        logger.info(
            "request method=%s %s status=%s duration_ms=%.1f user=%s",
            request.method,
            where,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            user.pk if user is not None and user.is_authenticated else "-",
        )
        return response


class ContentSecurityPolicyMiddleware:
    """Only our own scripts, styles and images; no framing; forms post to us only.

    The API documentation page loads Swagger UI from its CDN, so it gets its own policy.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        for prefix, path_policy in settings.CONTENT_SECURITY_POLICY_PATHS.items():
            if request.path.startswith(prefix):
                policy = path_policy
        response.headers.setdefault("Content-Security-Policy", policy)
        return response
