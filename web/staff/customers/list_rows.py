"""The rows of the staff customer list as HTML, built in Python rather than by a template
loop: at 50 rows the template engine (a dozen lookups and filters per row, a URL
reversal each) took several times the page's budget (issue 18: ≤ 3× a trivial view).
Every value is escaped here."""

from functools import lru_cache
from html import escape

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe

from billing.models import BillingMode
from customers.models import Customer
from earlybird.templatetags.money import format_inr
from web.staff.customers.selectors import ListRow

STATUS_LABELS = dict(Customer.Status.choices)
NONE = '<span class="muted">—</span>'


SAMPLE_ID = 987654321


def detail_url_parts() -> tuple[str, str]:
    """The customer page's URL around its id (reversed once per process and URLconf, not
    once per row)."""
    return _url_parts(get_urlconf(), get_script_prefix())


@lru_cache(maxsize=16)
def _url_parts(urlconf, prefix: str) -> tuple[str, str]:
    url = reverse("customers:detail", args=[SAMPLE_ID], urlconf=urlconf)
    before, after = url.split(str(SAMPLE_ID))
    return escape(before), escape(after)


def rows_html(customers: list[ListRow]) -> SafeString:
    """The <tr> of each customer (with add_money's balance, billing mode and wallet)."""
    url = detail_url_parts()
    out = [_row(customer, url) for customer in customers]
    if not out:
        out.append('<tr><td colspan="8" class="muted">No customers match.</td></tr>')
    return mark_safe("\n".join(out))  # noqa: S308 - every value is escaped  # nosec B308 B703


# Rows kept per process: a few pages of customers (about 400 bytes each).
ROWS_KEPT = 4096


@lru_cache(maxsize=ROWS_KEPT)
def _row(c: ListRow, url: tuple[str, str]) -> str:
    """A customer's <tr>, made once per process for each set of values it shows (the row
    is the key: a customer whose balance or name changed gets a new one)."""
    route = (
        f'{escape(c.route)} <span class="muted">#{c.position}</span>'
        if c.route is not None
        else '<span class="muted">none</span>'
    )
    wallet = c.wallet_balance
    if c.billing_mode == BillingMode.Mode.PREPAID:
        wallet_cell = format_inr(wallet)
    elif wallet:
        wallet_cell = f'<span class="muted">{format_inr(wallet)}</span>'
    else:
        wallet_cell = NONE
    return (
        f'<tr><td><a href="{url[0]}{c.pk}{url[1]}">{escape(c.name)}</a> '
        f'<span class="muted">{escape(c.code)}</span></td>'
        f"<td>{escape(c.phone)}</td>"
        f"<td>{escape(STATUS_LABELS.get(c.status, c.status))}</td>"
        f"<td>{escape(c.area) if c.area else '—'}</td><td>{route}</td>"
        f"<td>{escape(c.marketer) if c.marketer else '—'}</td>"
        f'<td class="num">{format_inr(c.balance)}</td>'
        f'<td class="num">{wallet_cell}</td></tr>'
    )
