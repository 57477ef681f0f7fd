"""An order's staff page, under /staff/orders/<id>/: the order, its month calendar with
the deliveries generated for it (deliveries) and what its schedule plans (orders), and
the schedule edits that show the page again with their errors (pause, resume, day
overrides, stop). Its URL names stay in the "orders" namespace (see web.urls).

Thin: access helper (404 for outsiders) → form → service → message + redirect.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from customers.selectors import customers_visible_to
from deliveries.models import Delivery
from earlybird.access import staff_can, staff_required
from earlybird.bounds import day_or_default
from earlybird.formats import day_text
from earlybird.forms import add_service_errors
from earlybird.months import month_after, month_before, parse_month
from orders import services
from orders.forms import DayForm, PauseForm, ResumeForm, StopForm
from orders.models import Order, OrderLine, OrderPause
from orders.views import order_url, visible_order
from web.staff.calendar import describe_ahead, month_calendar, orders_for_calendar


def render_order(request, order: Order, **forms):
    """The order's page; `forms` replaces a blank form by a bound one with its errors."""
    today = timezone.localdate()
    chosen_day = day_or_default(request.GET.get("day"))
    # A day picked on the calendar opens on its own month, whatever month today is.
    month = parse_month(request.GET.get("month") or (chosen_day and f"{chosen_day:%Y-%m}"))
    order = (
        orders_for_calendar(Order.objects.filter(pk=order.pk), since=min(today, month))
        .select_related("customer", "created_by")
        .get()
    )
    deliveries = list(
        Delivery.objects.filter(order=order, date__gte=month, date__lt=month_after(month))
        .exclude(status=Delivery.Status.CANCELLED)
        .select_related("product")
        .order_by("date", "product__sort_order", "pk")
    )
    describe_ahead(order, today=today)
    for pause in order.upcoming_pauses:
        pause.resume_form = forms.get(f"resume{pause.pk}") or ResumeForm(prefix=f"resume{pause.pk}")
    context = {
        "order": order,
        "customer": order.customer,
        "lines": list(order.lines.all()),
        "pauses": order.upcoming_pauses,
        "overrides": order.upcoming_overrides,
        "deliveries": deliveries,
        "month": month,
        "previous_month": month_before(month),
        "next_month": month_after(month),
        "weeks": month_calendar(
            month=month,
            orders=[order],
            deliveries=deliveries,
            customer_status=order.customer.status,
            today=today,
        ),
        "pause_form": forms.get("pause") or PauseForm(prefix="pause"),
        "stop_form": forms.get("stop") or StopForm(prefix="stop"),
        "day_form": forms.get("day")
        or DayForm(
            prefix="day", order=order, initial={"date": chosen_day or today + timedelta(days=1)}
        ),
        "can": staff_can(request.user),
        "today": today,
    }
    return render(request, "orders/detail.html", context)


@staff_required
def order_detail(request, order_id: int):
    return render_order(request, visible_order(request, order_id))


@require_POST
@staff_required
def order_pause(request, order_id: int):
    order = visible_order(request, order_id, kind=Order.Kind.SUBSCRIPTION)
    form = PauseForm(request.POST, prefix="pause")
    if form.is_valid():
        data = form.cleaned_data
        try:
            pause = services.pause_order(
                order=order,
                start_date=data["start_date"],
                end_date=data["end_date"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{order.code} {pause}.")
            return redirect(order_url(order, parse_month(request.GET.get("month"))))
    return render_order(request, order, pause=form)


@require_POST
@staff_required
def pause_resume(request, pause_id: int):
    pause = get_object_or_404(
        OrderPause.objects.select_related("order__customer").filter(
            order__customer__in=customers_visible_to(request.user)
        ),
        pk=pause_id,
    )
    order = pause.order
    form = ResumeForm(request.POST, prefix=f"resume{pause.pk}")
    if form.is_valid():
        back = form.cleaned_data["first_day_back"]
        try:
            services.resume_order(pause=pause, first_day_back=back)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{order.code} delivers again from {day_text(back)}.")
            return redirect(order_url(order, parse_month(request.GET.get("month"))))
    return render_order(request, order, **{f"resume{pause.pk}": form})


@require_POST
@staff_required
def order_day(request, order_id: int):
    order = visible_order(request, order_id, kind=Order.Kind.SUBSCRIPTION)
    order = Order.objects.prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("pk"))
    ).get(pk=order.pk)
    form = DayForm(request.POST, prefix="day", order=order)
    if form.is_valid():
        day = form.cleaned_data["date"]
        try:
            services.set_day_quantities(order=order, day=day, quantities=form.quantities())
        except ValidationError as exc:
            add_service_errors(form, exc, {"quantity": None})
        else:
            done = dict(DayForm.ACTIONS)[form.cleaned_data["action"]].lower()
            messages.success(request, f"{order.code} on {day_text(day)}: {done}, done.")
            return redirect(order_url(order, day.replace(day=1)))
    return render_order(request, order, day=form)


@require_POST
@staff_required
def order_stop(request, order_id: int):
    order = visible_order(request, order_id, kind=Order.Kind.SUBSCRIPTION)
    form = StopForm(request.POST, prefix="stop")
    if form.is_valid():
        last_day = form.cleaned_data["last_day"]
        try:
            order = services.stop_subscription(order=order, last_day=last_day)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"{order.code} stopped: nothing is delivered after {day_text(last_day)}."
            )
            return redirect(order_url(order))
    return render_order(request, order, stop=form)


urlpatterns = [
    path("<int:order_id>/", order_detail, name="detail"),
    path("<int:order_id>/pause/", order_pause, name="pause"),
    path("<int:order_id>/day/", order_day, name="day"),
    path("<int:order_id>/stop/", order_stop, name="stop"),
    path("pauses/<int:pause_id>/resume/", pause_resume, name="resume"),
]
