"""The embedded PostgreSQL default: real server, shared by processes, clear failure."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DEBUG="1", **extra)
    return env


@pytest.mark.django_db
def test_it_runs_on_a_real_postgresql():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        assert cursor.fetchone()[0] >= 140000


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="embedded database not in use")
def test_the_embedded_server_listens_on_a_unix_socket_under_var():
    db = settings.DATABASES["default"]
    assert db["HOST"].startswith("/"), "connects over a unix socket, not TCP"
    # Kept between runs under a name that says which migrations built it and which
    # worker uses it (conftest.py gives a second run at once a database of its own).
    assert re.fullmatch(r"test_\w+_[0-9a-f]{10}(_\w+)?", db["TEST"]["NAME"]), db["TEST"]["NAME"]


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="embedded database not in use")
def test_two_test_processes_can_run_at_once():
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-n0",  # one process each: two processes side by side is the point
        "earlybird/tests/test_models.py",
    ]
    runs = [
        subprocess.Popen(
            cmd, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0, output
        assert "passed" in output


def test_an_embedded_server_that_cannot_start_says_why_and_what_to_set(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the data folder's parent should be")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_env(EMBEDDED_PG_DIR=str(blocker / "pg")),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Could not start the embedded PostgreSQL" in result.stderr
    assert "DATABASE_URL" in result.stderr


def test_with_database_url_nothing_embedded_starts(tmp_path):
    empty = tmp_path / "pg"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='earlybird.settings'; "
            "django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['HOST'], settings.DATABASES['default']['NAME'])",
        ],
        cwd=ROOT,
        env=_env(
            DATABASE_URL="postgres://u:p@db.example.internal:5433/dairy", EMBEDDED_PG_DIR=str(empty)
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["db.example.internal", "dairy"]
    assert not empty.exists(), "no embedded data folder was made"
