"""The home page's deliveries as HTML, the day-by-day agenda and the month grid, built in
Python rather than by template loops: ~60 days of items were ~3,500 template lookups and
most of the page's time (issue 18). Same markup as the templates made, in every
language: the labels are translated once per page, each day's total and notes made once,
each amount, quantity and date text once. Every value is escaped here; the labels are
our catalogs' text, put in as the templates put them (unescaped)."""

from __future__ import annotations

from datetime import date
from html import escape

from django.utils.dates import MONTHS, MONTHS_3, WEEKDAYS_ABBR
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from earlybird.templatetags.money import format_inr
from earlybird.units import number_text, quantity_text
from web.portal.agenda import CalendarDay, CalendarItem, DeliveryCalendar

_PARTIAL = "partial"


class _Texts(dict):
    """key -> its text, made once per page."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        text = self[key] = self.make(*key) if isinstance(key, tuple) else self.make(key)
        return text


class _Page:
    """What the days of one page share: the labels in the page's language, and the texts
    of amounts, quantities and dates, each made once."""

    def __init__(self):
        self.of = _("%(delivered)s of %(quantity)s")
        self.extra = _("%(extra)s extra")
        self.evening = _("evening")
        self.today = _("Today")
        self.no_delivery = _("No delivery")
        self.day_by_day = _("Day by day")
        self.earlier = _("Earlier this month")
        self.eve_title = _("Evening")
        self.eve = pgettext("short for evening", "eve")
        self.paused = _("Paused")
        self.skipped = _("Skipped")
        self.legend = _(
            "✓ delivered · ½ partly delivered · ✗ not delivered · … on its way · "
            "eve = evening · +1 = extra"
        )
        # The month grid's mark after an item of each status. Literal calls, here and
        # below, so that makemessages and the translations test find every label.
        marks = (
            ("delivered", _("Delivered"), "✓"),
            ("partial", _("Partly delivered"), "½"),
            ("not_delivered", _("Not delivered"), "✗"),
            ("pending", _("On its way"), "…"),
        )
        self.marks = {
            status: f' <abbr title="{label}">{mark}</abbr>' for status, label, mark in marks
        }
        names = (
            pgettext("weekday", "Mon"),
            pgettext("weekday", "Tue"),
            pgettext("weekday", "Wed"),
            pgettext("weekday", "Thu"),
            pgettext("weekday", "Fri"),
            pgettext("weekday", "Sat"),
            pgettext("weekday", "Sun"),
        )
        self.head = "".join(f"<th>{name}</th>" for name in names)
        self.weekdays = [escape(str(WEEKDAYS_ABBR[n])) for n in range(7)]
        self.months = {n: escape(str(MONTHS_3[n]).title()) for n in range(1, 13)}
        self.inr = _Texts(lambda amount: escape(format_inr(amount)))
        self.quantity = _Texts(lambda quantity, unit: escape(quantity_text(quantity, unit)))
        self.number = _Texts(lambda quantity: escape(number_text(quantity)))
        self.text = _Texts(lambda value: escape(str(value)))

    def day_text(self, day: date) -> str:
        """The date filter's "D j M"."""
        return f"{self.weekdays[day.weekday()]} {day.day} {self.months[day.month]}"

    def amount(self, value) -> str:
        return self.inr[str(value)]


class _Day:
    """A day's total and notes, worked out once."""

    __slots__ = ("day", "notes", "total")

    def __init__(self, day: CalendarDay):
        self.day = day
        self.total = day.total
        self.notes = day.notes


def _qty_text(page: _Page, item: CalendarItem) -> str:
    quantity = page.quantity[(item.quantity, item.unit)]
    if item.status == _PARTIAL:
        delivered = page.quantity[(item.delivered_qty or 0, item.unit)]
        return page.of % {"delivered": delivered, "quantity": quantity}
    return quantity


def _badge(page: _Page, item: CalendarItem) -> str:
    reason = f": {escape(item.reason.lower())}" if item.reason else ""
    return f' <span class="badge {item.status}">{page.text[item.status_label]}{reason}</span>'


def _agenda_item(page: _Page, item: CalendarItem, *, past: bool) -> str:
    status = escape(item.status)
    out = [
        f'<li class="agenda-item {status}">'
        if past
        else f'<li class="agenda-item{" " + status if status else ""}">',
        f'<span class="agenda-what">{page.text[item.product]}</span> ',
        f'<span class="agenda-qty">{_qty_text(page, item)}</span>',
    ]
    if item.is_evening:
        out.append(f' <span class="agenda-shift">{page.evening}</span>')
    extra = 0 if past else item.extra  # a past day says what came, not what was extra
    if extra:
        text = page.quantity[(extra, item.unit)]
        out.append(f' <span class="agenda-extra">{page.extra % {"extra": text}}</span>')
    if past or item.status_label:
        out.append(_badge(page, item))
    out.append("</li>")
    return "".join(out)


def _agenda(page: _Page, ahead: list[_Day], earlier: list[_Day]) -> str:
    out = ["\n", f'<ol class="agenda" aria-label="{page.day_by_day}">\n  ']
    for cell in ahead:
        day = cell.day
        classes = (" agenda-today" if day.is_today else "") + ("" if day.items else " agenda-none")
        today = f' <span class="badge">{page.today}</span>' if day.is_today else ""
        cost = (
            f'<span class="agenda-cost amount">{page.amount(cell.total)}</span>'
            if cell.total is not None
            else ""
        )
        out.append(
            f'\n  <li class="agenda-day{classes}" data-date="{day.date.isoformat()}">\n'
            f'    <div class="agenda-head"><span class="agenda-date">{page.day_text(day.date)}'
            f"</span>{today}{cost}</div>\n    "
        )
        if day.items:
            items = "".join(_agenda_item(page, item, past=False) for item in day.items)
            out.append(f'<ul class="agenda-items">\n      {items}\n    </ul>')
        out.append("\n    ")
        out.extend(f'<p class="agenda-note">{page.text[note]}</p>' for note in cell.notes)
        out.append("\n    ")
        if not day.items and not cell.notes:
            out.append(f'<p class="agenda-note muted">{page.no_delivery}</p>')
        out.append("\n  </li>\n  ")
    out.append("\n</ol>\n")
    if earlier:
        out.append(
            f'\n<details class="agenda-earlier">\n  <summary>{page.earlier}</summary>\n'
            '  <ol class="agenda">\n    '
        )
        for cell in earlier:
            day = cell.day
            cost = (
                f'<span class="agenda-cost amount">{page.amount(cell.total)}</span>'
                if cell.total is not None
                else ""
            )
            items = "".join(_agenda_item(page, item, past=True) for item in day.items)
            out.append(
                f'\n    <li class="agenda-day" data-date="{day.date.isoformat()}">\n'
                f'      <div class="agenda-head"><span class="agenda-date">'
                f"{page.day_text(day.date)}</span>{cost}</div>\n"
                f'      <ul class="agenda-items">\n        {items}\n      </ul>\n    </li>\n    '
            )
        out.append("\n  </ol>\n</details>\n")
    out.append("\n")
    return "".join(out)


def _month_item(page: _Page, item: CalendarItem) -> str:
    status = escape(item.status)
    quantity = page.number[item.quantity]
    if item.status == _PARTIAL:
        quantity = page.of % {"delivered": page.number[item.delivered_qty], "quantity": quantity}
    out = [
        f'<span class="cal-item{" " + status if status else ""}">{page.text[item.product]} '
        f'<b class="cal-qty">×{quantity}</b>'
    ]
    if item.is_evening:
        out.append(f' <abbr title="{page.eve_title}">{page.eve}</abbr>')
    extra = item.extra
    if extra:
        title = page.extra % {"extra": page.quantity[(extra, item.unit)]}
        out.append(f' <abbr title="{title}">+{page.number[extra]}</abbr>')
    out.append(page.marks.get(item.status, ""))
    out.append("</span>")
    return "".join(out)


def _month_day(page: _Page, day: CalendarDay, total) -> str:
    if not day.in_range:
        kind = "cal-out"
    elif day.is_today:
        kind = "cal-today"
    elif day.is_past:
        kind = "cal-past"
    else:
        kind = "cal-next"
    has = " cal-has" if day.items else ""
    hold = (
        f'<span class="cal-hold badge not_delivered" title="{page.text[str(day.hold_explanation)]}">'
        f"{page.text[str(day.hold)]}</span>"
        if day.hold
        else ""
    )
    items = "".join(_month_item(page, item) for item in day.items)
    notes = (f'<span class="cal-note">{page.paused}</span>' if day.paused else "") + (
        f'<span class="cal-note">{page.skipped}</span>' if day.skipped else ""
    )
    cost = f'<span class="cal-cost amount">{page.amount(total)}</span>' if total else ""
    return (
        f'<td data-date="{day.date.isoformat()}" class="{kind}{has}">\n'
        f'      <span class="cal-no">{day.date.day}</span>\n'
        f"      {hold}\n      {items}\n      {notes}\n      {cost}\n    </td>"
    )


def _month(page: _Page, calendar: DeliveryCalendar, totals: dict[date, object]) -> str:
    out = []
    for month in calendar.months:
        first = month.first
        name = f"{escape(str(MONTHS[first.month]))} {first.year}"
        out.append(
            f'\n<table class="cal" aria-label="{name}">\n  <caption>{name}</caption>\n'
            f"  <thead><tr>{page.head}</tr></thead>\n  <tbody>\n  "
        )
        for week in month.weeks:
            out.append("<tr>\n    ")
            for day in week:
                if day is None:
                    out.append('<td class="cal-blank"></td>')
                else:
                    # A day out of the calendar's range has no items, so no total.
                    out.append(_month_day(page, day, totals.get(day.date)))
            out.append("\n  </tr>")
        out.append("\n  </tbody>\n</table>\n")
    out.append(f'\n<p class="muted cal-legend">{page.legend}</p>\n')
    return "".join(out)


def deliveries_html(calendar: DeliveryCalendar, *, agenda: bool, month: bool) -> dict:
    """{"agenda_html", "month_html"}: the views asked for (the other one "")."""
    page = _Page()
    days = [_Day(day) for day in calendar.days.values()]
    totals = {cell.day.date: cell.total for cell in days}
    html = {"agenda_html": "", "month_html": ""}
    if agenda:
        ahead = [cell for cell in days if not cell.day.is_past]
        earlier = [cell for cell in reversed(days) if cell.day.is_past and cell.day.items]
        html["agenda_html"] = _agenda(page, ahead, earlier)
    if month:
        html["month_html"] = _month(page, calendar, totals)
    # Every value above is escaped; the labels are our catalogs' own markup-free text.
    return {
        key: mark_safe(value)  # noqa: S308 - every value escaped  # nosec B308 B703
        for key, value in html.items()
    }
