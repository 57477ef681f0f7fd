"""The reports' pages (/staff/reports/) and their CSV and Excel exports.

Each page reads its period from a GET form (today's month by default), asks its report
module for the figures, and draws them; an export is the same figures as a table. The
cash page also takes the POST that confirms a hand-over (billing's service)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_safe

from billing.services.handovers import confirm_handover
from earlybird.access import allows, staff_required
from earlybird.forms import add_service_errors
from earlybird.idempotency import form_once, form_result
from web.reports.bottles import BottlesFilterForm, bottles_report, bottles_table
from web.reports.cash import OPERATION, HandoverForm, cash_report, cash_table, handover_form
from web.reports.dues import BUCKETS, dues_report, dues_table
from web.reports.exports import csv_response, xlsx_response
from web.reports.performance import REASONS, performance_report, performance_table
from web.reports.periods import AsOfForm, DayRangeForm, MonthRangeForm
from web.reports.sales import sales_report, sales_table
from web.reports.units import rupees

# name: (period form, report, table)
REPORTS = {
    "dues": (AsOfForm, lambda period: dues_report(as_of=period), dues_table),
    "sales": (MonthRangeForm, lambda period: sales_report(period=period), sales_table),
    "performance": (
        DayRangeForm,
        lambda period: performance_report(period=period),
        performance_table,
    ),
    "cash": (DayRangeForm, lambda period: cash_report(period=period), cash_table),
    "bottles": (BottlesFilterForm, bottles_report, bottles_table),  # a route, not a period
}


def _report(request, name: str):
    form_class, build, _ = REPORTS[name]
    form = form_class(request.GET)
    period = form.period()
    return form, (build(period) if period is not None else None)


def _query(request) -> str:
    return request.GET.urlencode()


@staff_required
@require_safe
def index(request):
    return render(request, "reports/index.html")


@staff_required
@require_safe
def dues(request):
    form, report = _report(request, "dues")
    return render(
        request,
        "reports/dues.html",
        {"form": form, "report": report, "buckets": BUCKETS, "query": _query(request)},
    )


@staff_required
@require_safe
def sales(request):
    form, report = _report(request, "sales")
    return render(
        request, "reports/sales.html", {"form": form, "report": report, "query": _query(request)}
    )


@staff_required
@require_safe
def performance(request):
    form, report = _report(request, "performance")
    return render(
        request,
        "reports/performance.html",
        {
            "form": form,
            "report": report,
            "reasons": REASONS,
            "shortcuts": DayRangeForm.shortcuts(),
            "query": _query(request),
        },
    )


@staff_required
def cash(request):
    """Cash per delivery boy and day; accounts staff confirm hand-overs here (POST)."""
    form, report = _report(request, "cash")
    may_confirm = allows(request.user, OPERATION, "POST")
    sent = None
    if request.method == "POST":
        sent = HandoverForm(request.POST, user=request.user)
        if sent.is_valid():
            try:
                return form_once(
                    request,
                    sent,
                    write=lambda: _confirm(request, sent),
                    fallback=request.get_full_path(),
                )
            except ValidationError as exc:
                add_service_errors(sent, exc)
            except PermissionDenied as exc:
                sent.add_error(None, str(exc))
    unplaced = sent
    if report is not None and may_confirm:
        for row in report.rows:
            if row.handover is not None:
                continue
            if sent is not None and sent.key() == row.key:
                row.form, unplaced = sent, None
            else:
                row.form = handover_form(row, user=request.user)
    return render(
        request,
        "reports/cash.html",
        {
            "form": form,
            "report": report,
            "may_confirm": may_confirm,
            "unplaced": unplaced,
            "shortcuts": DayRangeForm.shortcuts(),
            "query": _query(request),
        },
        status=400 if sent is not None else 200,
    )


def _confirm(request, form: HandoverForm):
    data = form.cleaned_data
    handover = confirm_handover(
        boy=data["delivery_boy"],
        day=data["day"],
        amount=data["amount"],
        note=data["note"],
        by=request.user,
    )
    what = f"{handover.delivery_boy}'s cash of {handover.day:%d %b %Y}: {rupees(handover.amount)}"
    return handover, form_result(
        redirect_to=request.get_full_path(),
        message=f"Hand-over confirmed: {what}.",
        replay=f"Already confirmed: {what}.",
    )


@staff_required
@require_safe
def export(request, *, report: str, fmt: str):
    """A report as CSV or Excel: the page's figures, a totals row last."""
    form, figures = _report(request, report)
    if figures is None:
        errors = "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in form.errors.items()
        )
        return HttpResponseBadRequest(f"Choose another period: {errors}", content_type="text/plain")
    table = REPORTS[report][2](figures)
    return csv_response(table) if fmt == "csv" else xlsx_response(table)
