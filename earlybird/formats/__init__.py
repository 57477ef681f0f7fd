"""Indian date and number formats (settings.FORMAT_MODULE_PATH) and the same styles for
dates written into messages from Python.

Django looks for `<path>.<locale>.formats`: `en_IN` is the project's language (en-in) and
`en` the fallback Django tries next, so both give the Indian formats, the admin included.
"""

from datetime import date, datetime

from django.utils import dateformat, timezone, translation

# "Tue 1 Dec 2026": a day in a message (the template filter date:"D j M Y").
DAY_FORMAT = "D j M Y"
# "Tue 1 Dec": a day in a message about the coming days, where the year goes without saying.
SHORT_DAY_FORMAT = "D j M"


def day_text(day: date | datetime | None, *, year: bool = True) -> str:
    """A date as messages write it: "Tue 1 Dec 2026" (or "Tue 1 Dec" without the year).
    A datetime is shown on its Indian day; anything else (None on a half-filled admin
    form) as it is, never an error."""
    if not isinstance(day, date):
        return "" if day is None else str(day)
    if isinstance(day, datetime) and timezone.is_aware(day):
        day = timezone.localtime(day)
    # Messages carry their own language (their template's): a date written while a
    # Telugu or Hindi page is open must not come out in that page's language.
    with translation.override(None):
        return dateformat.format(day, DAY_FORMAT if year else SHORT_DAY_FORMAT)
