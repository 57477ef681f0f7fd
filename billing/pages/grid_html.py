"""The monthly grid's header and body as HTML, built in Python rather than by template
loops: ~36 columns × 50 customers of template tags were most of the page's time (issue
18: ≤ 3× a trivial view); f-strings take a fraction of it. Same markup as before; every
text value is escaped here (the quantities and amounts are digits we formatted)."""

from html import escape

from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe

from billing.grid import Column, CustomerRow, ProductRow, short_quantity
from earlybird.templatetags.money import format_inr
from earlybird.units import number_text

SAMPLE_ID = 987654321


def _url_parts(view_name: str) -> tuple[str, str]:
    """A page's URL around its id: one reversal per page, not one per row."""
    before, after = reverse(view_name, args=[SAMPLE_ID]).split(str(SAMPLE_ID))
    return escape(before), escape(after)


def head_html(columns: list[Column]) -> SafeString:
    """The day and week <th> of the header row."""
    out = []
    for column in columns:
        title = escape(column.title)
        if column.is_week:
            out.append(f'<th class="num grid-week" title="{title}" scope="col">{column.label}</th>')
        else:
            out.append(
                f'<th class="num" title="{title}" scope="col">{column.label}'
                f'<span class="grid-wd">{column.weekday}</span></th>'
            )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped  # nosec B308 B703


def cells_html(line: ProductRow, texts: dict) -> str:
    """A product row's day and week cells (short quantities: digits and ¼ ½ ¾); `texts`
    remembers each quantity's text over the page (a month repeats a few values)."""
    out = []
    for value, week in zip(line.cells, line.weeks, strict=True):
        text = texts.get(value)
        if text is None:
            text = texts[value] = short_quantity(value)
        out.append(
            f'<td class="num grid-week">{text}</td>' if week else f'<td class="num">{text}</td>'
        )
    return "".join(out)


def body_html(rows: list[CustomerRow], columns: list[Column], period) -> SafeString:
    """Every <tr> of the body: a customer's products, their account in the last cell."""
    if not rows:
        month = escape(date_format(period, "F Y"))
        return mark_safe(  # noqa: S308 - escaped  # nosec B308 B703
            f'<tr><td colspan="{len(columns) + 5}" class="muted">No customer had a delivery '
            f"or a bill in {month} with these filters.</td></tr>"
        )
    ledger, bill_page = _url_parts("billing:ledger"), _url_parts("billing:bill_detail")
    paid_title = escape(f"Paid in {date_format(period, 'F')}")
    empty = "".join(
        '<td class="num grid-week"></td>' if c.is_week else '<td class="num"></td>' for c in columns
    )
    out, texts = [], {}
    for row in rows:
        lines = row.lines
        span = len(lines)
        for n, line in enumerate(lines):
            if n == 0:
                out.append('<tr class="grid-first">')
                out.append(_who(row, span, ledger))
            else:
                out.append("<tr>")
            if line is None:
                out.append(
                    f'<td class="grid-product muted">no delivery</td>{empty}'
                    '<td class="grid-total"></td><td></td>'
                )
            else:
                out.append(
                    f'<td class="grid-product">{escape(line.product)}'
                    f'<span class="muted">{escape(line.unit)}</span></td>'
                    f"{cells_html(line, texts)}"
                    f'<td class="num grid-total">{number_text(line.quantity)}</td>'
                    f'<td class="num">{format_inr(line.amount)}</td>'
                )
            if n == 0:
                out.append(_account(row, span, bill_page, paid_title))
            out.append("</tr>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped  # nosec B308 B703


def _who(row: CustomerRow, span: int, ledger: tuple[str, str]) -> str:
    c = row.customer
    where = escape(c.code)
    if c.area:
        where += f" · {escape(c.area)}"
    if row.delivery_boy:
        where += f" · {escape(row.delivery_boy)}"
    return (
        f'<th class="grid-who" scope="rowgroup" rowspan="{span}">'
        f'<a href="{ledger[0]}{c.pk}{ledger[1]}">{escape(c.name)}</a> <span class="muted">{where}</span></th>'
    )


def _account(row: CustomerRow, span: int, bill_page: tuple[str, str], paid_title: str) -> str:
    out = [f'<td class="num grid-account" rowspan="{span}">']
    bill = row.bill
    if bill:
        draft = "" if bill.code else '<span class="grid-k">draft</span> '
        out.append(
            f'<a href="{bill_page[0]}{bill.pk}{bill_page[1]}" title="{escape(bill.code or "Draft bill")}">'
            f"{draft}{format_inr(bill.total)}</a>"
        )
    out.append(
        f'<span class="grid-line" title="{paid_title}"><span class="grid-k">paid</span> '
        f"{format_inr(row.paid)}</span>"
        '<strong class="grid-line" title="Balance owed today"><span class="grid-k">bal.</span> '
        f"{format_inr(row.balance)}</strong>"
    )
    wallet = row.wallet
    if wallet is not None:
        out.append(
            '<span class="grid-line grid-wallet" title="Wallet balance (prepaid)">'
            f'<span class="grid-k">wallet</span> {format_inr(wallet)}</span>'
        )
    out.append(
        f'<span class="badge {escape(row.payment_status)}">{escape(row.status_label)}</span></td>'
    )
    return "".join(out)
