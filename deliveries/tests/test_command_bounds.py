"""The delivery commands take their days within the project's bounds (earlybird.bounds): a
bad value is a CommandError that names the option and the value, and nothing is written."""

import pytest
from django.core.management import CommandError, call_command

from deliveries.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1999-12-31", "2026-02-30", "soon"])
@pytest.mark.parametrize("command", ["generate_deliveries", "procurement"])
def test_a_day_out_of_bounds_names_the_option_and_the_value(command, value):
    with pytest.raises(CommandError, match=f"^--date {value}: "):
        call_command(command, "--date", value)
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(
    ("start", "days"), [("2026-11-19", "0"), ("2026-11-19", "100000"), ("2099-12-30", "3")]
)
def test_days_past_the_bounds_are_refused_before_anything_is_generated(start, days):
    with pytest.raises(CommandError, match=f"^--days {days}: "):
        call_command("generate_deliveries", "--date", start, "--days", days)
    assert not Delivery.objects.exists()
