"""Bottles outstanding: the returnable bottles and crates each customer has now, per
customer and per route (the route the customer is on today), with the deposit they stand
for at each product's deposit. Read from deliveries.selectors_bottles; a balance below
zero (more came back than the records gave out, e.g. bottles from before them) is listed
too, so the totals are the plain sum of the rows.

The page takes a route filter (GET); its CSV and Excel exports are the same rows."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from deliveries.models import DeliveryBoy
from deliveries.selectors_bottles import BottlesOutstanding, bottles_outstanding
from earlybird.access import staff_required
from web.reports.exports import Table

HEADER = ["Code", "Customer", "Route", "Bottles", "Deposit held (₹)"]


class BottlesFilterForm(forms.Form):
    """The report's filter: one route or all. An unknown route says so, with no report."""

    route = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Route",
        error_messages={"invalid_choice": "That is not a route: choose one from the list."},
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data if data is not None else {}, **kwargs)
        self.fields["route"].choices = [
            ("", "All routes"),
            *DeliveryBoy.objects.order_by("name", "pk").values_list("pk", "name"),
        ]

    def period(self) -> dict | None:
        """The report's arguments (named as the other reports' period, for views.REPORTS),
        or None when the filter is not valid."""
        if not self.is_valid():
            return None
        return {"delivery_boy": self.cleaned_data["route"]}


def bottles_report(filters: dict) -> BottlesOutstanding:
    return bottles_outstanding(**filters)


def bottles_table(report: BottlesOutstanding) -> Table:
    rows = [[row.code, row.name, row.route, row.bottles, row.deposit_held] for row in report.rows]
    return Table(
        name=f"earlybird-bottles-{timezone.localdate():%Y-%m-%d}",
        title="Bottles outstanding",
        header=HEADER,
        rows=rows,
        totals=["Total", f"{report.customers} customers", "", report.bottles, report.deposit_held],
        money=frozenset({"Deposit held (₹)"}),
    )


@staff_required
@require_safe
def bottles(request):
    form = BottlesFilterForm(request.GET)
    filters = form.period()
    report = bottles_report(filters) if filters is not None else None
    return render(
        request,
        "reports/bottles.html",
        {
            "form": form,
            "report": report,
            "today": timezone.localdate(),
            "query": request.GET.urlencode(),
        },
    )
