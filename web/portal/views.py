"""The customer's own pages at /me/: deliveries on a calendar, pause / skip / extra,
one-time orders, bills and the UPI pay link. Phone-sized, plain forms, no JavaScript.

Only a logged-in user with a Customer gets these pages; anyone else gets a 404, and a
customer only ever reaches their own orders and bills (anyone else's id is a 404).
Every change is allowed until the cut-off the evening before the first day it changes
(orders.services.check_customer_cutoff) and refused with the reason after it, before
anything is written.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from billing import selectors as billing
from billing.gateway import online_payments_enabled
from billing.models import Bill
from billing.upi import upi_link
from customers.models import Customer
from earlybird.forms import add_service_errors
from orders import services as order_services
from orders.models import Order, OrderPause
from orders.schedule import SERVED_CUSTOMER_STATUSES, due_on, schedule_of
from web.portal import selectors
from web.portal.access import customer_required
from web.portal.forms import ExtraForm, OneTimeOrderForm, PauseForm, ResumeForm, SkipForm
from web.portal.wallet import wallet_context

RECENT_BILLS = 3
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# --- access ----------------------------------------------------------------------------


def _own_order(customer: Customer, order_id: int) -> Order:
    order = selectors.own_order(customer=customer, order_id=order_id, today=timezone.localdate())
    if order is None:
        raise Http404("No such order.")
    return order


def _own_subscription(customer: Customer, order_id: int) -> Order:
    order = _own_order(customer, order_id)
    if order.kind != Order.Kind.SUBSCRIPTION:
        raise Http404("No such subscription.")
    return order


# --- home -----------------------------------------------------------------------------


def describe_pattern(order: Order) -> str:
    if order.kind == Order.Kind.ONE_TIME:
        return f"On {order.start_date:%a %d %b}"
    if order.pattern == Order.Pattern.ALTERNATE_DAYS:
        return f"Alternate days from {order.start_date:%d %b}"
    if order.pattern == Order.Pattern.WEEKDAYS:
        return ", ".join(WEEKDAY_NAMES[d] for d in sorted(order.weekdays))
    return order.get_pattern_display()


@customer_required
def home(request, customer: Customer):
    today = timezone.localdate()
    orders = selectors.open_orders(customer=customer, today=today)
    for order in orders:
        order.pattern_text = describe_pattern(order)
    bills = list(billing.issued_bills(customer=customer)[:RECENT_BILLS])
    context = {
        "customer": customer,
        "today": today,
        "calendar": selectors.delivery_calendar(customer=customer, today=today, orders=orders),
        "subscriptions": [o for o in orders if o.kind == Order.Kind.SUBSCRIPTION],
        "one_time_orders": [
            o for o in orders if o.kind == Order.Kind.ONE_TIME and o.start_date >= today
        ],
        "served": customer.status in SERVED_CUSTOMER_STATUSES,
        "bills": bills,
        **_money_context(customer, bill=bills[0] if bills else None),
        **wallet_context(customer),
        "first_open_day": selectors.first_open_day(),
        "cutoff": settings.CUSTOMER_CHANGE_CUTOFF,
    }
    return render(request, "customers/me/home.html", context)


# --- one order and the changes to it --------------------------------------------------


def _order_page(request, customer: Customer, order: Order, *, open_section: str = "", **forms):
    first_open = selectors.first_open_day()
    order.pattern_text = describe_pattern(order)
    context = {
        "customer": customer,
        "order": order,
        "is_subscription": order.kind == Order.Kind.SUBSCRIPTION,
        "first_open_day": first_open,
        "cutoff": settings.CUSTOMER_CHANGE_CUTOFF,
        "open_section": open_section,
        "pause_form": forms.get("pause_form") or PauseForm(initial={"start_date": first_open}),
        "skip_form": forms.get("skip_form") or SkipForm(initial={"day": first_open}),
        "extra_form": forms.get("extra_form")
        or ExtraForm(order=order, initial={"day": first_open}),
        "resume_form": forms.get("resume_form"),
        "resume_pause_id": forms.get("resume_pause_id"),
        "overrides": sorted(
            (
                (override.date, line, override.quantity)
                for line in order.lines.all()
                for override in line.overrides.all()
            ),
            key=lambda row: (row[0], row[1].pk),
        ),
        "can_cancel": order.kind == Order.Kind.ONE_TIME
        and order.status == Order.Status.PLACED
        and order.start_date >= first_open,
    }
    return render(request, "customers/me/order.html", context)


def _done(request, order: Order, message: str):
    messages.success(request, message)
    return redirect("me:order", order_id=order.pk)


@customer_required
def order_detail(request, customer: Customer, order_id: int):
    return _order_page(request, customer, _own_order(customer, order_id))


def _check_serves(customer: Customer, order: Order) -> None:
    if customer.status not in SERVED_CUSTOMER_STATUSES:
        raise ValidationError(
            f"Your deliveries are {customer.get_status_display().lower()}; please call us."
        )
    if order.status != Order.Status.ACTIVE:
        raise ValidationError(
            f"This subscription is {order.get_status_display().lower()}; please call us."
        )


def _day_plan(order: Order, customer: Customer, day: date) -> tuple[dict[int, Decimal], bool]:
    """What the order makes due on `day` (per line id), and whether a pause covers it.
    Read fresh for that one day (the page's prefetch covers only the next weeks)."""
    fresh = selectors.own_order_for_day(order=order, day=day)
    schedule = schedule_of(fresh)
    paused = any(start <= day and (end is None or day <= end) for start, end in schedule.pauses)
    return due_on(schedule, customer_status=customer.status, day=day), paused


@customer_required
def pause(request, customer: Customer, order_id: int):
    order = _own_subscription(customer, order_id)
    if request.method != "POST":
        return _order_page(request, customer, order, open_section="pause")
    form = PauseForm(request.POST)
    if form.is_valid():
        start, end = form.cleaned_data["start_date"], form.cleaned_data["end_date"]
        try:
            order_services.check_customer_cutoff(day=start)
            order_services.pause_order(
                order=order, start_date=start, end_date=end, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            until = f"to {end:%a %d %b}" if end else "until you resume"
            return _done(request, order, f"Paused from {start:%a %d %b} {until}.")
    return _order_page(request, customer, order, open_section="pause", pause_form=form)


@customer_required
def resume(request, customer: Customer, order_id: int, pause_id: int):
    order = _own_subscription(customer, order_id)
    the_pause = get_object_or_404(OrderPause, order=order, pk=pause_id)
    if request.method != "POST":
        return redirect("me:order", order_id=order.pk)
    form = ResumeForm(request.POST)
    if form.is_valid():
        first_back = form.cleaned_data["first_day_back"]
        try:
            # The first day that changes: the day back, or the pause's own start.
            order_services.check_customer_cutoff(day=max(first_back, the_pause.start_date))
            order_services.resume_order(pause=the_pause, first_day_back=first_back)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, order, f"Deliveries start again on {first_back:%a %d %b}.")
    return _order_page(
        request,
        customer,
        order,
        open_section="resume",
        resume_form=form,
        resume_pause_id=the_pause.pk,
    )


@customer_required
def skip(request, customer: Customer, order_id: int):
    order = _own_subscription(customer, order_id)
    if request.method != "POST":
        return _order_page(request, customer, order, open_section="skip")
    form = SkipForm(request.POST)
    if form.is_valid():
        day = form.cleaned_data["day"]
        try:
            order_services.check_customer_cutoff(day=day)
            due, _paused = _day_plan(order, customer, day)
            if not due:
                raise ValidationError(f"Nothing is coming on {day:%a %d %b}; nothing to skip.")
            order_services.skip_day(order=order, day=day)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, order, f"No delivery on {day:%a %d %b}.")
    return _order_page(request, customer, order, open_section="skip", skip_form=form)


@customer_required
def extra(request, customer: Customer, order_id: int):
    order = _own_subscription(customer, order_id)
    if request.method != "POST":
        return _order_page(request, customer, order, open_section="extra")
    form = ExtraForm(request.POST, order=order)
    if form.is_valid():
        line, day = form.cleaned_data["line"], form.cleaned_data["day"]
        quantity = form.cleaned_data["quantity"]
        try:
            order_services.check_customer_cutoff(day=day)
            _check_serves(customer, order)
            due, paused = _day_plan(order, customer, day)
            if paused:
                raise ValidationError(
                    f"Deliveries are paused on {day:%a %d %b}; resume them first."
                )
            already = due.get(line.pk, Decimal(0))
            if quantity <= already:
                raise ValidationError(
                    {
                        "quantity": f"{already.normalize():f} {line.product.name} is already "
                        f"coming on {day:%a %d %b}; ask for more than that "
                        "(to have none, skip the day)."
                    }
                )
            order_services.set_day_override(line=line, day=day, quantity=quantity)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(
                request,
                order,
                f"{quantity.normalize():f} {line.product.name} on {day:%a %d %b}.",
            )
    return _order_page(request, customer, order, open_section="extra", extra_form=form)


@require_POST
@customer_required
def reset_day(request, customer: Customer, order_id: int):
    """Undo a skip or an extra: the day goes back to the usual quantities."""
    order = _own_subscription(customer, order_id)
    form = SkipForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a day.")
        return redirect("me:order", order_id=order.pk)
    day = form.cleaned_data["day"]
    try:
        order_services.check_customer_cutoff(day=day)
        order_services.set_day_quantities(
            order=order, day=day, quantities=dict.fromkeys(order.lines.all())
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("me:order", order_id=order.pk)
    return _done(request, order, f"{day:%a %d %b} is back to your usual delivery.")


@require_POST
@customer_required
def cancel(request, customer: Customer, order_id: int):
    order = _own_order(customer, order_id)
    if order.kind != Order.Kind.ONE_TIME:
        raise Http404("No such one-time order.")
    try:
        order_services.check_customer_cutoff(day=order.start_date)
        order_services.cancel_one_time_order(order=order)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("me:order", order_id=order.pk)
    messages.success(request, f"Order {order.code} is cancelled.")
    return redirect("me:home")


@customer_required
def new_order(request, customer: Customer):
    products = list(selectors.products_for_sale())
    first_open = selectors.first_open_day()
    if request.method == "POST":
        form = OneTimeOrderForm(request.POST, products=products)
        if form.is_valid():
            day = form.cleaned_data["delivery_date"]
            try:
                order_services.check_customer_cutoff(day=day)
                order = order_services.create_one_time_order(
                    customer=customer,
                    delivery_date=day,
                    lines=form.lines(),
                    shift=form.cleaned_data["shift"],
                    notes=form.cleaned_data["notes"],
                    created_by=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _done(
                    request,
                    order,
                    f"Order {order.code} placed for {day:%a %d %b} ({order.get_shift_display()}).",
                )
    else:
        form = OneTimeOrderForm(
            products=products,
            initial={"delivery_date": max(first_open, timezone.localdate() + timedelta(days=1))},
        )
    return render(
        request,
        "customers/me/new_order.html",
        {"customer": customer, "form": form, "first_open_day": first_open},
    )


# --- bills ----------------------------------------------------------------------------


def _money_context(customer: Customer, *, bill: Bill | None) -> dict:
    """What the customer owes now (billing's balance), and the UPI link to pay it."""
    balance = billing.balance_for(customer)
    return {
        "balance": balance,
        "credit": -balance if balance < 0 else None,
        "upi_link": upi_link(amount=balance, note=selectors.pay_note(customer=customer, bill=bill)),
        "pay_online": online_payments_enabled(),
    }


@customer_required
def bills(request, customer: Customer):
    bill_list = list(billing.issued_bills(customer=customer))
    context = {
        "customer": customer,
        "bills": bill_list,
        **_money_context(customer, bill=bill_list[0] if bill_list else None),
    }
    return render(request, "customers/me/bills.html", context)


@customer_required
def bill(request, customer: Customer, bill_id: int):
    """One issued bill: billing's statement and printable detail (the staff see the same)."""
    the_bill = get_object_or_404(billing.issued_bills(customer=customer), pk=bill_id)
    detail = billing.bill_detail(bill_id=the_bill.pk)
    context = {
        "customer": customer,
        "detail": detail,
        "statement": detail.statement,
        **_money_context(customer, bill=the_bill),
    }
    return render(request, "customers/me/bill.html", context)
