"""The delivery boy's phone view at /d/: today's route, one tap per stop.

Plain forms and redirects, so it works with JavaScript off on a cheap phone.
A delivery boy only ever sees his own route; anything else is a 404.
"""

from datetime import timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from deliveries import selectors, services
from deliveries.forms import StopConfirmForm
from deliveries.models import Delivery, DeliveryBoy
from orders.models import Order


def delivery_boy_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("boy:login"))
        boy = DeliveryBoy.objects.filter(user=request.user, is_active=True).first()
        if boy is None:
            raise Http404("No such page.")
        return view(request, boy, *args, **kwargs)

    return wrapper


def current_shift() -> str:
    return Order.Shift.MORNING if timezone.localtime().hour < 13 else Order.Shift.EVENING


def route_context(*, boy: DeliveryBoy, day, shift: str) -> dict:
    """Read-only: a day with nothing generated says so (the office or the evening job
    generates it), it is never generated from here."""
    stops = selectors.route_with_holds(delivery_boy=boy, day=day, shift=shift)
    return {
        "boy": boy,
        "day": day,
        "shift": shift,
        "generated": bool(stops) or selectors.day_is_generated(day=day),
        "other_shift": Order.Shift.EVENING if shift == Order.Shift.MORNING else Order.Shift.MORNING,
        "stops": stops,
        "done": sum(stop.is_done for stop in stops),
        "to_deliver": sum(bool(stop.deliveries) for stop in stops),
        "paused": sum(not stop.deliveries for stop in stops),
        "reasons": Delivery.Reason.choices,
    }


@delivery_boy_required
def route_today(request, boy: DeliveryBoy):
    shift = request.GET.get("shift")
    shift = shift if shift in Order.Shift.values else current_shift()
    context = route_context(boy=boy, day=timezone.localdate(), shift=shift)
    return render(request, "deliveries/boy/route.html", context)


@delivery_boy_required
def route_tomorrow(request, boy: DeliveryBoy):
    shift = request.GET.get("shift")
    shift = shift if shift in Order.Shift.values else Order.Shift.MORNING
    context = route_context(boy=boy, day=timezone.localdate() + timedelta(days=1), shift=shift)
    return render(request, "deliveries/boy/tomorrow.html", context)


def _stop_deliveries(boy: DeliveryBoy, customer_id: int, shift: str) -> list[Delivery]:
    if shift not in Order.Shift.values:
        raise Http404("No such shift.")
    deliveries = selectors.stop_deliveries(
        delivery_boy_id=boy.pk, customer_id=customer_id, day=timezone.localdate(), shift=shift
    )
    if not deliveries:
        raise Http404("No such stop on your route today.")
    return deliveries


def _back_to_route(shift: str, customer_id: int):
    return redirect(f"{reverse('boy:route')}?shift={shift}#stop-{customer_id}")


@require_POST
@delivery_boy_required
def confirm_stop(request, boy: DeliveryBoy, customer_id: int):
    shift = request.POST.get("shift", "")
    deliveries = _stop_deliveries(boy, customer_id, shift)
    form = StopConfirmForm(request.POST, deliveries=deliveries)
    if form.is_valid():
        try:
            services.confirm_stop(
                quantities=form.quantities(),
                reason=form.cleaned_data.get("reason", ""),
                by=services.Confirmer.from_request(request, via=Delivery.Via.DELIVERY_BOY),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{deliveries[0].customer.name}: {form.summary()}.")
    else:
        messages.error(request, form.error_text())
    return _back_to_route(shift, customer_id)


@require_POST
@delivery_boy_required
def undo_stop(request, boy: DeliveryBoy, customer_id: int):
    shift = request.POST.get("shift", "")
    deliveries = _stop_deliveries(boy, customer_id, shift)
    try:
        services.undo_stop(
            deliveries=deliveries,
            by=services.Confirmer.from_request(request, via=Delivery.Via.DELIVERY_BOY),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{deliveries[0].customer.name}: back to not done.")
    return _back_to_route(shift, customer_id)
