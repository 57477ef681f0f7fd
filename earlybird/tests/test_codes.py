"""Human codes: CU-YYYYMMDD-NNNN per day, BI-YYYYMM-NNNN per period; never duplicated,
and with no gaps among committed rows (a rolled-back transaction gives its numbers back)."""

import datetime as dt
import re

import pytest
from django.db import connection, transaction

from earlybird.codes import next_code, reserve_codes
from earlybird.models import CodeCounter
from earlybird.tests.concurrency import Holder, Worker, wait_until_blocked

JAN_27 = dt.date(2026, 1, 27)


def number(code: str) -> int:
    return int(code.rsplit("-", 1)[1])


class Rollback(Exception):
    pass


# --- format -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_daily_code_reads_prefix_date_and_a_four_digit_number():
    with transaction.atomic():
        first = next_code("CU", on=JAN_27)
        second = next_code("CU", on=JAN_27)
    assert (first, second) == ("CU-20260127-0001", "CU-20260127-0002")
    assert re.fullmatch(r"CU-\d{8}-\d{4}", first)


@pytest.mark.django_db
def test_a_bill_code_reads_prefix_month_and_a_four_digit_number():
    with transaction.atomic():
        codes = [next_code("BI", on=dt.date(2026, 1, day)) for day in (1, 15, 31)]
    assert codes == ["BI-202601-0001", "BI-202601-0002", "BI-202601-0003"]


@pytest.mark.django_db
def test_each_prefix_and_day_counts_on_its_own():
    with transaction.atomic():
        next_code("CU", on=JAN_27)
        codes = [
            next_code("CU", on=JAN_27),
            next_code("CU", on=JAN_27 + dt.timedelta(days=1)),
            next_code("SU", on=JAN_27),
            next_code("BI", on=JAN_27),
        ]
    assert codes == ["CU-20260127-0002", "CU-20260128-0001", "SU-20260127-0001", "BI-202601-0001"]


@pytest.mark.django_db
def test_it_reserves_a_run_of_consecutive_codes():
    with transaction.atomic():
        next_code("DL", on=JAN_27)
        codes = reserve_codes("DL", on=JAN_27, count=3)
        after = next_code("DL", on=JAN_27)
        nothing = reserve_codes("DL", on=JAN_27, count=0)
    assert codes == ["DL-20260127-0002", "DL-20260127-0003", "DL-20260127-0004"]
    assert after == "DL-20260127-0005"
    assert nothing == []


@pytest.mark.django_db
def test_it_refuses_an_unknown_prefix():
    with pytest.raises(ValueError, match="Unknown code prefix"), transaction.atomic():
        next_code("XX", on=JAN_27)
    assert not CodeCounter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_taking_a_code_outside_a_transaction_raises():
    assert not connection.in_atomic_block
    with pytest.raises(RuntimeError, match="inside the transaction"):
        next_code("CU", on=JAN_27)
    assert not CodeCounter.objects.exists()


# --- no gaps after a rollback -----------------------------------------------------


@pytest.mark.django_db
def test_a_rolled_back_savepoint_gives_its_code_back():
    with transaction.atomic():
        first = next_code("CU", on=JAN_27)
    with pytest.raises(Rollback), transaction.atomic():
        lost = next_code("CU", on=JAN_27)
        raise Rollback
    with transaction.atomic():
        again = next_code("CU", on=JAN_27)
    assert again == lost == "CU-20260127-0002"
    assert number(again) == number(first) + 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_gives_its_code_back():
    committed = []
    with transaction.atomic():
        committed.append(next_code("CU", on=JAN_27))
    with pytest.raises(Rollback), transaction.atomic():
        reserve_codes("CU", on=JAN_27, count=5)
        raise Rollback
    with transaction.atomic():
        committed.append(next_code("CU", on=JAN_27))
    assert committed == ["CU-20260127-0001", "CU-20260127-0002"]
    assert CodeCounter.objects.get(prefix="CU", key="20260127").last_value == 2


# --- concurrency ------------------------------------------------------------------
#
# Forced, not hoped for: one thread takes codes and keeps its transaction open (the
# counter row locked); the others start and are seen waiting for that row in PostgreSQL;
# then the first commits or rolls back. See earlybird/tests/concurrency.py.

THREADS = 8
ROUNDS = 5


def _in_transaction(take):
    def work():
        with transaction.atomic():
            return take()

    return work


@pytest.mark.django_db(transaction=True)
def test_threads_taking_codes_together_get_distinct_consecutive_codes():
    with transaction.atomic():
        opening = next_code("OR", on=JAN_27)  # the counter row exists: the common case

    def take_rounds():
        return [_in_transaction(lambda: next_code("OR", on=JAN_27))() for _ in range(ROUNDS)]

    first = Holder(lambda: reserve_codes("OR", on=JAN_27, count=ROUNDS), name="thread 0")
    first.start_and_hold()
    others = [Worker(take_rounds, name=f"thread {n}") for n in range(1, THREADS)]
    for thread in others:
        thread.start()
    waited = wait_until_blocked(*others)
    first.release()
    for thread in (first, *others):
        thread.finish()

    assert [thread.error for thread in (first, *others)] == [None] * THREADS
    taken = [opening] + [code for thread in (first, *others) for code in thread.result]
    assert len(set(taken)) == len(taken) == 1 + THREADS * ROUNDS
    assert sorted(number(code) for code in taken) == list(range(1, len(taken) + 1))
    assert CodeCounter.objects.get(prefix="OR", key="20260127").last_value == len(taken)
    assert all(waited.values()), f"threads that never waited: {waited}"


@pytest.mark.django_db(transaction=True)
def test_codes_rolled_back_by_racing_threads_leave_no_gap_among_committed_ones():
    with transaction.atomic():
        opening = next_code("PA", on=JAN_27)

    def take_rounds(index: int):
        def work():
            committed = []
            for round_ in range(ROUNDS):
                try:
                    with transaction.atomic():
                        codes = reserve_codes("PA", on=JAN_27, count=1 + index % 3)
                        if (index + round_) % 2:
                            raise Rollback
                except Rollback:
                    continue
                committed.extend(codes)
            return committed

        return work

    # The first thread takes three codes, keeps them while the others wait, then gives
    # them back: the next thread must get the same numbers.
    first = Holder(lambda: reserve_codes("PA", on=JAN_27, count=3), name="thread 0", rollback=True)
    first.start_and_hold()
    others = [Worker(take_rounds(n), name=f"thread {n}") for n in range(1, THREADS)]
    for thread in others:
        thread.start()
    waited = wait_until_blocked(*others)
    first.release()
    for thread in (first, *others):
        thread.finish()

    assert [thread.error for thread in (first, *others)] == [None] * THREADS
    assert first.result == ["PA-20260127-0002", "PA-20260127-0003", "PA-20260127-0004"]
    committed = [opening] + [code for thread in others for code in thread.result]
    assert len(committed) > 1, "some transactions must commit"
    assert sorted(number(code) for code in committed) == list(range(1, len(committed) + 1))
    assert CodeCounter.objects.get(prefix="PA", key="20260127").last_value == len(committed)
    assert all(waited.values()), f"threads that never waited: {waited}"
