""".env.example copied as it is to .env runs the app locally.

Each test writes a .env in a temporary folder and loads the real settings
(earlybird.settings, not the test settings) in a subprocess started there, with
EARLYBIRD_ENV_FILE pointing at that file and none of the file's variables in the
environment, so the file alone decides. The database variables are kept when the test run
has them, so the subprocess joins the test run's PostgreSQL rather than starting another.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / ".env.example"
KEEP = {"DATABASE_URL", "EMBEDDED_PG_DIR", "EMBEDDED_PG_NAME"}
ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")

LOAD_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory
from django.middleware.security import SecurityMiddleware
from django.http import HttpResponse
cache.set("env-example", 42)
request = RequestFactory().get("/staff/", HTTP_HOST="127.0.0.1:8000")
answer = SecurityMiddleware(lambda r: HttpResponse("ok"))(request)
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "cached": cache.get("env-example"),
    "status": answer.status_code,
    "CONN_MAX_AGE": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "PAYMENT_MAX_AMOUNT": str(settings.PAYMENT_MAX_AMOUNT),
    "CUSTOMER_CHANGE_CUTOFF": settings.CUSTOMER_CHANGE_CUTOFF.isoformat(),
    "WHATSAPP_API_URL": settings.WHATSAPP_API_URL,
    "MESSAGES_LOG_FILE": settings.MESSAGES_LOG_FILE,
    "MESSAGING_BACKEND": settings.MESSAGING_BACKEND,
}))
"""


def example_variables() -> dict[str, str]:
    """Every NAME=value line of .env.example (commented-out lines are not variables)."""
    found = {}
    for line in EXAMPLE.read_text().splitlines():
        if match := ASSIGNMENT.match(line):
            found[match[1]] = match[2]
    return found


def run_in(folder: Path, env_text: str, code: str = LOAD_SETTINGS) -> subprocess.CompletedProcess:
    env_file = folder / ".env"
    env_file.write_text(env_text)
    names = set(example_variables()) | {"SECURE_SSL_REDIRECT", "SECURE_COOKIES"}
    environment = {k: v for k, v in os.environ.items() if k not in names or k in KEEP}
    environment |= {
        "EARLYBIRD_ENV_FILE": str(env_file),
        "DJANGO_SETTINGS_MODULE": "earlybird.settings",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def loaded(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_example_file_has_the_variables_this_test_reads():
    found = example_variables()
    assert {"DEBUG", "CACHE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "BIND"} <= set(found)
    assert found["DEBUG"] == "1"
    assert found["CACHE_URL"] == ""


def test_copied_as_it_is_it_runs_locally_over_plain_http(tmp_path):
    values = loaded(run_in(tmp_path, EXAMPLE.read_text()))

    assert values["DEBUG"] is True
    # No HTTPS redirect, no HSTS, cookies over http: a local run on 127.0.0.1 works.
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["status"] == 200  # SecurityMiddleware would answer 301 to https://
    # The empty CACHE_URL= is unset: the local-memory cache, and it works.
    assert values["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["cached"] == 42
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    # A relative path in the file is the project's, not the folder the command ran in.
    assert values["MESSAGES_LOG_FILE"] == str(ROOT / "var" / "messages.log")


def test_every_variable_left_empty_counts_as_unset(tmp_path):
    """NAME= for every variable of the file: each takes its default, none crashes."""
    names = [name for name in example_variables() if name not in KEEP | {"DEBUG"}]
    values = loaded(run_in(tmp_path, "DEBUG=1\n" + "".join(f"{name}=\n" for name in names)))

    assert values["DEBUG"] is True
    assert values["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["cached"] == 42
    assert values["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert values["CONN_MAX_AGE"] == 0
    assert values["PAYMENT_MAX_AMOUNT"] == "1000000"
    assert values["CUSTOMER_CHANGE_CUTOFF"] == "21:00:00"
    assert values["WHATSAPP_API_URL"] == "https://graph.facebook.com/v21.0"
    assert values["MESSAGING_BACKEND"] == ["console"]
    # The one documented exception: an empty log file name means no file.
    assert values["MESSAGES_LOG_FILE"] == ""
    assert values["SECURE_SSL_REDIRECT"] is False


def test_with_debug_off_the_https_settings_default_on(tmp_path):
    """Commenting the HTTPS lines out costs production nothing: they follow DEBUG."""
    text = EXAMPLE.read_text().replace("DEBUG=1", "DEBUG=0", 1)
    text += "\nSECRET_KEY=a-long-random-test-value-0123456789-abcdefghijklmnopqrstuvwxyz\n"
    values = loaded(run_in(tmp_path, text))

    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["status"] == 301


@pytest.mark.parametrize("blank", [False, True], ids=["as-is", "all-empty"])
def test_gunicorn_settings_take_the_file_or_its_defaults(tmp_path, blank):
    """gunicorn.conf.py reads BIND and the rest from the environment (systemd's
    EnvironmentFile): an empty value there is unset too."""
    names = ("BIND", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT", "FORWARDED_ALLOW_IPS")
    variables = example_variables()
    environment = {k: v for k, v in os.environ.items() if k not in names}
    environment |= {name: "" if blank else variables[name] for name in names}
    code = (
        "import json, runpy; c = runpy.run_path('gunicorn.conf.py'); "
        "print(json.dumps([c['bind'], c['workers'], c['timeout'], c['forwarded_allow_ips']]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    bind, workers, timeout, proxies = json.loads(result.stdout)
    assert bind == "127.0.0.1:8000"
    assert timeout == 30
    assert proxies == "127.0.0.1"
    assert workers == ((os.cpu_count() or 1) * 2 + 1 if blank else 5)
