"""Formats for en-IN (Django date format syntax for *_FORMAT, strftime for *_INPUT_FORMATS).

Shown: "29 Nov 2026", "29 Nov 2026, 4:22 AM", "29/11/2026". Typed: 29/11/2026, 29-11-2026
or 2026-11-29. ISO stays first among the input formats because a form's date input
renders its value with the first one, and an <input type="date"> takes only ISO.
"""

DATE_FORMAT = "j M Y"  # 29 Nov 2026
TIME_FORMAT = "g:i A"  # 4:22 AM
DATETIME_FORMAT = "j M Y, g:i A"  # 29 Nov 2026, 4:22 AM
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j F"  # 29 November
SHORT_DATE_FORMAT = "d/m/Y"  # 29/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y g:i A"  # 29/11/2026 4:22 AM
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-11-29 (what <input type="date"> sends)
    "%d/%m/%Y",  # 29/11/2026
    "%d-%m-%Y",  # 29-11-2026
    "%d.%m.%Y",  # 29.11.2026
    "%d/%m/%y",  # 29/11/26
]
TIME_INPUT_FORMATS = [
    "%H:%M:%S",  # 16:22:59
    "%H:%M",  # 16:22
    "%I:%M %p",  # 4:22 PM
    "%I:%M%p",  # 4:22PM
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # 2026-11-29 16:22:59
    "%Y-%m-%d %H:%M",  # 2026-11-29 16:22
    "%d/%m/%Y %H:%M:%S",  # 29/11/2026 16:22:59
    "%d/%m/%Y %H:%M",  # 29/11/2026 16:22
    "%d/%m/%Y %I:%M %p",  # 29/11/2026 4:22 PM
    "%d-%m-%Y %H:%M",  # 29-11-2026 16:22
    "%d/%m/%y %H:%M",  # 29/11/26 16:22
]

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
# Lakhs and crores where a number is grouped (intcomma, USE_THOUSAND_SEPARATOR): 12,34,567.
NUMBER_GROUPING = (3, 2, 0)
