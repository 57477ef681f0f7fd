"""gunicorn serving the test database, as `make serve` runs it: one way to start it for
every browser or multi-process test."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(*, workers: int, log: Path, collect_static: bool = False, **settings: str):
    """Yield the base URL of gunicorn with `workers` processes and production settings
    (plus `settings`), its output in `log`; stopped on the way out."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("serves the embedded test database only")
    port = free_port()
    env = {
        **os.environ,
        # Set, even empty, these hide whatever a local .env says.
        "CACHE_URL": "",
        "SECRET_KEY_FILE": "",
        "DEBUG": "0",
        "SECRET_KEY": "e2e-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "EMBEDDED_PG_NAME": connection.settings_dict["NAME"],
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        **settings,
    }
    if collect_static:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=120,
        )
    command = [str(Path(sys.executable).with_name("gunicorn")), "earlybird.wsgi:application"]
    with log.open("w") as out:
        server = subprocess.Popen(
            [*command, "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:  # noqa: S310
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"gunicorn did not start: {log.read_text()}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
