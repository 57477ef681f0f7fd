# Over 400 lines: one subject, the old delivery list against the new schedule, day by day.
"""The translated subscriptions deliver, day by day, exactly what the old delivery-boy
list showed — statuses read in any casing (rule 1: an "Active" customer or subscription
is served). Pure: no database."""

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from legacy_import.legacy_rule import (
    compute_qty,
    customer_id_of,
    delivery_boy_list_qty,
    served_qty,
)
from legacy_import.translate import (
    LEGACY_START,
    Rejected,
    TranslatedOrder,
    business_date_of_bson,
    decode_extended_json,
    read_export,
    to_schedule,
    translate_customer_status,
    translate_subscription,
)
from orders.models import Order
from orders.schedule import due_on

D = dt.date
ONE_DAY = dt.timedelta(days=1)
QUANTUM = Decimal("0.001")
OLD_ENGINE_CRASHES = (KeyError, TypeError, ValueError, OverflowError)
SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "legacy-sample" / "json"


def days(first: dt.date, last: dt.date):
    day = max(first, LEGACY_START)
    while day <= last:
        yield day
        day += ONE_DAY


def status_of(customer: dict | None) -> str | None:
    """What the importer passes as `customer_status`: None = no such customer."""
    if customer is None:
        return None
    return "" if customer.get("status") is None else customer["status"]


def old_list(day: dt.date, doc: dict, customer: dict | None, product_ids) -> dict[int, Decimal]:
    quantity = served_qty(day.isoformat(), doc, customer, product_ids=product_ids)
    expected = Decimal(str(quantity)).quantize(QUANTUM)
    return {1: expected} if expected else {}


def new_rule(translated: TranslatedOrder, day: dt.date) -> dict[int, Decimal]:
    return due_on(to_schedule(translated), customer_status=translated.customer_status, day=day)


def check(doc: dict, customer: dict | None, product_ids, dates) -> TranslatedOrder | Rejected:
    """Translate `doc`; a translation must agree with the old list on every one of
    `dates`; a rejection must give a reason, and a crash day must make the old engine
    raise."""
    result = translate_subscription(
        doc, customer_status=status_of(customer), product_ids=product_ids
    )
    if isinstance(result, Rejected):
        assert result.reason
        if result.crash_date is not None:
            with pytest.raises(OLD_ENGINE_CRASHES):
                compute_qty(result.crash_date.isoformat(), doc)
        return result
    for day in dates:
        assert new_rule(result, day) == old_list(day, doc, customer, product_ids), (day, result)
    return result


# --- the sample ------------------------------------------------------------------------

needs_sample = pytest.mark.skipif(not SAMPLE.is_dir(), reason=f"no legacy sample at {SAMPLE}")


def business_dates(value) -> list[dt.date]:
    """Every business date (YMD string or BSON date) anywhere in a document."""
    if isinstance(value, dict):
        return [d for v in value.values() for d in business_dates(v)]
    if isinstance(value, list):
        return [d for v in value for d in business_dates(v)]
    if isinstance(value, dt.datetime):
        return [business_date_of_bson(value)]
    if isinstance(value, str) and len(value) == 10:
        try:
            day = D.fromisoformat(value)
        except ValueError:
            return []
        return [day] if day.isoformat() == value else []  # not phone numbers
    return []


@pytest.fixture(scope="module")
def sample():
    subscriptions = read_export(SAMPLE / "subscriptions_v2.json")
    customers = {c["id"]: c for c in read_export(SAMPLE / "customers_v2.json")}
    product_ids = frozenset(p["id"] for p in read_export(SAMPLE / "products.json"))
    found = [d for doc in subscriptions for d in business_dates(doc)]
    first, last = min(found) - 60 * ONE_DAY, max(found) + 60 * ONE_DAY
    return subscriptions, customers, product_ids, first, last


@needs_sample
def test_the_sample_is_read_from_the_shared_folder_outside_the_repo():
    repo = Path(__file__).resolve().parents[2]

    assert SAMPLE.parts[-3:] == ("shared", "legacy-sample", "json")
    assert not SAMPLE.is_relative_to(repo)
    assert (SAMPLE / "subscriptions_v2.json").is_file()


@needs_sample
def test_every_sample_subscription_delivers_what_the_old_list_showed(sample):
    subscriptions, customers, product_ids, first, last = sample
    all_days = list(days(first, last))

    results = [
        check(doc, customers.get(customer_id_of(doc)), product_ids, all_days)
        for doc in subscriptions
    ]

    translated = [r for r in results if isinstance(r, TranslatedOrder)]
    delivering = [r for r in translated if any(new_rule(r, day) for day in all_days)]
    assert (first, last) == (D(2025, 11, 2), D(2026, 4, 29))
    # 65: the "Active" subscription delivers now (rule 1).
    assert (len(results), len(translated), len(delivering)) == (82, 78, 65)


@needs_sample
def test_the_sample_rejects_what_the_old_engine_crashed_on_and_orphans(sample):
    subscriptions, customers, product_ids, _, _ = sample

    rejected = {
        r.legacy_id[:8]: r
        for doc in subscriptions
        if isinstance(
            r := translate_subscription(
                doc,
                customer_status=status_of(customers.get(customer_id_of(doc))),
                product_ids=product_ids,
            ),
            Rejected,
        )
    }

    assert sorted(rejected) == ["0d06a8de", "2be25650", "c08b82af", "ed061cde"]
    assert "BSON date" in rejected["ed061cde"].reason  # pause start
    assert "BSON date" in rejected["c08b82af"].reason  # pause end
    assert "customer" in rejected["0d06a8de"].reason
    assert "product" in rejected["2be25650"].reason


@needs_sample
def test_the_sample_has_every_mode(sample):
    subscriptions, *_ = sample

    modes = Counter(doc.get("mode", "<missing>") for doc in subscriptions)

    assert set(modes) >= {"fixed_daily", "weekly_pattern", "day_by_day", "irregular", "one_time"}


@needs_sample
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.one_of(
        st.sampled_from([D(2024, 2, 29), D(2028, 2, 29), D(2000, 2, 29), D(2026, 2, 28)]),
        st.dates(min_value=LEGACY_START, max_value=D(2099, 12, 31)),
    )
)
def test_the_sample_agrees_on_any_day_leap_days_included(sample, day):
    subscriptions, customers, product_ids, _, _ = sample

    for doc in subscriptions:
        check(doc, customers.get(customer_id_of(doc)), product_ids, [day])


# --- named examples ----------------------------------------------------------------------

ACTIVE_CUSTOMER = {"id": "c1", "status": "active"}
PRODUCTS = frozenset({"p1", "p2"})


def sub(**fields) -> dict:
    return {"id": "s1", "customer_id": "c1", "product_id": "p1", "status": "active", **fields}


def translate(doc, customer=ACTIVE_CUSTOMER):
    return translate_subscription(doc, customer_status=status_of(customer), product_ids=PRODUCTS)


def test_stop_date_becomes_the_day_before_as_end_date():
    result = translate(sub(mode="fixed_daily", default_qty=1.0, stop_date="2026-02-04"))

    assert result.start_date == LEGACY_START
    assert result.end_date == D(2026, 2, 3)
    assert result.pattern == Order.Pattern.DAILY
    assert result.quantity == Decimal("1.000")


def test_quantities_as_strings_and_ints_become_decimals():
    result = translate(
        sub(
            mode="weekly_pattern",
            weekly_pattern=[0, 3],
            default_qty="1",
            day_overrides=[
                {"date": "2026-01-29", "quantity": "0.5"},
                {"date": "2026-01-30", "quantity": 2},
            ],
        )
    )

    assert result.pattern == Order.Pattern.WEEKDAYS
    assert result.weekdays == frozenset({0, 3})
    assert result.quantity == Decimal("1.000")
    assert dict(result.overrides) == {
        D(2026, 1, 29): Decimal("0.500"),
        D(2026, 1, 30): Decimal("2.000"),
    }


def test_an_irregular_entry_beats_a_day_override_and_the_first_entry_wins():
    result = translate(
        sub(
            mode="irregular",
            default_qty=0.0,
            irregular_list=[
                {"date": "2026-01-02", "quantity": 2.0},
                {"date": "2026-01-02", "quantity": 5},
            ],
            day_overrides=[{"date": "2026-01-02", "quantity": 1.0}],
        )
    )

    assert result.pattern == Order.Pattern.LISTED_DATES
    assert dict(result.overrides) == {D(2026, 1, 2): Decimal("2.000")}
    assert result.quantity > 0


def test_pauses_keep_open_ends_and_drop_the_backwards_ones():
    result = translate(
        sub(
            mode="fixed_daily",
            default_qty=1,
            pause_intervals=[
                {"start": "2026-01-01", "end": "2026-01-09"},
                {"start": "2026-02-11", "end": None},
                {"start": "2026-03-11", "end": ""},
                {"start": "2026-04-11"},
                {"start": "2026-02-01", "end": "2026-01-31"},
            ],
        )
    )

    assert result.pauses == (
        (D(2026, 1, 1), D(2026, 1, 9)),
        (D(2026, 2, 11), None),
        (D(2026, 3, 11), None),
        (D(2026, 4, 11), None),
    )


def test_a_one_time_subscription_with_an_extra_day_outside_its_range_keeps_both():
    doc = {
        "id": "sub_1",
        "customerId": "c1",
        "productId": "p1",
        "mode": "one_time",
        "quantity": 2.0,
        "startDate": "2026-01-04",
        "endDate": "2026-01-05",
        "status": "active",
        "irregular_list": [{"date": "2026-01-09", "quantity": 1.0}],
    }

    result = translate(doc)

    assert result.kind == Order.Kind.SUBSCRIPTION
    assert result.pattern == Order.Pattern.LISTED_DATES
    assert dict(result.overrides) == {
        D(2026, 1, 4): Decimal("2.000"),
        D(2026, 1, 5): Decimal("2.000"),
        D(2026, 1, 9): Decimal("1.000"),
    }
    check(doc, ACTIVE_CUSTOMER, PRODUCTS, days(D(2025, 12, 1), D(2026, 2, 1)))


def test_a_plain_one_time_subscription_is_daily_over_its_range():
    result = translate(
        sub(mode="one_time", quantity=2.0, startDate="2026-01-04", endDate="2026-01-04")
    )

    assert (result.pattern, result.start_date, result.end_date) == (
        Order.Pattern.DAILY,
        D(2026, 1, 4),
        D(2026, 1, 4),
    )


@pytest.mark.parametrize(
    ("legacy", "new", "delivers"),
    [
        ("active", "active", True),
        ("trial", "trial", True),
        ("paused", "paused", False),
        ("stopped", "stopped", False),
        ("Active", "active", True),
        ("TRIAL", "trial", True),
        ("Trial ", "trial", True),
        ("", "paused", False),
        ("gone", "paused", False),
    ],
)
def test_customer_statuses_in_any_casing_are_read_as_meant(legacy, new, delivers):
    customer = {"id": "c1", "status": legacy}
    doc = sub(mode="fixed_daily", default_qty=1.0)

    result = translate(doc, customer)

    assert translate_customer_status(legacy) == new
    assert result.customer_status == new
    assert bool(new_rule(result, D(2026, 1, 1))) is delivers
    check(doc, customer, PRODUCTS, [D(2026, 1, 1)])


@pytest.mark.parametrize(
    ("legacy", "new"),
    [
        ("active", "active"),
        ("draft", "draft"),
        ("paused", "paused"),
        ("stopped", "stopped"),
        ("Active", "active"),
        (" ACTIVE", "active"),
        (None, "draft"),
    ],
)
def test_a_subscription_status_of_active_in_any_casing_is_active(legacy, new):
    doc = sub(mode="fixed_daily", default_qty=1.0, status=legacy)

    assert translate(doc).status == new


@pytest.mark.parametrize(
    ("fields", "crash_words"),
    [
        ({"pause_intervals": [{"start_date": "2026-01-29", "end_date": "2026-02-07"}]}, "pause"),
        ({"stop_date": dt.datetime(2026, 2, 4, tzinfo=dt.UTC)}, "stop_date"),
        ({"stop_date": "04/02/2026"}, "stop_date"),
        ({"default_qty": None}, "default_qty"),
        ({"irregular_list": [{"quantity": 1}]}, "irregular_list"),
        ({"day_overrides": [{"date": "2026-01-05", "quantity": "1,5"}]}, "quantity"),
    ],
)
def test_what_the_old_engine_crashed_on_is_rejected_with_a_day_it_crashed(fields, crash_words):
    doc = sub(mode="fixed_daily", default_qty=1.0) | fields

    result = translate(doc)

    assert isinstance(result, Rejected)
    assert crash_words in result.reason
    with pytest.raises(OLD_ENGINE_CRASHES):
        compute_qty(result.crash_date.isoformat(), doc)


def test_a_crash_is_dated_on_the_first_day_of_the_imported_period_not_a_placeholder():
    doc = sub(
        mode="weekly_pattern",
        weekly_pattern=[2],
        default_qty=None,
        pause_intervals=[{"start": "2026-01-01", "end": "2026-01-10"}],
    )

    result = translate_subscription(
        doc, customer_status="active", product_ids=PRODUCTS, first_day=D(2026, 1, 1)
    )

    assert isinstance(result, Rejected)
    assert "default_qty" in result.reason
    # The first Wednesday from 2026-01-01 that is not paused: the engine raised there.
    assert result.crash_date == D(2026, 1, 14)
    with pytest.raises(OLD_ENGINE_CRASHES):
        compute_qty(result.crash_date.isoformat(), doc)


def test_a_bad_value_the_old_engine_never_read_is_not_a_reject():
    doc = sub(
        mode="fixed_daily",
        default_qty=1.0,
        status="stopped",
        pause_intervals=[{"start_date": "2026-01-29", "end_date": "2026-02-07", "reason": "x"}],
    )

    result = translate(doc)

    assert result.status == Order.Status.STOPPED
    assert result.pauses == ((D(2026, 1, 29), D(2026, 2, 7)),)
    assert result.warnings


def test_a_bad_quantity_on_a_paused_day_is_dropped_not_rejected():
    doc = sub(
        mode="fixed_daily",
        default_qty=1.0,
        pause_intervals=[{"start": "2026-01-01", "end": "2026-01-10"}],
        day_overrides=[{"date": "2026-01-05", "quantity": None}],
    )

    result = translate(doc)

    assert isinstance(result, TranslatedOrder)
    assert D(2026, 1, 5) not in result.overrides
    check(doc, ACTIVE_CUSTOMER, PRODUCTS, days(D(2025, 12, 1), D(2026, 2, 1)))


def test_overrides_whose_date_is_not_a_ymd_string_never_matched_and_are_dropped():
    doc = sub(
        mode="day_by_day",
        default_qty=0.0,
        day_overrides=[
            {"date": dt.datetime(2026, 2, 19, 18, 30, tzinfo=dt.UTC), "quantity": 1.0},
            {"date": "20260221", "quantity": 1.0},
            {"date": "2026-2-22", "quantity": 1.0},
        ],
    )

    result = translate(doc)

    assert result.overrides == {}
    assert "2026-02-20" in result.warnings[0]
    assert len(result.warnings) == 3
    check(doc, ACTIVE_CUSTOMER, PRODUCTS, days(D(2026, 2, 1), D(2026, 3, 1)))


@pytest.mark.parametrize(
    ("doc", "customer", "words"),
    [
        (sub(mode="fixed_daily", default_qty=1), None, "customer"),
        (sub(mode="fixed_daily", default_qty=1, product_id="gone"), ACTIVE_CUSTOMER, "product"),
        (sub(mode="fixed_daily", default_qty=1, product_id=None), ACTIVE_CUSTOMER, "product"),
        (sub(mode="fixed_daily", default_qty=float("inf")), ACTIVE_CUSTOMER, "stored"),
    ],
)
def test_what_cannot_be_imported_is_rejected_with_a_reason(doc, customer, words):
    result = translate(doc, customer)

    assert isinstance(result, Rejected)
    assert words in result.reason
    assert result.crash_date is None


def test_extended_json_values_are_decoded():
    raw = {
        "_id": {"$oid": "68b1181bd8ca85eee2649b34"},
        "n": {"$numberLong": "3"},
        "x": {"$numberDouble": "1.5"},
        "when": {"$date": "2026-01-04T18:30:00Z"},
        "old": {"$date": {"$numberLong": "0"}},
        "list": [{"date": {"$date": "2026-01-05T00:00:00.000Z"}}],
    }

    doc = decode_extended_json(raw)

    assert doc["_id"] == "68b1181bd8ca85eee2649b34"
    assert (doc["n"], doc["x"]) == (3, 1.5)
    assert business_date_of_bson(doc["when"]) == D(2026, 1, 5)
    assert business_date_of_bson(doc["list"][0]["date"]) == D(2026, 1, 5)
    assert doc["old"] == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


# --- the old rule itself (§5) -------------------------------------------------------------


def test_the_old_rule_priorities():
    doc = sub(
        mode="weekly_pattern",
        weekly_pattern=[0],  # Mondays
        default_qty=2.0,
        pause_intervals=[{"start": "2026-01-10", "end": "2026-01-11"}],
        irregular_list=[
            {"date": "2026-01-06", "quantity": 3.0},
            {"date": "2026-01-10", "quantity": 9},
        ],
        day_overrides=[
            {"date": "2026-01-06", "quantity": 1.0},
            {"date": "2026-01-12", "quantity": 0},
        ],
        stop_date="2026-01-20",
    )

    assert compute_qty("2026-01-05", doc) == 2.0  # Monday
    assert compute_qty("2026-01-06", doc) == 3.0  # irregular beats override, pattern skips
    assert compute_qty("2026-01-07", doc) == 0.0  # not a Monday
    assert compute_qty("2026-01-10", doc) == 0.0  # pause beats irregular
    assert compute_qty("2026-01-12", doc) == 0.0  # override of 0 skips a Monday
    assert compute_qty("2026-01-19", doc) == 2.0
    assert compute_qty("2026-01-26", doc) == 0.0  # stop date
    assert compute_qty("2026-01-05", doc | {"status": "paused"}) == 2.0  # paused still counts
    assert compute_qty("2026-01-05", doc | {"status": "draft"}) == 0.0


def test_the_old_rule_never_matches_weekday_strings():
    doc = sub(mode="weekly_pattern", weekly_pattern=["0"], default_qty=2.0)

    assert compute_qty("2026-01-05", doc) == 0.0


def test_the_delivery_boy_list_needs_exact_statuses_and_a_product():
    doc = sub(mode="fixed_daily", default_qty=1.5)

    assert delivery_boy_list_qty("2026-01-05", doc, ACTIVE_CUSTOMER, product_ids=PRODUCTS) == 1.5
    assert (
        delivery_boy_list_qty("2026-01-05", doc, {"status": "trial"}, product_ids=PRODUCTS) == 1.5
    )
    assert delivery_boy_list_qty("2026-01-05", doc, {"status": "Active"}, product_ids=PRODUCTS) == 0
    assert delivery_boy_list_qty("2026-01-05", doc, None, product_ids=PRODUCTS) == 0
    assert (
        delivery_boy_list_qty(
            "2026-01-05", doc | {"status": "Active"}, ACTIVE_CUSTOMER, product_ids=PRODUCTS
        )
        == 0
    )
    assert delivery_boy_list_qty("2026-01-05", doc, ACTIVE_CUSTOMER, product_ids={"p2"}) == 0


# --- random legacy documents ---------------------------------------------------------------
#
# Mostly well-formed documents, with every quirk of COLLECTIONS.md §3.6 mixed in now and then:
# string and int quantities, BSON and malformed dates, pauses with null / "" / missing ends
# or the wrong keys, weekday strings, camelCase ids, odd statuses, orphans.


def chance(draw, p: float) -> bool:
    """True with probability about p (sampled uniformly, unlike a drawn float)."""
    n = round(p * 100)
    return draw(st.sampled_from([False] * (100 - n) + [True] * n))


def rarely(draw, usual, unusual, p: float = 0.1):
    return draw(unusual) if chance(draw, p) else draw(usual)


def maybe(fields: dict, key: str, value, draw, missing: float = 0.2) -> None:
    if not chance(draw, missing):
        fields[key] = value


def ymd_near(base: dt.date, spread: int = 50):
    return st.integers(-spread, spread).map(lambda n: (base + n * ONE_DAY).isoformat())


def odd_dates(base: dt.date):
    near = st.integers(-50, 50).map(lambda n: base + n * ONE_DAY)
    return st.one_of(
        near.map(lambda d: dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)),
        near.map(lambda d: dt.datetime(d.year, d.month, d.day, 18, 30, tzinfo=dt.UTC)),
        near.map(lambda d: f"{d.year}-{d.month}-{d.day}"),
        near.map(lambda d: d.strftime("%Y%m%d")),
        st.sampled_from(["", "tomorrow", "2026-02-30", None, 20260105]),
    )


GOOD_QUANTITIES = st.one_of(
    st.sampled_from([0.5, 1.0, 1.5, 2.0, 2.25, 3, 1, "1.5", "2", 0.75, 4.0]),
    st.floats(min_value=0.001, max_value=50).map(lambda x: round(x, 4)),
)
ODD_QUANTITIES = st.sampled_from(
    [
        0,
        0.0,
        "0",
        -1.0,
        1.0005,
        0.0004,
        " 1 ",
        "abc",
        "1,5",
        None,
        float("nan"),
        True,
        1e12,
        float("inf"),
        10**400,
    ]
)


def quantities(draw, p=0.1):
    return rarely(draw, GOOD_QUANTITIES, ODD_QUANTITIES, p)


@st.composite
def pause_entries(draw, base):
    shape = rarely(draw, st.just("good"), st.sampled_from(["wrong keys", "junk", "odd"]), 0.08)
    if shape == "junk":
        return draw(st.sampled_from(["2026-01-01", None, ["2026-01-01"]]))
    if shape == "wrong keys":
        start = draw(ymd_near(base))
        return {"start_date": start, "end_date": draw(ymd_near(base)), "reason": "Travelling"}
    start = draw(ymd_near(base)) if shape == "good" else draw(odd_dates(base))
    entry = {"start": start}
    start_day = D.fromisoformat(start) if shape == "good" else base
    end = draw(
        st.one_of(
            st.integers(-2, 12).map(lambda n: (start_day + n * ONE_DAY).isoformat()),
            st.sampled_from([None, ""]),
            ymd_near(base),
        )
    )
    maybe(entry, "end", end, draw, 0.15)
    return entry


@st.composite
def day_entries(draw, base):
    if draw(st.integers(0, 40)) == 0:
        return draw(st.sampled_from(["2026-01-01", None, {"quantity": 1.0}]))
    entry = {"date": rarely(draw, ymd_near(base, 40), odd_dates(base), 0.08)}
    maybe(entry, "quantity", quantities(draw, 0.08), draw, missing=0.02)
    maybe(entry, "shift", draw(st.sampled_from(["morning", "evening", None])), draw)
    return entry


def weekly_patterns():
    return st.one_of(
        st.lists(st.integers(0, 6), min_size=1, max_size=5),
        st.lists(st.integers(0, 6), min_size=1, max_size=5),
        st.lists(st.integers(0, 6), min_size=1, max_size=5),
        st.sampled_from([None, [], ["0", "1", "2", "3", "4"], [2.0, True], [7, -1, 3]]),
    )


@st.composite
def legacy_documents(draw):
    base = draw(
        st.one_of(
            st.sampled_from([D(2024, 2, 29), D(2028, 2, 29), D(2026, 1, 31), D(2025, 12, 31)]),
            st.dates(min_value=D(2000, 3, 1), max_value=D(2090, 1, 1)),
        )
    )
    doc: dict = {"id": draw(st.sampled_from(["3f6c0d1e", "sub_3f6c0d1e", "sub-001"]))}
    customer_keys = rarely(
        draw, st.sampled_from(["snake", "both"]), st.sampled_from(["camel", "differ"]), 0.2
    )
    if customer_keys in ("snake", "both"):
        doc["customer_id"] = "c1"
    if customer_keys in ("camel", "both"):
        doc["customerId"] = "c1"
    if customer_keys == "differ":
        doc.update(customer_id="c-other", customerId="c1")
    product = rarely(draw, st.sampled_from(["p1", "p2"]), st.sampled_from(["gone", None]), 0.05)
    doc[rarely(draw, st.just("product_id"), st.just("productId"), 0.2)] = product
    status = rarely(
        draw,
        st.sampled_from(["active"] * 6 + ["draft", "paused", "stopped"]),
        st.sampled_from(["Active", "weird", None]),
    )
    maybe(doc, "status", status, draw, 0.05)
    mode = rarely(
        draw,
        st.sampled_from(["fixed_daily", "weekly_pattern", "day_by_day", "irregular", "one_time"]),
        st.just("Fixed_Daily"),
        0.05,
    )
    maybe(doc, "mode", mode, draw, 0.05)
    maybe(doc, "default_qty", quantities(draw, 0.05), draw, 0.05)
    maybe(doc, "weekly_pattern", draw(weekly_patterns()), draw, 0.1)
    pauses = rarely(
        draw, st.lists(pause_entries(base), max_size=3), st.sampled_from([None, "oops"]), 0.03
    )
    maybe(doc, "pause_intervals", pauses, draw)
    irregular = rarely(draw, st.lists(day_entries(base), max_size=3), st.none(), 0.05)
    maybe(doc, "irregular_list", irregular, draw)
    overrides = rarely(draw, st.lists(day_entries(base), max_size=6), st.none(), 0.05)
    maybe(doc, "day_overrides", overrides, draw)
    if draw(st.integers(0, 5)) == 0:
        doc["dayOverrides"] = [{"date": draw(ymd_near(base)), "quantity": 5.0}]
    stop = rarely(draw, st.one_of(st.none(), st.just(""), ymd_near(base)), odd_dates(base), 0.05)
    maybe(doc, "stop_date", stop, draw, 0.4)
    if doc.get("mode") == "one_time" or draw(st.integers(0, 8)) == 0:
        camel = draw(st.booleans())
        first = base + draw(st.integers(-30, 30)) * ONE_DAY
        start = rarely(draw, st.just(first.isoformat()), odd_dates(base), 0.05)
        end = rarely(
            draw,
            st.integers(-1, 20).map(lambda n: (first + n * ONE_DAY).isoformat()),
            st.one_of(ymd_near(base, 30), odd_dates(base)),
            0.1,
        )
        maybe(doc, "startDate" if camel else "start_date", start, draw, 0.03)
        maybe(doc, "endDate" if camel else "end_date", end, draw, 0.03)
        maybe(doc, "quantity", quantities(draw, 0.05), draw, 0.2)
    maybe(doc, "shift", draw(st.sampled_from(["morning", "evening", "both"])), draw)
    customer_status = rarely(
        draw,
        st.sampled_from(["active"] * 5 + ["trial"] * 2 + ["paused", "stopped"]),
        st.sampled_from(["Active", "TRIAL", "", "<none>", "<no status>"]),
        0.1,
    )
    customer = (
        None
        if customer_status == "<none>"
        else {"id": "c1"}
        if customer_status == "<no status>"
        else {"id": "c1", "status": customer_status}
    )
    return doc, customer, base


@settings(max_examples=1000, deadline=None)
@given(legacy_documents())
def test_random_legacy_documents_deliver_what_the_old_list_showed(case):
    doc, customer, base = case
    window = list(days(base - 75 * ONE_DAY, base + 75 * ONE_DAY))

    result = check(doc, customer, PRODUCTS, window)

    if isinstance(result, Rejected):
        event("rejected: " + ("crash" if result.crash_date else result.reason.split(" ")[0]))
    else:
        event(f"translated {result.pattern} {result.status}")
        event("delivers in the window" if any(new_rule(result, d) for d in window) else "silent")
