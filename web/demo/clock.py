"""The demo's clock. Its history is written through the real services, and some of them
stamp rows with "now" and nothing else: a bill's issue (its due date, its place in the
ledger), a customer's "Customer since", a payment's entry. `story_time(moment)` runs a
block as if it were that moment, so those read as they would have; dates the services
take as arguments (a delivery's day, a payment's date) are passed as such instead.

Only Django's clock moves (timezone.now and localdate); PostgreSQL's now() does not, so
set-based statements still stamp their own rows with the real time. Never later than
the real now: the demo writes nothing in the future.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from unittest import mock

from django.utils import timezone


def moment(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """That day at that time in India (the current time zone)."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute, second)))


@contextmanager
def story_time(at: datetime) -> Iterator[datetime]:
    """Run the block as if it were `at` (or now, if `at` is still to come)."""
    at = min(at, timezone.now())
    with mock.patch.object(timezone, "now", return_value=at):
        yield at
