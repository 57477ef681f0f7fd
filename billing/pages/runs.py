"""Billing runs: the list, starting one (once per form; a worker runs it), a run's progress
and result, issuing a month."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from billing.forms import RunForm
from billing.models import Bill, BillingRun
from billing.pages import _errors
from billing.services import issue_bills, parse_month
from billing.services.runs import queue_billing_run
from earlybird.access import staff_required
from earlybird.forms import add_service_errors
from earlybird.idempotency import form_once, form_result

UNFINISHED = (BillingRun.Status.QUEUED, BillingRun.Status.RUNNING)
REFRESH_SECONDS = 3  # how often a page showing an unfinished run reloads itself


def _runs_page(request, form: RunForm, *, status: int = 200):
    runs = list(BillingRun.objects.select_related("started_by").order_by("-started_at", "-pk")[:30])
    context = {"form": form, "runs": runs, "refresh": _refresh(runs)}
    return render(request, "billing/run_list.html", context, status=status)


def _refresh(runs) -> int | None:
    """Seconds until the page reloads itself (a <meta> refresh: no script), while a run
    it shows is queued or running."""
    return REFRESH_SECONDS if any(run.status in UNFINISHED for run in runs) else None


@staff_required
def run_list(request):
    return _runs_page(request, RunForm(user=request.user))


@require_POST
@staff_required
def run_start(request):
    """Queue a run for a worker and go to its page at once (it follows the run), once per
    form (a second send shows the first run). A month that has not ended is refused on the
    form, before anything is queued (an admin may tick "before it ends" for this one)."""
    form = RunForm(request.POST, user=request.user)
    if not form.is_valid():
        return _runs_page(request, form, status=400)

    def start():
        run = queue_billing_run(started_by=request.user, **form.run_arguments())
        month = f"{run.period:%B %Y}"
        return run, form_result(
            redirect_to=reverse("billing:run_detail", args=[run.pk]),
            message=f"Billing {month} is queued: this page follows it.",
            replay=f"Already started: billing {month}.",
        )

    try:
        # The run row, its job and the form's key commit together (or not at all).
        return form_once(request, form, write=start, fallback=reverse("billing:runs"))
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
    context = {"run": run, "counts": counts, "refresh": _refresh([run])}
    return render(request, "billing/run_detail.html", context)


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
