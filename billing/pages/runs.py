"""Billing runs: the list, starting one (once per form), a run's result, issuing a month."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from billing.forms import RunForm
from billing.models import Bill, BillingRun
from billing.pages import _errors
from billing.services import issue_bills, parse_month, run_billing
from earlybird.access import staff_required
from earlybird.forms import add_service_errors
from earlybird.idempotency import form_once, form_result


def _runs_page(request, form: RunForm, *, status: int = 200):
    runs = BillingRun.objects.select_related("started_by").order_by("-started_at", "-pk")[:30]
    return render(request, "billing/run_list.html", {"form": form, "runs": runs}, status=status)


@staff_required
def run_list(request):
    return _runs_page(request, RunForm(user=request.user))


@require_POST
@staff_required
def run_start(request):
    """Start a run, once per form (a second send shows the first run). A month that has
    not ended is refused on the form (an admin may tick "before it ends" for this one)."""
    form = RunForm(request.POST, user=request.user)
    if not form.is_valid():
        return _runs_page(request, form, status=400)

    def start():
        run = run_billing(started_by=request.user, **form.run_arguments())
        result = f"{run.period:%B %Y}: {run.lines_created} deliveries on {run.bills_touched} bills"
        return run, form_result(
            redirect_to=reverse("billing:run_detail", args=[run.pk]),
            message=f"Billed {result}.",
            replay=f"Already run: {result}.",
        )

    try:
        # The run commits its run row on its own first (pages show it while it works).
        return form_once(
            request, form, write=start, fallback=reverse("billing:runs"), commits_itself=True
        )
    except ValidationError as exc:
        add_service_errors(form, exc, {"period": "month"})
        return _runs_page(request, form, status=400)


@staff_required
def run_detail(request, run_id: int):
    run = get_object_or_404(BillingRun.objects.select_related("started_by"), pk=run_id)
    counts = Bill.objects.filter(period=run.period).aggregate(
        draft=Count("pk", filter=Q(status=Bill.Status.DRAFT)),
        issued=Count("pk", filter=Q(status=Bill.Status.ISSUED)),
        void=Count("pk", filter=Q(status=Bill.Status.VOID)),
    )
    return render(request, "billing/run_detail.html", {"run": run, "counts": counts})


@require_POST
@staff_required
def issue_period(request):
    try:
        period = parse_month(request.POST.get("month", ""))
        issued = issue_bills(period=period, by=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
        return redirect("billing:runs")
    messages.success(request, f"Issued {issued} bills for {period:%B %Y}.")
    return redirect(f"{reverse('billing:bills')}?month={period:%Y-%m}")
