"""What a report covers, chosen on its page by a GET form: a month (the dues, as of its
end), a range of months (sales) or a range of days (delivery performance, cash). Each
defaults to today's month; a choice that makes no sense gives the form's message and
no report."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from earlybird.bounds import parse_month
from earlybird.forms import day_field

MAX_MONTHS = 24  # sales: two years side by side is as wide as a page reads
MAX_DAYS = 92  # performance and cash: a quarter of days, one row per boy and day


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: date) -> date:
    return month_end(month) + timedelta(days=1)


def months_between(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def last_month() -> date:
    return (this_month() - timedelta(days=1)).replace(day=1)


class MonthField(forms.CharField):
    """YYYY-MM (what <input type="month"> sends) -> the first day of that month."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value):
        value = super().to_python(value)
        return parse_month(value) if value else None


class _PeriodForm(forms.Form):
    """A GET form with today's month for whatever is not given."""

    def __init__(self, data=None, **kwargs):
        super().__init__(data or None, **kwargs)
        if not self.is_bound:
            self.initial = self.default_input()

    def period(self):
        """The period chosen (unbound: the default), or None when the form has errors."""
        if not self.is_bound:
            return self.default()
        return self.chosen() if self.is_valid() else None


class AsOfForm(_PeriodForm):
    """Dues as of the end of a month, or today for this month."""

    month = MonthField(label="As of the end of", required=False)

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month and month > this_month():
            raise ValidationError("Choose this month or an earlier one.")
        return month

    def default(self) -> date:
        return timezone.localdate()

    def default_input(self) -> dict:
        return {"month": f"{this_month():%Y-%m}"}

    def chosen(self) -> date:
        month = self.cleaned_data["month"] or this_month()
        return min(month_end(month), timezone.localdate())


@dataclass(frozen=True)
class MonthRange:
    first: date  # first day of the first month
    last: date  # first day of the last month

    @property
    def months(self) -> list[date]:
        return months_between(self.first, self.last)

    @property
    def last_day(self) -> date:
        return month_end(self.last)


class MonthRangeForm(_PeriodForm):
    start = MonthField(label="From", required=False)
    end = MonthField(label="To", required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        start = start or end or this_month()
        end = end or max(start, this_month())
        if end < start:
            raise ValidationError("The last month comes before the first.")
        if len(months_between(start, end)) > MAX_MONTHS:
            raise ValidationError(f"Choose at most {MAX_MONTHS} months.")
        cleaned["range"] = MonthRange(start, end)
        return cleaned

    def default(self) -> MonthRange:
        return MonthRange(this_month(), this_month())

    def default_input(self) -> dict:
        return {"start": f"{this_month():%Y-%m}", "end": f"{this_month():%Y-%m}"}

    def chosen(self) -> MonthRange:
        return self.cleaned_data["range"]


@dataclass(frozen=True)
class DayRange:
    first: date
    last: date

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


class DayRangeForm(_PeriodForm):
    start = day_field(label="From", required=False)
    end = day_field(label="To", required=False)

    def clean(self):
        cleaned = super().clean()
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        start = cleaned.get("start") or this_month()
        end = cleaned.get("end") or month_end(start.replace(day=1))
        if end < start:
            raise ValidationError("The last day comes before the first.")
        if (end - start).days + 1 > MAX_DAYS:
            raise ValidationError(f"Choose at most {MAX_DAYS} days.")
        cleaned["range"] = DayRange(start, end)
        return cleaned

    def default(self) -> DayRange:
        return DayRange(this_month(), month_end(this_month()))

    def default_input(self) -> dict:
        period = self.default()
        return {"start": period.first, "end": period.last}

    def chosen(self) -> DayRange:
        return self.cleaned_data["range"]

    @staticmethod
    def shortcuts() -> list[tuple[str, DayRange]]:
        """This month and last month, for links beside the form."""
        return [
            ("This month", DayRange(this_month(), month_end(this_month()))),
            ("Last month", DayRange(last_month(), month_end(last_month()))),
        ]
