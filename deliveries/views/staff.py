"""Staff pages for routes, daily sheets and procurement (thin: access, form, service)."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from deliveries import selectors, services
from deliveries.forms import (
    AssignCustomerForm,
    CorrectionForm,
    DayShiftForm,
    GenerateForm,
    MoveStopForm,
    day_label,
    in_generation_window,
)
from deliveries.models import Delivery, DeliveryBoy, RouteStop
from deliveries.services import Confirmer
from earlybird.access import allows, staff_required
from earlybird.spreadsheets import SafeWriter
from earlybird.units import KG, LITRE
from orders.models import Order

# Who may generate a day's deliveries from the daily sheet or the procurement page (POST).


@staff_required
def route_list(request):
    boys = DeliveryBoy.objects.annotate(stop_count=Count("stops")).order_by("name")
    return render(request, "deliveries/route_list.html", {"boys": boys})


@staff_required
def route_detail(request, boy_id: int):
    boy = get_object_or_404(DeliveryBoy, pk=boy_id)
    stops = boy.stops.select_related("customer__area").order_by("position")
    return render(
        request,
        "deliveries/route_detail.html",
        {
            "boy": boy,
            "stops": stops,
            "assign_form": AssignCustomerForm(),
        },
    )


@require_POST
@staff_required
def route_assign(request, boy_id: int):
    boy = get_object_or_404(DeliveryBoy, pk=boy_id)
    form = AssignCustomerForm(request.POST)
    if form.is_valid():
        customer = form.cleaned_data["customer"]
        stop = services.assign_to_route(
            customer=customer, delivery_boy=boy, position=form.cleaned_data["position"]
        )
        messages.success(request, f"{customer.name} is now stop {stop.position}.")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("deliveries:route_detail", boy_id=boy.pk)


@require_POST
@staff_required
def route_move(request, stop_id: int):
    stop = get_object_or_404(RouteStop.objects.select_related("customer"), pk=stop_id)
    moves = {"up": stop.position - 1, "down": stop.position + 1}
    form = MoveStopForm(
        {"position": moves.get(request.POST.get("direction"), request.POST.get("position"))}
    )
    if form.is_valid():
        stop = services.move_stop(stop=stop, position=form.cleaned_data["position"])
        messages.success(request, f"{stop.customer.name} is now stop {stop.position}.")
    else:
        messages.error(request, " ".join(form.errors["position"]))
    return redirect("deliveries:route_detail", boy_id=stop.delivery_boy_id)


def _generate(request, *, page: str, **kwargs):
    """POST on a day's page: generate that day (the roles the access table lets write
    the page), then back to the page for that day. GET never generates: the page says
    when nothing is."""
    form = GenerateForm(request.POST, today=timezone.localdate())
    if form.is_valid():
        day = form.cleaned_data["date"]
        try:
            report = services.generate_deliveries(day=day)
        except ValidationError as exc:
            messages.error(
                request, f"Nothing generated for {day_label(day)}: {' '.join(exc.messages)}"
            )
        else:
            messages.success(
                request,
                f"Generated {day_label(day)}: {sum(report.created.values())} new, "
                f"{sum(report.updated.values())} updated, "
                f"{sum(report.cancelled.values())} cancelled"
                + (f", {report.held} customer(s) held." if report.held else "."),
            )
    else:
        messages.error(request, form.error_text())
    url = reverse(page, kwargs=kwargs)
    back = DayShiftForm(request.POST)  # the day and shift to go back to, if they are valid
    if back.is_valid():
        day, shift = back.cleaned_data["date"], back.cleaned_data["shift"]
        url = f"{url}?{urlencode({'date': day.isoformat(), 'shift': shift})}"
    return redirect(url)


def _generation(request, day: date, *, generated: bool) -> dict:
    """What a day's page says about generation: whether it happened, and whether this
    user may generate the day from here."""
    today = timezone.localdate()
    return {
        "generated": generated,
        "may_generate": not generated
        and allows(request.user, request.resolver_match.view_name, "POST")
        and in_generation_window(day, today=today),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def daily_sheet(request, boy_id: int):
    boy = get_object_or_404(DeliveryBoy, pk=boy_id)
    if request.method == "POST":
        return _generate(request, page="deliveries:daily_sheet", boy_id=boy.pk)
    form = DayShiftForm(request.GET)
    if not form.is_valid():
        context = {"boy": boy, "form": form, "day": None}
        return render(request, "deliveries/daily_sheet.html", context, status=400)
    day, shift = form.cleaned_data["date"], form.cleaned_data["shift"] or Order.Shift.MORNING
    stops = selectors.route_with_holds(delivery_boy=boy, day=day, shift=shift)
    generated = bool(stops) or selectors.day_is_generated(day=day)
    return render(
        request,
        "deliveries/daily_sheet.html",
        {
            "boy": boy,
            "stops": stops,
            "held": [stop for stop in stops if stop.hold],
            "day": day,
            "shift": shift,
            "form": form,
            **_generation(request, day, generated=generated),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_required
def procurement(request):
    if request.method == "POST":
        return _generate(request, page="deliveries:procurement")
    form = DayShiftForm(request.GET)
    as_csv = request.GET.get("format") == "csv"
    if not form.is_valid():
        if as_csv:
            return HttpResponseBadRequest(form.error_text(), content_type="text/plain")
        context = {"form": form, "day": None}
        return render(request, "deliveries/procurement.html", context, status=400)
    day, shift = form.cleaned_data["date"], form.cleaned_data["shift"] or None
    tables = selectors.procurement_for(day=day, shift=shift)
    if as_csv:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="procurement-{day}.csv"'
        writer = SafeWriter(response)
        writer.writerow(["grouping", "group", "product", "unit", "quantity", "litres", "kg"])
        for grouping, rows in tables.items():
            for row in rows:
                bulk = {row.size.bulk: row.bulk} if row.size else {}
                litres, kg = bulk.get(LITRE, ""), bulk.get(KG, "")
                writer.writerow(
                    [grouping, row.group, row.product, row.unit, row.quantity, litres, kg]
                )
        return response
    generated = any(tables.values()) or selectors.day_is_generated(day=day)
    return render(
        request,
        "deliveries/procurement.html",
        {
            "tables": tables,
            # Each grouping's rows with its litres and kg per group.
            "sections": [
                (grouping, rows, selectors.bulk_totals(rows)) for grouping, rows in tables.items()
            ],
            "day": day,
            "shift": shift,
            "form": form,
            **_generation(request, day, generated=generated),
        },
    )


@staff_required
def correct_delivery(request, delivery_id: int):
    """Staff confirm or correct one delivery, today or in the past, through the service."""
    delivery = get_object_or_404(
        Delivery.objects.select_related("customer", "product", "delivery_boy", "confirmed_by"),
        pk=delivery_id,
    )
    initial = {
        "delivered_qty": delivery.delivered_qty if delivery.is_confirmed else delivery.ordered_qty,
        "reason": delivery.reason,
    }
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        by = Confirmer.from_request(request, via=Delivery.Via.STAFF)
        try:
            if request.POST.get("action") == "undo":
                services.undo_confirmation(delivery=delivery, by=by)
            else:
                services.confirm_delivery(
                    delivery=delivery,
                    delivered_qty=form.cleaned_data["delivered_qty"],
                    reason=form.cleaned_data["reason"],
                    reason_note=form.cleaned_data["reason_note"],
                    by=by,
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, f"{delivery.code} saved.")
            if delivery.delivery_boy_id is None:
                return redirect("deliveries:correct", delivery_id=delivery.pk)
            sheet = reverse("deliveries:daily_sheet", args=[delivery.delivery_boy_id])
            return redirect(f"{sheet}?date={delivery.date:%Y-%m-%d}&shift={delivery.shift}")
    return render(request, "deliveries/correct.html", {"delivery": delivery, "form": form})
