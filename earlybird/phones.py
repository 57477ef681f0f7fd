"""Indian mobile numbers, stored as ten digits: '+91 98480-22338' -> '9848022338'."""

import re

PHONE_PATTERN = r"^[6-9][0-9]{9}$"


class InvalidPhone(ValueError):
    pass


def normalise_phone(raw: str) -> str:
    digits = re.sub(r"\D", "", raw or "")
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    if not re.match(PHONE_PATTERN, digits):
        raise InvalidPhone(f"“{raw}” is not a 10-digit Indian mobile number.")
    return digits
