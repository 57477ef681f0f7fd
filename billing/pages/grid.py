"""The monthly grid (customers × days per product) and its CSV and Excel exports."""

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import render

from billing.exports import grid_csv, grid_xlsx
from billing.forms import GridFilterForm, this_month
from billing.grid import GridFilters, grid_customers, month_columns
from billing.grid_rows import grid_window
from billing.grid_totals import grid_totals
from billing.pages import _query_without
from billing.pages.grid_html import actions_html, body_html, foot_html, head_html, window_foot
from earlybird.access import staff_required
from earlybird.frames import render_framed
from earlybird.pager import pager_html

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _grid_filters(request) -> tuple[GridFilterForm, GridFilters | None]:
    """The grid's filters from the query string (today's month unless another is
    chosen); None when they do not make sense."""
    form = GridFilterForm(
        request.GET or None, initial={"month": f"{this_month():%Y-%m}"}, user=request.user
    )
    if not form.is_bound:
        return form, GridFilters(period=this_month())
    return form, form.filters() if form.is_valid() else None


@staff_required
def grid(request):
    """Customers × days of a month per product, one window of customers at a time, with
    the window's totals (or, asked with ?totals=month, every page's); filters; constant
    queries."""
    form, filters = _grid_filters(request)
    if filters is None:  # the form says what is wrong: drawn in full
        context = {"form": form, "fields_html": form.controls_html(), "filters": None, "rows": []}
        return render(request, "billing/grid.html", context)
    columns = month_columns(filters.period)
    page = grid_window(filters, request.GET.get("page"))
    rows, totals, foot = list(page.object_list), None, ""
    month_totals = request.GET.get("totals") == "month"
    if month_totals:
        customers = grid_customers(filters)
        totals = grid_totals(filters, customers, columns) if customers else None
        foot = foot_html(totals, columns, month_totals)
    elif rows:
        totals, foot = window_foot(rows, columns)
    query = _query_without(request, "page")
    holes = {
        "fields_html": form.controls_html(),
        "actions_html": actions_html(
            page,
            query,
            _query_without(request, "page", "totals"),
            month_totals,
            form.product_name if filters.product_id else None,
        ),
        "head_html": head_html(filters.period),
        "body_html": body_html(rows, columns, filters.period),
        "foot_html": foot,
        "pager": pager_html(page, query),
    }
    # The header names the wallet only when the page has a customer prepaid today.
    frame = {"period": filters.period, "has_wallets": any(row.wallet is not None for row in rows)}
    drawn_from = {"form": form, "filters": filters, "page": page, "rows": rows, "totals": totals}
    return render_framed(request, "billing/grid.html", frame, holes, drawn_from=drawn_from)


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
