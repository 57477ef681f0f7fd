"""The monthly grid (customers × days per product) and its CSV and Excel exports."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render

from billing.exports import grid_csv, grid_xlsx
from billing.forms import GridFilterForm, this_month
from billing.grid import STATUS_LABELS, GridFilters, grid_customers, month_columns
from billing.grid_rows import grid_window
from billing.grid_totals import grid_totals, page_totals
from billing.pages import _query_without
from billing.pages.grid_html import body_html, foot_html, head_html
from earlybird.access import staff_required

EMPTY_PAGE = Paginator([], 1).get_page(1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _grid_filters(request) -> tuple[GridFilterForm, GridFilters | None]:
    """The grid's filters from the query string (today's month unless another is
    chosen); None when they do not make sense."""
    form = GridFilterForm(request.GET or None, initial={"month": f"{this_month():%Y-%m}"})
    if not form.is_bound:
        return form, GridFilters(period=this_month())
    return form, form.filters() if form.is_valid() else None


@staff_required
def grid(request):
    """Customers × days of a month per product, one window of customers at a time, with
    the window's totals (or, asked with ?totals=month, every page's); filters; constant
    queries."""
    form, filters = _grid_filters(request)
    columns = month_columns(filters.period) if filters else []
    page = grid_window(filters, request.GET.get("page"), columns=columns) if filters else EMPTY_PAGE
    rows, totals = list(page.object_list), None
    month_totals = request.GET.get("totals") == "month"
    if month_totals and filters:
        customers = grid_customers(filters)
        totals = grid_totals(filters, customers, columns) if customers else None
    elif rows:
        totals = page_totals(rows)
    return render(
        request,
        "billing/grid.html",
        {
            "form": form,
            "fields_html": form.controls_html(),
            "filters": filters,
            "columns": columns,
            "page": page,
            "rows": rows,
            "head_html": head_html(filters.period if filters else None),
            "body_html": body_html(rows, columns, filters.period) if filters else "",
            "totals": totals,
            "foot_html": foot_html(totals, columns, month_totals),
            "month_totals": month_totals,
            # The header names the wallet only when the page has a customer prepaid today.
            "has_wallets": any(row.wallet is not None for row in rows),
            "query": _query_without(request, "page"),
            "query_without_totals": _query_without(request, "page", "totals"),
            "labels": STATUS_LABELS,
        },
    )


def _export_filters(request) -> GridFilters:
    _, filters = _grid_filters(request)
    if filters is None:
        raise Http404("These filters do not make sense.")
    return filters


@staff_required
def grid_csv_export(request):
    """The whole filtered month (every page) as CSV, streamed."""
    filters = _export_filters(request)
    response = StreamingHttpResponse(grid_csv(filters), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="earlybird-grid-{filters.period:%Y-%m}.csv"'
    )
    return response


@staff_required
def grid_xlsx_export(request):
    """The whole filtered month (every page) as an Excel workbook."""
    filters = _export_filters(request)
    return FileResponse(
        grid_xlsx(filters),
        as_attachment=True,
        filename=f"earlybird-grid-{filters.period:%Y-%m}.xlsx",
        content_type=XLSX,
    )
