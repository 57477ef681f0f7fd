"""A bill as a PDF, drawn by WeasyPrint from the template of the printable bill page.

    bill_pdf(bill) -> bytes              the staff and /me/ downloads, and the WhatsApp
    bill_attachment(bill_id)             document (registered as messaging's "bill_pdf")

The page and the PDF both include templates/billing/_bill.html with bill_context(): one
template, so the PDF never says something the page does not. A draft or void bill is
stamped DRAFT/VOID; who may get which bill is the views' business (staff: any, a customer:
their own issued ones).

Drawing never reaches the network: the QR code is inline SVG, the stylesheets are our
static files, and the URL fetcher serves those from disk and refuses every other URL
(http, https, file, ...), so neither a template change nor a customer's text can make
a bill fetch anything. WeasyPrint is imported on the first PDF, not at start-up: it takes
~0.4 s to import and needs Pango (`make system-packages`), which only PDFs need.
"""

from __future__ import annotations

import functools
import logging
import mimetypes
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static

from billing import selectors
from billing.models import Bill
from deliveries.selectors_bottles import bottle_balances
from earlybird.context_processors import business
from earlybird.months import month_after

PDF = "application/pdf"
# The print page's own rules (app.css, @media print), then the PDF's page and fonts.
STYLESHEETS = ("css/app.css", "css/bill-pdf.css")
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
# Relative URLs in the bill resolve against this origin, which never resolves (.invalid);
# the fetcher maps its static paths to files on disk.
BASE_URL = "https://earlybird.invalid/"


class RefusedURL(ValueError):
    """WeasyPrint asked for something that is not one of our static files."""


def bill_context(detail: selectors.BillDetail) -> dict:
    """What templates/billing/_bill.html shows, for the page and the PDF alike."""
    return {
        **business(None),
        "detail": detail,
        "bill": detail.bill,
        "statement": detail.statement,
        "share": selectors.bill_share(statement=detail.statement),
        "labels": selectors.PaymentStatus.LABELS,
        "weekdays": WEEKDAYS,
        "bottles": _bottles_at_month_end(detail.bill),
    }


def _bottles_at_month_end(bill: Bill) -> int:
    """Returnable bottles or crates the customer had at the end of the bill's month."""
    last_day = month_after(bill.period) - timedelta(days=1)
    return bottle_balances(customer_ids=[bill.customer_id], on=last_day)[bill.customer_id]


def bill_pdf(bill: Bill | int) -> bytes:
    """The bill as PDF bytes. Bill.DoesNotExist for an unknown id."""
    detail = selectors.bill_detail(bill_id=bill.pk if isinstance(bill, Bill) else bill)
    html = render_to_string("billing/bill_pdf.html", bill_context(detail))
    return render_pdf(html, stylesheets=STYLESHEETS)


def pdf_filename(bill: Bill) -> str:
    """BI-202601-0042.pdf; a draft has no code yet: draft-CU-0007-2026-01.pdf."""
    if bill.code:
        return f"{bill.code}.pdf"
    return f"draft-{bill.customer.code}-{bill.period:%Y-%m}.pdf"


def bill_attachment(bill_id: int) -> tuple[str, bytes, str]:
    """messaging's attachment maker "bill_pdf": (file name, PDF bytes, MIME type)."""
    bill = Bill.objects.select_related("customer").get(pk=bill_id)
    return pdf_filename(bill), bill_pdf(bill), PDF


def pdf_download(bill: Bill) -> HttpResponse:
    """The bill's PDF as a download (the staff bill page's and /me/'s "Download PDF")."""
    response = HttpResponse(bill_pdf(bill), content_type=PDF)
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(bill)}"'
    response["Cache-Control"] = "private, no-store"  # a customer's money, not for caches
    return response


# --- drawing, with no network ------------------------------------------------------------


def render_pdf(html: str, *, stylesheets: tuple[str, ...] = ()) -> bytes:
    """`html` drawn as a PDF with our static `stylesheets` (names, as for {% static %});
    relative URLs resolve against BASE_URL."""
    from weasyprint import HTML

    fetcher = static_files_fetcher()
    return HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(
        stylesheets=[_stylesheet(name) for name in stylesheets]
    )


def _stylesheet(name: str):
    url = urljoin(BASE_URL, static(name))
    path = static_file(url)
    if path is None:
        raise FileNotFoundError(f"No static file {name}.")
    return _parsed_stylesheet(url, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _parsed_stylesheet(url: str, mtime_ns: int):
    """Parsed once per process (and again when the file changes): app.css is written for
    browsers too, and WeasyPrint warns about every screen-only rule it skips (media
    queries, sticky headers) each time it parses it; those warnings are muted here."""
    from weasyprint import CSS

    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        return CSS(url=url, url_fetcher=static_files_fetcher())
    finally:
        logger.setLevel(level)


def static_file(url: str) -> Path | None:
    """The file on disk behind one of our static URLs (under BASE_URL), or None."""
    prefix = urljoin(BASE_URL, settings.STATIC_URL)
    if not url.startswith(prefix):
        return None
    name = unquote(urlsplit(url).path[len(urlsplit(prefix).path) :])
    try:
        # The app's own copy first; collected (hashed, production) names after.
        found = finders.find(name)
        if not found and staticfiles_storage.exists(name):
            found = staticfiles_storage.path(name)
    except SuspiciousFileOperation:  # ../ out of the static folders
        return None
    return Path(found) if found else None


def static_files_fetcher():
    """A WeasyPrint URL fetcher that serves our static files and data: URIs (decoded in
    memory) and raises RefusedURL for anything else; WeasyPrint then draws without it."""
    return _fetcher_class()(allowed_protocols={"data"}, allow_redirects=False)


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)  # only "data" is allowed through
            path = static_file(url)
            if path is None:
                raise RefusedURL(f"Not fetched (only our static files are): {url}")
            mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type})

    return StaticFilesOnly
