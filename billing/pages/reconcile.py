"""The reconciliation checks (as `manage.py reconcile`), listed."""

from django.shortcuts import render

from billing.forms import ReconcileForm
from billing.reconciliation import reconcile as reconcile_checks
from earlybird.access import staff_required

VIOLATIONS_SHOWN = 200  # per check on the page; the command prints them all


@staff_required
def reconcile(request):
    """The reconciliation checks (as `manage.py reconcile`), listed."""
    form = ReconcileForm(request.GET or None)
    result = None
    if not form.is_bound or form.is_valid():
        month = form.cleaned_data.get("month") if form.is_bound else None
        result = reconcile_checks(month=month)
    return render(
        request,
        "billing/reconcile.html",
        {"form": form, "result": result, "shown": VIOLATIONS_SHOWN},
    )
