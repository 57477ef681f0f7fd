"""Schedule edits that are refused, and the customers' cut-off (what they do to the
deliveries already generated: deliveries/tests/test_schedule_edits.py)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from orders.services import check_customer_cutoff, pause_order, set_day_override
from orders.tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def test_overlapping_pauses_are_refused_with_the_reason():
    order = SubscriptionFactory(start_date=DAY)
    pause_order(order=order, start_date=DAY)  # open-ended
    with pytest.raises(ValidationError, match="overlaps"):
        pause_order(
            order=order,
            start_date=DAY + dt.timedelta(days=10),
            end_date=DAY + dt.timedelta(days=12),
        )
    assert order.pauses.count() == 1


def test_an_override_outside_the_orders_dates_is_refused():
    order = SubscriptionFactory(start_date=DAY)
    with pytest.raises(ValidationError, match="outside"):
        set_day_override(line=order.lines.get(), day=DAY - dt.timedelta(days=1), quantity=1)


@override_settings(CUSTOMER_CHANGE_CUTOFF=dt.time(21, 0))
def test_customers_may_change_a_day_until_21_00_the_evening_before():
    day = dt.date(2026, 3, 10)
    before = timezone.make_aware(dt.datetime(2026, 3, 9, 20, 59))
    after = timezone.make_aware(dt.datetime(2026, 3, 9, 21, 0))
    check_customer_cutoff(day=day, now=before)
    with pytest.raises(ValidationError, match="closed at 21:00 on 09 Mar"):
        check_customer_cutoff(day=day, now=after)
