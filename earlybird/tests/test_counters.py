"""The counters every web process shares (earlybird.counters): a count in a window, a
mark until a time; in a database table by default, in the cache when CACHE_URL is set.

The cross-process behaviour itself (gunicorn with 3 workers) is in
e2e/test_serve_counters.py; here, the store's rules and its atomicity."""

import threading
import time

import pytest

from earlybird import counters
from earlybird.models import ThrottleCounter
from earlybird.tests.concurrency import Holder, Worker, wait_until_blocked

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[counters.DATABASE, counters.CACHE])
def store(request, settings):
    """Each test runs on both stores (the tests' cache is local memory: one process)."""
    settings.THROTTLE_STORE = request.param
    return request.param


def test_a_count_goes_up_within_its_window_and_starts_again_after_it(store, frozen_clock):
    now = time.time()
    assert [counters.count("k", window=60, now=now) for _ in range(3)] == [1, 2, 3]
    frozen_clock.shift(30)
    assert counters.count("k", window=60, now=time.time()) == 4, "the window is the first's"
    frozen_clock.shift(31)
    assert counters.count("k", window=60, now=time.time()) == 1
    assert counters.count("other", window=60, now=time.time()) == 1


def test_a_mark_holds_until_its_time(store, frozen_clock):
    now = time.time()
    counters.mark("lock", until=now + 900, now=now)
    assert counters.marked(["lock", "never"], now=now) == {"lock"}
    assert counters.marked(["lock"], now=now + 899) == {"lock"}
    frozen_clock.shift(901)
    assert counters.marked(["lock"], now=time.time()) == set()


def test_a_new_mark_replaces_the_old_one(store):
    now = time.time()
    counters.mark("lock", until=now + 900, now=now)
    counters.mark("lock", until=now + 60, now=now)
    assert counters.marked(["lock"], now=now + 61) == set()


def test_forget_drops_counts_and_marks(store):
    now = time.time()
    counters.count("k", window=60, now=now)
    counters.mark("lock", until=now + 60, now=now)
    counters.forget(["k", "lock", "never-there"])
    assert counters.marked(["lock"], now=now) == set()
    assert counters.count("k", window=60, now=now) == 1
    counters.forget([])  # nothing to do


def test_the_database_store_keeps_one_row_per_key_and_purges_expired_ones(settings):
    settings.THROTTLE_STORE = counters.DATABASE
    now = time.time()
    for _ in range(5):
        counters.count("live", window=600, now=now)
    counters.count("old", window=60, now=now - 120)
    counters.mark("old-lock", until=now - 1, now=now - 61)
    assert ThrottleCounter.objects.count() == 3
    assert ThrottleCounter.objects.get(key="live").value == 5

    assert counters.purge_expired(now=now) == 2
    assert list(ThrottleCounter.objects.values_list("key", flat=True)) == ["live"]


def test_the_cache_store_counts_in_the_cache(settings):
    settings.THROTTLE_STORE = counters.CACHE
    counters.count("k", window=60, now=time.time())
    assert not ThrottleCounter.objects.exists()
    assert counters.purge_expired(now=time.time()) == 0


# --- atomic across processes --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_count_waits_for_another_process_counting_the_same_key_and_loses_nothing():
    """Forced interleaving: one connection has counted and keeps its transaction open;
    a second connection's count must wait for it, then see its count. (A count that
    read then wrote, like Django's database cache's incr, would not wait and would
    answer 1 as well: one failed login lost.)"""
    now = time.time()
    holder = Holder(lambda: counters.count("login", window=900, now=now))
    holder.start_and_hold()
    worker = Worker(lambda: counters.count("login", window=900, now=now))
    worker.start()
    seen = wait_until_blocked(worker)
    holder.release()
    holder.finish()
    worker.finish()

    assert seen == {"worker": True}
    assert (holder.error, worker.error) == (None, None)
    assert (holder.result, worker.result) == (1, 2)


@pytest.mark.django_db(transaction=True)
def test_many_connections_counting_one_key_at_once_get_every_count_once():
    now = time.time()
    threads, each = 6, 25
    start = threading.Barrier(threads)

    def work():
        start.wait(10)
        return [counters.count("busy", window=900, now=now) for _ in range(each)]

    workers = [Worker(work, name=f"w{n}") for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.finish()

    assert [w.error for w in workers] == [None] * threads
    got = sorted(value for worker in workers for value in worker.result)
    assert got == list(range(1, threads * each + 1))
