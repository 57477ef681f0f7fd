"""The phone pages show the models' choice labels (a delivery's status and reason, a
hold, a shift), which neither walk of earlybird/tests/test_translations.py (templates,
gettext calls) sees: each must have a Telugu and a Hindi translation too."""

import pytest
from django.utils import translation

from deliveries.models import Delivery, Hold
from orders.models import Order

# The same in every language (a brand, an abbreviation).
SAME_EVERYWHERE = {"UPI"}


def words() -> list[str]:
    choices = [
        *Delivery.Status.choices,
        *Delivery.Reason.choices,
        *Hold.Reason.choices,
        *Order.Shift.choices,
    ]
    return [str(label) for _, label in choices]


@pytest.mark.parametrize("language", ["te", "hi"])
def test_every_choice_label_on_a_stop_is_translated(language):
    with translation.override(None):
        english = words()
    with translation.override(language):
        translated = words()

    untranslated = [
        word
        for word, there in zip(english, translated, strict=True)
        if word == there and word not in SAME_EVERYWHERE
    ]
    assert untranslated == []
