"""Human codes: CU-20260127-0001, BI-202601-0012.

Each (prefix, day) has a counter row; taking codes bumps it with one
INSERT ... ON CONFLICT DO UPDATE ... RETURNING, which locks the row until the
caller's transaction ends. So codes are never duplicated, and a rolled-back
transaction gives its numbers back: no gaps among committed rows.
"""

from datetime import date

from django.db import connection, transaction

DAILY_PREFIXES = {"CU", "SU", "OR", "DL", "PA", "AD", "DB"}
PERIOD_PREFIXES = {"BI"}


def _key(prefix: str, on: date) -> str:
    if prefix in PERIOD_PREFIXES:
        return on.strftime("%Y%m")
    if prefix in DAILY_PREFIXES:
        return on.strftime("%Y%m%d")
    raise ValueError(f"Unknown code prefix {prefix!r}")


def reserve_codes(prefix: str, *, on: date, count: int) -> list[str]:
    """Take `count` consecutive codes; must run inside the caller's transaction."""
    if count <= 0:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Codes must be taken inside the transaction that uses them.")
    key = _key(prefix, on)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO earlybird_codecounter (prefix, key, last_value) VALUES (%s, %s, %s)
            ON CONFLICT (prefix, key)
            DO UPDATE SET last_value = earlybird_codecounter.last_value + EXCLUDED.last_value
            RETURNING last_value
            """,
            [prefix, key, count],
        )
        last = cursor.fetchone()[0]
    width = 4
    return [f"{prefix}-{key}-{n:0{width}d}" for n in range(last - count + 1, last + 1)]


def next_code(prefix: str, *, on: date) -> str:
    return reserve_codes(prefix, on=on, count=1)[0]
