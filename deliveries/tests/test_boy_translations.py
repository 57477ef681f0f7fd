"""The route page's stops are built in Python (deliveries/views/boy_stop.py), so the
template walk of earlybird/tests/test_translations.py cannot see their words: every label
they show, and every choice label on the phone pages, must have a Telugu and a Hindi
translation too."""

import pytest
from django.utils import translation

from deliveries.models import Delivery, Hold
from deliveries.views.boy import shift_labels, stop_labels
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
    return [
        *stop_labels().values(),
        *(shift_labels(shift)["switch_label"] for shift in Order.Shift.values),
        *(str(label) for _, label in choices),
    ]


@pytest.mark.parametrize("language", ["te", "hi"])
def test_every_word_of_a_stop_is_translated(language):
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
