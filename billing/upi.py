"""The UPI payment link and its QR code: the one place that builds them.

    upi://pay?pa=<settings.BUSINESS_UPI_ID>&pn=<settings.BUSINESS_NAME>&am=<amount, 2 places>
             &cu=INR&tn=<note: the bill code>

Every value is percent-encoded (spaces as %20, not +: UPI apps read it that way). No link
when no UPI id is configured or nothing is due. The QR code is drawn here (segno) as SVG
markup for the page itself: no request to anyone else, and no `style` attribute the
Content-Security-Policy would block (segno writes presentation attributes only).
"""

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

NOTE_MAX = 80  # UPI apps cut the transaction note short anyway


def upi_link(*, amount: Decimal | None, note: str) -> str | None:
    """upi://pay?… asking for `amount` with `note` (a bill code), or None when no UPI id is
    set (settings.BUSINESS_UPI_ID) or nothing is due."""
    upi_id = getattr(settings, "BUSINESS_UPI_ID", "")
    if not upi_id or amount is None:
        return None
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount <= 0:
        return None
    params = {
        "pa": upi_id,
        "pn": getattr(settings, "BUSINESS_NAME", ""),
        "am": f"{amount}",
        "cu": "INR",
        "tn": note[:NOTE_MAX],
    }
    return "upi://pay?" + urlencode(params, quote_via=quote)


def qr_svg(data: str, *, title: str = "") -> SafeString:
    """`data` as a QR code: inline SVG markup (class "upi-qr"; sized by app.css)."""
    code = segno.make(data, error="m")
    svg = code.svg_inline(scale=4, svgclass="upi-qr", lineclass=None, omitsize=True, title=title)
    # segno writes the markup itself and escapes the title.
    return mark_safe(svg)  # noqa: S308  # nosec
