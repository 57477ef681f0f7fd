"""The monthly grid's header, body and foot lines as HTML, built in Python rather than by
template loops: ~36 columns × 50 customers of template tags were most of the page's time
(issue 18: ≤ 3× a trivial view). What repeats is made once per page: the cells of a
product row are one format string (day and week cells in the month's order), each
quantity's text is made once, the URLs are reversed once. Same markup as the template
made; every text value is escaped here (the quantities and amounts are digits we
formatted)."""

from datetime import date
from decimal import Decimal
from functools import lru_cache
from html import escape

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from billing.grid import Column, CustomerRow, ProductRow, month_columns, short_quantity
from billing.grid_totals import GridTotals, page_totals
from earlybird.kept import Kept
from earlybird.templatetags.money import format_inr
from earlybird.units import number_text

SAMPLE_ID = 987654321
DAY_CELL = '<td class="num">{}</td>'
WEEK_CELL = '<td class="num grid-week">{}</td>'


class _Texts(dict):
    """key -> its text, each made once per page (a month repeats a few values). Numbers
    are keyed by their str(): a fresh Decimal's hash costs more than its str()."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, value):
        text = self[value] = self.make(value)
        return text


class _Page:
    """What every row of a page shares."""

    def __init__(self, columns: list[Column]):
        # A product row's cells: one format string, a {} per column.
        self.cells = "".join(WEEK_CELL if c.is_week else DAY_CELL for c in columns)
        self.quantities = _Texts(_short_text).__getitem__
        self.made: dict[tuple[str, ...], str] = {}
        self.amounts = _Texts(format_inr)
        self.numbers = _Texts(number_text)  # a month's quantity: 30, 30.5, 31…
        # Products, units, areas, routes and statuses repeat down the page.
        self.text = _Texts(escape).__getitem__

    def inr(self, amount) -> str:
        return self.amounts[str(amount)]

    def cells_of(self, line: ProductRow) -> str:
        # Lines of the same quantities (a daily subscription) are made once a page.
        key = tuple(map(str, line.cells))
        cells = self.made.get(key)
        if cells is None:
            cells = self.made[key] = self.cells.format(*map(self.quantities, key))
        return cells

    def line(self, line: ProductRow) -> str:
        """A product's name, its day and week cells, quantity and amount."""
        cells = self.cells_of(line)
        text = self.text
        return (
            f'<td class="grid-product">{text(line.product)}'
            f'<span class="muted">{text(line.unit)}</span></td>{cells}'
            f'<td class="num grid-total">{self.numbers[str(line.quantity)]}</td>'
            f'<td class="num">{self.inr(line.amount)}</td>'
        )


def _short_text(text: str) -> str:
    """short_quantity of a cell's str() ("None": an empty cell). A whole number (the
    week and month totals, mostly: "150.000") is its digits before the point."""
    if text == "None":
        return ""
    whole, _, fraction = text.partition(".")
    if whole.isdigit() and not fraction.strip("0"):
        return whole
    return short_quantity(Decimal(text))


def _url_parts(view_name: str) -> tuple[str, str]:
    """A page's URL around its id: reversed once per process (for each URLconf and
    script prefix), not once per row."""
    return _reversed_parts(view_name, get_urlconf(), get_script_prefix())


@lru_cache(maxsize=16)
def _reversed_parts(view_name: str, urlconf, prefix: str) -> tuple[str, str]:
    before, after = reverse(view_name, args=[SAMPLE_ID], urlconf=urlconf).split(str(SAMPLE_ID))
    return escape(before), escape(after)


def _plain_url(view_name: str) -> str:
    """A URL without arguments, escaped: reversed once per process (and URLconf, prefix)."""
    return _reversed_plain(view_name, get_urlconf(), get_script_prefix())


@lru_cache(maxsize=16)
def _reversed_plain(view_name: str, urlconf, prefix: str) -> str:
    return escape(reverse(view_name, urlconf=urlconf))


@lru_cache(maxsize=24)
def head_html(period: date | None) -> SafeString:
    """The day and week <th> of the header row of a month (None: no month), made once
    per process (the days' names are not translated)."""
    out = []
    for column in month_columns(period) if period else []:
        title = escape(column.title)
        if column.is_week:
            out.append(f'<th class="num grid-week" title="{title}" scope="col">{column.label}</th>')
        else:
            out.append(
                f'<th class="num" title="{title}" scope="col">{column.label}'
                f'<span class="grid-wd">{column.weekday}</span></th>'
            )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped  # nosec B308 B703


# Rows' markup kept per process, by the row's key (billing.grid_pivot: everything it
# shows), the language and the URLs' prefix: a view draws only the rows that changed.
_kept = Kept(1024)  # rows' markup, about 2 KB each


def body_html(rows: list[CustomerRow], columns: list[Column], period) -> SafeString:
    """Every <tr> of the body: a customer's products, their account in the last cell."""
    if not rows:
        month = escape(date_format(period, "F Y"))
        return mark_safe(  # noqa: S308 - escaped  # nosec B308 B703
            f'<tr><td colspan="{len(columns) + 5}" class="muted">No customer had a delivery '
            f"or a bill in {month} with these filters.</td></tr>"
        )
    drawing = None
    where = (get_language(), get_urlconf(), get_script_prefix())
    out = []
    for row in rows:
        key = (row.kept_as, *where) if row.kept_as else None
        markup = _kept.get(key) if key else None
        if markup is None:
            drawing = drawing or _Drawing(columns, period)
            markup = drawing.row(row)
            if key:
                _kept.keep(key, markup)
        out.append(markup)
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped  # nosec B308 B703


class _Drawing:
    """What drawing a row of this month takes, made once per page (if a row is drawn)."""

    def __init__(self, columns: list[Column], period):
        self.page = _Page(columns)
        self.ledger = _url_parts("billing:ledger")
        self.bill_page = _url_parts("billing:bill_detail")
        self.paid_title = escape(f"Paid in {date_format(period, 'F')}")
        self.no_delivery = (
            f'<td class="grid-product muted">no delivery</td>'
            f"{self.page.cells.format(*[''] * len(columns))}"
            '<td class="grid-total"></td><td></td>'
        )

    def row(self, row: CustomerRow) -> str:
        page, lines = self.page, row.products
        span = len(lines) or 1
        out = [
            '<tr class="grid-first">',
            _who(row, span, self.ledger, page.text),
            page.line(lines[0]) if lines else self.no_delivery,
            _account(row, span, self.bill_page, self.paid_title, page),
            "</tr>\n",
        ]
        out.extend(f"<tr>{page.line(line)}</tr>\n" for line in lines[1:])
        return "".join(out)


def _who(row: CustomerRow, span: int, ledger: tuple[str, str], text) -> str:
    c = row.customer
    where = escape(c.code)
    if c.area:
        where += f" · {text(c.area)}"
    if c.delivery_boy:
        where += f" · {text(c.delivery_boy)}"
    return (
        f'<th class="grid-who" scope="rowgroup" rowspan="{span}">'
        f'<a href="{ledger[0]}{c.pk}{ledger[1]}">{escape(c.name)}</a> <span class="muted">{where}</span></th>'
    )


def _account(
    row: CustomerRow, span: int, bill_page: tuple[str, str], paid_title: str, page: _Page
) -> str:
    inr = page.inr
    out = [f'<td class="num grid-account" rowspan="{span}">']
    bill = row.bill
    if bill:
        draft = "" if bill.code else '<span class="grid-k">draft</span> '
        out.append(
            f'<a href="{bill_page[0]}{bill.pk}{bill_page[1]}" title="{escape(bill.code or "Draft bill")}">'
            f"{draft}{inr(bill.total)}</a>"
        )
    out.append(
        f'<span class="grid-line" title="{paid_title}"><span class="grid-k">paid</span> '
        f"{inr(row.paid)}</span>"
        '<strong class="grid-line" title="Balance owed today"><span class="grid-k">bal.</span> '
        f"{inr(row.balance)}</strong>"
    )
    wallet = row.wallet
    if wallet is not None:
        out.append(
            '<span class="grid-line grid-wallet" title="Wallet balance (prepaid)">'
            f'<span class="grid-k">wallet</span> {inr(wallet)}</span>'
        )
    out.append(
        f'<span class="badge {page.text(row.payment_status)}">'
        f"{page.text(row.status_label)}</span></td>"
    )
    return "".join(out)


_feet = Kept(256)  # windows' feet


def window_foot(rows: list[CustomerRow], columns: list[Column]) -> tuple[GridTotals, str]:
    """A window's totals (added up from its rows) and its <tfoot>: kept by its rows'
    keys when every row is a kept one (the same rows add up to the same foot)."""
    key = tuple(row.kept_as for row in rows)
    if not all(key):
        key = None
    found = _feet.get(key) if key else None
    if found is None:
        totals = page_totals(rows)
        found = (totals, foot_html(totals, columns, False))
        if key:
            _feet.keep(key, found)
    return found


def foot_html(totals: GridTotals | None, columns: list[Column], month_totals: bool) -> str:
    """The <tfoot> (none without totals): each product's line (each day, week and the
    month), then all products' amount, bills, payments and balance, laid out as the
    template laid them out."""
    if not totals:
        return ""
    inr = format_inr
    count = totals.customers
    who = (
        f'Total<span class="muted">{count} customer{"" if count == 1 else "s"}, '
        f"{'every page' if month_totals else 'this page'}</span>"
    )
    first = "" if totals.products else " grid-first"
    alone = "" if totals.products else f'<th class="grid-who" scope="row">{who}</th>'
    return mark_safe(  # noqa: S308 - every value is escaped or formatted here  # nosec B308 B703
        "\n  <tfoot>\n    "
        f"{_foot_lines(totals, columns, who)}\n"
        f'    <tr class="grid-totals{first}">\n'
        f"      {alone}\n"
        f'      <th class="grid-product" scope="row" colspan="{len(columns) + 2}">All products</th>\n'
        f'      <td class="num" id="grid-total-amount">{inr(totals.delivered_amount)}</td>\n'
        '      <td class="num grid-account">\n'
        '        <span class="grid-line" id="grid-total-billed"><span class="grid-k">bills</span> '
        f"{inr(totals.billed)}</span>\n"
        '        <span class="grid-line" id="grid-total-paid"><span class="grid-k">paid</span> '
        f"{inr(totals.paid)}</span>\n"
        '        <strong class="grid-line" id="grid-total-balance"><span class="grid-k">bal.</span> '
        f"{inr(totals.balance)}</strong>\n"
        "      </td>\n"
        "    </tr>\n"
        "  </tfoot>\n  "
    )


def _foot_lines(totals: GridTotals, columns: list[Column], who: str) -> str:
    """The foot's product lines, the first headed by the count of customers."""
    page = _Page(columns)
    out = []
    for n, line in enumerate(totals.products):
        first = (
            f'<th class="grid-who" scope="rowgroup" rowspan="{len(totals.products) + 1}">{who}</th>'
            if n == 0
            else ""
        )
        out.append(
            f'\n    <tr class="grid-totals{" grid-first" if n == 0 else ""}">\n'
            f"      {first}\n"
            f'      <th class="grid-product" scope="row">{page.text(line.product)}'
            f'<span class="muted">{page.text(line.unit)}</span></th>\n'
            f"      {page.cells_of(line)}\n"
            f'      <td class="num grid-total">{number_text(line.quantity)}</td>\n'
            f'      <td class="num">{page.inr(line.amount)}</td>\n'
            "      <td></td>\n"
            "    </tr>\n    "
        )
    return "".join(out)


def actions_html(
    page, query: str, query_without_totals: str, month_totals: bool, product_name: str | None
) -> SafeString:
    """The line above the grid: how many customers, the link between this page's totals
    and every page's, the exports; `product_name` when one product is chosen. The
    queries: the page's without its page number (and without its totals)."""
    count = page.paginator.count
    on_page = f", {len(page.object_list)} on this page" if page.has_other_pages() else ""
    at_page = f"&amp;page={page.number}" if page.number > 1 else ""
    if month_totals:
        totals = f'<a href="?{escape(query_without_totals)}{at_page}">Totals of this page</a>'
    else:
        joined = f"{escape(query)}&amp;" if query else ""
        totals = f'<a href="?{joined}totals=month{at_page}">Totals of every page</a>'
    only = (
        f'<span class="muted">· {escape(product_name)} only; the bill, paid and balance are'
        " the whole account.</span>"
        if product_name is not None
        else ""
    )
    csv, xlsx = _plain_url("billing:grid_csv"), _plain_url("billing:grid_xlsx")
    return mark_safe(  # noqa: S308 - every value is escaped  # nosec B308 B703
        '<p class="grid-actions no-print">\n'
        f"  <strong>{count}</strong> customer{'' if count == 1 else 's'}{on_page} ·\n"
        f"  {totals} ·\n"
        "  Export the whole month, with its totals:\n"
        f'  <a class="button" href="{csv}?{escape(query)}">CSV</a>\n'
        f'  <a class="button" href="{xlsx}?{escape(query)}">Excel (.xlsx)</a>\n'
        f"  {only}\n"
        "</p>"
    )
