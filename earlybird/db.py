"""The embedded PostgreSQL default.

With no DATABASE_URL, a real PostgreSQL server (binaries from the `pgserver` wheel)
runs with its data under var/ and is reached over its unix socket. The server is left
running when a process exits (cleanup_mode=None): the autoreloader, pytest and
manage.py commands started one after another or side by side all share it, and
pgserver serialises start-up with an inter-process lock. `make db-stop` stops it.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

HINT = (
    "Set DATABASE_URL (for example postgres://user:password@localhost:5432/earlybird) "
    "to use a PostgreSQL server of your own instead."
)


def embedded_database(*, data_dir: Path, name: str) -> dict:
    """Start (or join) the embedded server and return Django DATABASES settings for it."""
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); harmless here.
            warnings.simplefilter("ignore")
            import pgserver
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImproperlyConfigured(
            f"The embedded PostgreSQL needs the 'pgserver' package ({exc}). "
            f"Install requirements.txt, or {HINT}"
        ) from exc
    try:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = pgserver.get_server(data_dir, cleanup_mode=None)
        info = server.get_postmaster_info()
        _create_database_if_missing(socket_dir=str(info.socket_dir), port=info.port, name=name)
    except ImproperlyConfigured:
        raise
    except Exception as exc:
        log = data_dir / "log"
        raise ImproperlyConfigured(
            f"Could not start the embedded PostgreSQL in {data_dir}: {exc!r}. "
            f"Its log is {log}. {HINT}"
        ) from exc
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or 5432),
        "CONN_MAX_AGE": 0,
    }


def _create_database_if_missing(*, socket_dir: str, port: int | None, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=socket_dir, port=port or 5432, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg.errors.DuplicateDatabase:
                pass  # another process created it a moment ago
