"""Helpers for concurrency tests that force their interleaving.

Starting threads at a barrier and hoping they collide proves nothing: most runs they do
not, and the test passes with the lock removed. Instead, one side runs inside an open
transaction and keeps its locks (`Holder`); the other side starts (`Worker`) and the test
waits until PostgreSQL itself reports it blocked (`wait_until_blocked`, which reads
pg_blocking_pids); only then is the holder released. Each thread works on its own
connection and closes it. Use with `@pytest.mark.django_db(transaction=True)`.
"""

import threading
import time
from collections.abc import Callable

from django.db import connection, transaction

TIMEOUT = 30  # seconds; a test that waits this long has failed


class Worker(threading.Thread):
    """Runs `work()` on its own database connection; keeps its backend pid, result or error."""

    def __init__(self, work: Callable[[], object], *, name: str = "worker"):
        super().__init__(name=name, daemon=True)
        self.work = work
        self.pid: int | None = None
        self.result: object = None
        self.error: BaseException | None = None
        self.started_work = threading.Event()

    def run(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self.started_work.set()
            self.result = self.work()
        except BaseException as exc:  # kept for the test to assert on
            self.error = exc
        finally:
            self.started_work.set()
            connection.close()

    def finish(self) -> None:
        self.join(TIMEOUT)
        assert not self.is_alive(), f"{self.name} still running after {TIMEOUT}s"


class Holder(Worker):
    """Runs `work()` inside a transaction and keeps that transaction open, its locks held,
    until `release()`; then commits (or rolls back, with rollback=True)."""

    def __init__(self, work: Callable[[], object], *, name: str = "holder", rollback=False):
        super().__init__(self._hold, name=name)
        self.inner = work
        self.rollback = rollback
        self.holding = threading.Event()
        self._released = threading.Event()

    def _hold(self) -> object:
        with transaction.atomic():
            result = self.inner()
            self.holding.set()
            if not self._released.wait(TIMEOUT):
                raise TimeoutError(f"{self.name} was never released")
            if self.rollback:
                transaction.set_rollback(True)
        return result

    def start_and_hold(self) -> None:
        """Start, and return once the work is done and its transaction is still open."""
        self.start()
        while not self.holding.wait(0.01):
            if not self.is_alive():
                raise AssertionError(f"{self.name} failed before holding: {self.error!r}")

    def release(self) -> None:
        self._released.set()


def is_blocked(pid: int) -> bool:
    """Is that backend waiting for a lock another backend holds (or waits for first)?"""
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [pid])
        return cursor.fetchone()[0]


def wait_until_blocked(*workers: Worker) -> dict[str, bool]:
    """Wait until each worker is seen blocked on a lock in PostgreSQL, or has finished
    without ever blocking. Returns {worker name: seen blocked}."""
    deadline = time.monotonic() + TIMEOUT
    seen: dict[str, bool] = {}
    for worker in workers:
        if not worker.started_work.wait(TIMEOUT):
            raise AssertionError(f"{worker.name} never started")
        while True:
            if worker.pid is not None and is_blocked(worker.pid):
                seen[worker.name] = True
                break
            if not worker.is_alive():
                seen[worker.name] = False
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"{worker.name} neither blocked nor finished")
            time.sleep(0.01)
    return seen
