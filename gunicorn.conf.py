"""gunicorn settings for `make serve` and production (see docs/deploy.md)."""

import multiprocessing
import os

# An empty value (BIND= in an EnvironmentFile made from .env.example) counts as unset.
bind = os.environ.get("BIND") or "127.0.0.1:8000"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or "30")
graceful_timeout = 20
max_requests = 2000  # recycle workers now and then
max_requests_jitter = 200
# No access log: it would write raw paths, shared-link tokens included.
# earlybird.middleware.RequestLogMiddleware logs one line per request, by route name.
accesslog = None
errorlog = "-"
# Whose X-Forwarded-Proto gunicorn itself believes. The client's address for throttles and
# rate limits is the app's business: TRUSTED_PROXY_COUNT (docs/deploy.md).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1"
