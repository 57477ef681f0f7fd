"""Filling a message template: `{placeholder}` text, values from the business event.

Values are made safe before they go in: control characters, newlines, tabs and runs of
spaces become one space (WhatsApp refuses all of those in a template parameter), and each
is capped in length. A value is put in as it is and never read as template syntax: a
customer called "{name}" or "{{ x }}" stays exactly that. Pages show messages escaped.

Values may be a str, a Decimal (money: ₹1,23,456.50), a date (18/11/2026) or a callable
taking the language ("te") for words that change with it (month names, shifts).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from earlybird.templatetags.money import format_inr

VALUE_MAX = 300  # characters of one value; a UPI link fits
LONG_VALUE_MAX = {"items": 900, "text": 900}  # a delivery's items, an alert's text
EMPTY_PARAM = "-"  # providers refuse an empty template parameter

# Control and format characters (bidi overrides, zero-width space, line separators), but
# not ZWNJ/ZWJ (U+200C/D), which Telugu and Hindi spelling needs.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")


def clean_value(value: str, *, limit: int = VALUE_MAX) -> str:
    """One line, single spaces, at most `limit` characters (cut with an ellipsis)."""
    text = _SPACES.sub(" ", _UNSAFE.sub(" ", value)).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def as_text(value, language: str) -> str:
    if callable(value):
        value = value(language)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_inr(value)
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def placeholders_of(text: str, *, strict: bool = False) -> list[str]:
    """The {names} a text uses, in the order they first appear. strict: a ValueError for
    what str.format cannot read (a lone brace) or a field that is not a plain name."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError:
        if strict:
            raise
        fields = re.findall(r"\{(\w+)\}", text)
    names: list[str] = []
    for name in fields:
        if strict and not name.isidentifier():
            raise ValueError(f"{{{name}}} is not a placeholder name")
        if name not in names:
            names.append(name)
    return names


class _KeepUnknown(dict):
    """For str.format_map: an unknown {placeholder} stays as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def format_message(text: str, values: Mapping[str, str]) -> str:
    """`text` with its {placeholders} filled from `values`; unknown ones left as they are.

    Never raises: a template that str.format cannot read (a lone brace, {name!x}) or that
    reaches past a value ({0}, {name.attr}, {name[0]}) falls back to replacing the known
    {placeholders} one by one. Either way a value is inserted, never parsed again.
    """
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        if all(name.isidentifier() for name in names):  # no {0}, {a.b} or {a[0]}
            return text.format_map(_KeepUnknown(values))
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        pass
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m[1], m[0])), text)


def render(text: str, values: Mapping[str, str]) -> str:
    """The message: lines holding a placeholder whose value is empty are left out (no UPI
    link, no reason), the rest filled in."""
    empty = {name for name, value in values.items() if not value}
    if empty:
        text = "\n".join(
            line for line in text.splitlines() if not set(placeholders_of(line)) & empty
        )
    return format_message(text, values).strip()


@dataclass(frozen=True)
class Filled:
    text: str
    params: list[str]  # the values of the text's placeholders in order, for provider templates


def fill(text: str, context: Mapping[str, object], language: str) -> Filled:
    """Render `text` in `language` with the context's values, made safe."""
    values = {
        name: clean_value(as_text(value, language), limit=LONG_VALUE_MAX.get(name, VALUE_MAX))
        for name, value in context.items()
    }
    params = [values.get(name) or EMPTY_PARAM for name in placeholders_of(text)]
    return Filled(render(text, values), params)


# --- words that change with the language ---------------------------------------------

MONTHS = {
    "te": (
        "జనవరి",
        "ఫిబ్రవరి",
        "మార్చి",
        "ఏప్రిల్",
        "మే",
        "జూన్",
        "జులై",
        "ఆగస్టు",
        "సెప్టెంబరు",
        "అక్టోబరు",
        "నవంబరు",
        "డిసెంబరు",
    ),
    "hi": (
        "जनवरी",
        "फ़रवरी",
        "मार्च",
        "अप्रैल",
        "मई",
        "जून",
        "जुलाई",
        "अगस्त",
        "सितंबर",
        "अक्टूबर",
        "नवंबर",
        "दिसंबर",
    ),
}

WORDS: dict[str, dict[str, str]] = {
    # shifts
    "morning": {"en": "morning", "te": "ఉదయం", "hi": "सुबह"},
    "evening": {"en": "evening", "te": "సాయంత్రం", "hi": "शाम"},
    # how a delivery went
    "delivered": {"en": "delivered", "te": "అందజేశాం", "hi": "पहुँचा दी गई"},
    "partial": {"en": "partly delivered", "te": "కొంత భాగం అందజేశాం", "hi": "आंशिक रूप से पहुँचाई गई"},
    "not_delivered": {"en": "not delivered", "te": "అందజేయలేదు", "hi": "नहीं पहुँचाई गई"},
    # why not
    "customer_away": {"en": "you were away", "te": "మీరు ఇంట్లో లేరు", "hi": "आप घर पर नहीं थे"},
    "refused": {"en": "refused", "te": "తీసుకోలేదు", "hi": "लेने से मना किया"},
    "out_of_stock": {"en": "out of stock", "te": "స్టాక్ లేదు", "hi": "स्टॉक में नहीं था"},
    "address_locked": {"en": "door locked", "te": "ఇంటికి తాళం వేసి ఉంది", "hi": "घर पर ताला लगा था"},
    "other": {"en": "another reason", "te": "ఇతర కారణం", "hi": "अन्य कारण"},
    # payments
    "cash": {"en": "cash", "te": "నగదు", "hi": "नकद"},
    "upi": {"en": "UPI", "te": "UPI", "hi": "UPI"},
    "bank": {"en": "bank transfer", "te": "బ్యాంక్ బదిలీ", "hi": "बैंक ट्रांसफ़र"},
    "cheque": {"en": "cheque", "te": "చెక్కు", "hi": "चेक"},
    "in_advance": {"en": "paid in advance", "te": "ముందుగా చెల్లించారు", "hi": "अग्रिम जमा"},
    # pauses
    "until_resumed": {
        "en": "until you resume",
        "te": "మీరు మళ్ళీ ప్రారంభించే వరకు",
        "hi": "जब तक आप फिर से शुरू न करें",
    },
}


def word(key: str, language: str) -> str:
    """A word in the language (English when it has none; the key when unknown)."""
    words = WORDS.get(key, {})
    return words.get(language) or words.get("en") or key


def month_name(period: date, language: str) -> str:
    if language in MONTHS:
        return f"{MONTHS[language][period.month - 1]} {period.year}"
    return f"{period:%B %Y}"


def localised(key: str) -> Callable[[str], str]:
    """A context value: the word `key` in whichever language the message is written."""
    return lambda language: word(key, language)
