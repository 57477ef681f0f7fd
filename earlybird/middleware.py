"""Request logging (one line per request, with its duration) and security headers."""

import logging
import time

from django.conf import settings

logger = logging.getLogger("earlybird.request")


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logger.info(
            "request method=%s path=%s status=%s duration_ms=%.1f user=%s",
            request.method,
            request.path,
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
