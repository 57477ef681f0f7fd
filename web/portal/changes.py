"""The three changes a customer makes to a subscription at /me/, in the order they are
offered: skip a day, extra on a day (added to the usual), pause for a while; and their
undoing (back to the usual day, resume). Each is allowed until the cut-off the evening
before the first day it changes; after it, the page says so and gives the phone.

Each says what was done as a confirmation: "Skipped Tue 1 Dec: no Toned milk that day."
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import Customer
from earlybird.bounds import MAX_QUANTITY
from earlybird.forms import add_service_errors
from earlybird.templatetags.money import format_inr
from earlybird.units import quantity_text
from orders import services as order_services
from orders.models import Order, OrderLine, OrderPause
from orders.schedule import SERVED_CUSTOMER_STATUSES, due_on, schedule_of
from web.portal import selectors
from web.portal.access import customer_required
from web.portal.agenda import usual_schedule
from web.portal.forms import ExtraForm, PauseForm, ResumeForm, SkipForm
from web.portal.views import CallUs, check_cutoff, done, order_page, own_subscription, refused
from web.portal.words import amount_of, call_us, day_text, products_text


def _check_serves(customer: Customer, order: Order) -> None:
    if customer.status not in SERVED_CUSTOMER_STATUSES:
        status = customer.get_status_display().lower()
        raise CallUs(
            _("Your deliveries are %(status)s.") % {"status": status}
            + " "
            + call_us(lead=_("Please call us"))
        )
    if order.status != Order.Status.ACTIVE:
        status = order.get_status_display().lower()
        raise CallUs(
            _("This subscription is %(status)s.") % {"status": status}
            + " "
            + call_us(lead=_("Please call us"))
        )


def _day_plan(
    order: Order, customer: Customer, day: date
) -> tuple[dict[int, Decimal], dict[int, Decimal], bool]:
    """What the order makes due on `day` (per line id), what its pattern alone brings
    (the usual, without that day's skip or extra), and whether a pause covers it. Read
    fresh for that one day (the page's prefetch covers only the next weeks)."""
    fresh = selectors.own_order_for_day(order=order, day=day)
    schedule = schedule_of(fresh)
    paused = any(start <= day and (end is None or day <= end) for start, end in schedule.pauses)
    due = due_on(schedule, customer_status=customer.status, day=day)
    usual = due_on(usual_schedule(schedule), customer_status=customer.status, day=day)
    return due, usual, paused


def _names(order: Order, line_ids) -> str:
    return products_text(line.product.name for line in order.lines.all() if line.pk in line_ids)


# --- skip a day ---------------------------------------------------------------------------


@customer_required
def skip(request, customer: Customer, order_id: int):
    order = own_subscription(customer, order_id)
    if request.method != "POST":
        return order_page(request, customer, order, open_section="skip")
    form = SkipForm(request.POST)
    call = False
    if form.is_valid():
        day = form.cleaned_data["day"]
        try:
            check_cutoff(day)
            due, _usual, _paused = _day_plan(order, customer, day)
            if not due:
                raise ValidationError(
                    _("Nothing is coming on %(day)s; nothing to skip.") % {"day": day_text(day)}
                )
            order_services.skip_day(order=order, day=day)
        except ValidationError as exc:
            call = isinstance(exc, CallUs)
            add_service_errors(form, exc)
        else:
            return done(
                request,
                order,
                _("Skipped %(day)s: no %(products)s that day.")
                % {"day": day_text(day), "products": _names(order, due)},
            )
    return order_page(request, customer, order, open_section="skip", skip_form=form, call_us=call)


# --- extra on a day -----------------------------------------------------------------------


def _extra_total(line: OrderLine, day: date, extra: Decimal, usual: Decimal) -> Decimal:
    total = usual + extra
    if total > MAX_QUANTITY:
        raise CallUs(
            {
                "quantity": _(
                    "That makes %(total)s on %(day)s; at most %(most)s come in one delivery."
                )
                % {
                    "total": quantity_text(total, line.product.unit),
                    "day": day_text(day),
                    "most": quantity_text(MAX_QUANTITY, line.product.unit),
                }
                + " "
                + call_us(lead=_("For more, please call us"))
            }
        )
    return total


@customer_required
def extra(request, customer: Customer, order_id: int):
    order = own_subscription(customer, order_id)
    if request.method != "POST":
        return order_page(request, customer, order, open_section="extra")
    form = ExtraForm(request.POST, order=order)
    call = False
    if form.is_valid():
        line, day = form.cleaned_data["line"], form.cleaned_data["day"]
        more = form.cleaned_data["quantity"]
        try:
            check_cutoff(day)
            _check_serves(customer, order)
            _due, usual, paused = _day_plan(order, customer, day)
            if paused:
                raise ValidationError(
                    _("Deliveries are paused on %(day)s; resume them first.")
                    % {"day": day_text(day)}
                )
            total = _extra_total(line, day, more, usual.get(line.pk, Decimal(0)))
            order_services.set_day_override(line=line, day=day, quantity=total)
        except ValidationError as exc:
            call = isinstance(exc, CallUs)
            add_service_errors(form, exc)
        else:
            return done(request, order, _extra_done(customer, line, day, more, total))
    return order_page(request, customer, order, open_section="extra", extra_form=form, call_us=call)


def _extra_done(customer: Customer, line: OrderLine, day: date, more, total) -> str:
    """Extra 1 packet Cow milk on Wed 11 Mar: 3 packets in all that day, ₹84.00."""
    unit = line.product.unit
    price = selectors.prices_on(customer=customer, product_ids={line.product_id}, on=day)
    amount = amount_of(total, price.get(line.product_id))
    cost = f", {format_inr(amount)}" if amount is not None else ""
    return _("Extra %(extra)s %(product)s on %(day)s: %(total)s in all that day%(cost)s.") % {
        "extra": quantity_text(more, unit),
        "product": line.product.name,
        "day": day_text(day),
        "total": quantity_text(total, unit),
        "cost": cost,
    }


# --- pause, resume ------------------------------------------------------------------------


@customer_required
def pause(request, customer: Customer, order_id: int):
    order = own_subscription(customer, order_id)
    if request.method != "POST":
        return order_page(request, customer, order, open_section="pause")
    form = PauseForm(request.POST)
    call = False
    if form.is_valid():
        start, end = form.cleaned_data["start_date"], form.cleaned_data["end_date"]
        try:
            check_cutoff(start)
            order_services.pause_order(
                order=order, start_date=start, end_date=end, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            call = isinstance(exc, CallUs)
            add_service_errors(form, exc)
        else:
            return done(request, order, _paused_text(start, end))
    return order_page(request, customer, order, open_section="pause", pause_form=form, call_us=call)


def _paused_text(start: date, end: date | None) -> str:
    if end == start:
        return _("Paused on %(day)s: no deliveries that day.") % {"day": day_text(start)}
    if end is None:
        return _("Paused from %(day)s until you resume: no deliveries till then.") % {
            "day": day_text(start)
        }
    return _("Paused from %(start)s to %(end)s: no deliveries on those days.") % {
        "start": day_text(start),
        "end": day_text(end),
    }


@customer_required
def resume(request, customer: Customer, order_id: int, pause_id: int):
    order = own_subscription(customer, order_id)
    the_pause = get_object_or_404(OrderPause, order=order, pk=pause_id)
    if request.method != "POST":
        return redirect("me:order", order_id=order.pk)
    form = ResumeForm(request.POST)
    call = False
    if form.is_valid():
        first_back = form.cleaned_data["first_day_back"]
        try:
            # The first day that changes: the day back, or the pause's own start.
            check_cutoff(max(first_back, the_pause.start_date))
            order_services.resume_order(pause=the_pause, first_day_back=first_back)
        except ValidationError as exc:
            call = isinstance(exc, CallUs)
            add_service_errors(form, exc)
        else:
            return done(
                request,
                order,
                _("Resumed: deliveries start again on %(day)s.") % {"day": day_text(first_back)},
            )
    return order_page(
        request,
        customer,
        order,
        open_section="resume",
        call_us=call,
        resume_form=form,
        resume_pause_id=the_pause.pk,
    )


# --- back to the usual --------------------------------------------------------------------


@require_POST
@customer_required
def reset_day(request, customer: Customer, order_id: int):
    """Undo a skip or an extra: the day goes back to the usual quantities."""
    order = own_subscription(customer, order_id)
    form = SkipForm(request.POST)
    if not form.is_valid():
        return refused(request, order, ValidationError(_("Choose a day.")))
    day = form.cleaned_data["day"]
    try:
        check_cutoff(day)
        order_services.set_day_quantities(
            order=order, day=day, quantities=dict.fromkeys(order.lines.all())
        )
    except ValidationError as exc:
        return refused(request, order, exc)
    return done(request, order, _("Back to your usual on %(day)s.") % {"day": day_text(day)})
