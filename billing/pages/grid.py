"""The monthly grid (customers × days per product) and its CSV and Excel exports."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render

from billing.exports import grid_csv, grid_xlsx
from billing.forms import GridFilterForm, last_month
from billing.grid import (
    PER_PAGE,
    STATUS_LABELS,
    GridFilters,
    grid_customers,
    grid_rows,
    month_columns,
)
from billing.pages import _query_without
from earlybird.access import staff_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _grid_filters(request) -> tuple[GridFilterForm, GridFilters | None]:
    """The grid's filters from the query string; None when they do not make sense."""
    form = GridFilterForm(request.GET or None, initial={"month": f"{last_month():%Y-%m}"})
    if not form.is_bound:
        return form, GridFilters(period=last_month())
    return form, form.filters() if form.is_valid() else None


@staff_required
def grid(request):
    """Customers × days of a month per product; filters; paginated; constant queries."""
    form, filters = _grid_filters(request)
    columns = month_columns(filters.period) if filters else []
    customers = grid_customers(filters) if filters else []
    page = Paginator(customers, PER_PAGE).get_page(request.GET.get("page"))
    rows = (
        grid_rows(period=filters.period, customers=list(page.object_list), columns=columns)
        if filters
        else []
    )
    return render(
        request,
        "billing/grid.html",
        {
            "form": form,
            "filters": filters,
            "columns": columns,
            "page": page,
            "rows": rows,
            "query": _query_without(request, "page"),
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
