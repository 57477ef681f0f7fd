"""The customer's own pages at /me/: their deliveries day by day (and as a month),
one-time orders, bills and the UPI pay link. Phone-sized, plain forms, no JavaScript.
Pause / skip / extra are web/portal/changes.py.

Only a logged-in user with a Customer gets these pages; anyone else gets a 404, and a
customer only ever reaches their own orders and bills (anyone else's id is a 404).
Every change is allowed until the cut-off the evening before the first day it changes
(orders.services.customer_cutoff_passed) and refused after it with the business's
phone, before anything is written.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from billing import selectors as billing
from billing.gateway import online_payments_enabled
from billing.models import Bill
from billing.upi import upi_link
from customers.models import Customer
from earlybird.forms import add_service_errors
from earlybird.templatetags.money import format_inr
from earlybird.units import quantity_text
from orders import services as order_services
from orders.models import Order, OrderLine
from orders.schedule import SERVED_CUSTOMER_STATUSES
from web.portal import selectors
from web.portal.access import customer_required
from web.portal.agenda import delivery_calendar
from web.portal.calendar_html import deliveries_html
from web.portal.forms import ExtraForm, OneTimeOrderForm, PauseForm, SkipForm
from web.portal.wallet import wallet_context
from web.portal.words import (
    amount_of,
    call_us,
    day_text,
    lines_text,
    order_title,
    price_text,
)

RECENT_BILLS = 3
WEEKDAY_NAMES = tuple(
    pgettext_lazy("weekday", name) for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
)
CALL_US_TAG = "call-us"  # a message that tells the customer to call: the page adds a tel: link
VIEWS = ("agenda", "month")  # ?view= on the home page; none: the screen's width decides


class CallUs(ValidationError):
    """A change the customer cannot make here: the page shows the business's phone."""


# --- access ----------------------------------------------------------------------------


def _own_order(customer: Customer, order_id: int) -> Order:
    order = selectors.own_order(customer=customer, order_id=order_id, today=timezone.localdate())
    if order is None:
        raise Http404("No such order.")
    return order


def own_subscription(customer: Customer, order_id: int) -> Order:
    order = _own_order(customer, order_id)
    if order.kind != Order.Kind.SUBSCRIPTION:
        raise Http404("No such subscription.")
    return order


def check_cutoff(day: date) -> None:
    """orders.services' cut-off rule, said with the day and the phone to call instead."""
    if order_services.customer_cutoff_passed(day=day):
        closed = settings.CUSTOMER_CHANGE_CUTOFF.strftime("%I:%M %p").lstrip("0")
        raise CallUs(
            _("Changes for %(day)s closed at %(time)s on %(eve)s.")
            % {"day": day_text(day), "time": closed, "eve": day_text(day - timedelta(days=1))}
            + " "
            + call_us()
        )


def asked_to_call(request) -> bool:
    return any(CALL_US_TAG in m.extra_tags for m in messages.get_messages(request))


# --- what an order brings --------------------------------------------------------------


def describe_pattern(order: Order) -> str:
    if order.kind == Order.Kind.ONE_TIME:
        return _("On %(day)s") % {"day": day_text(order.start_date)}
    if order.pattern == Order.Pattern.ALTERNATE_DAYS:
        return _("Alternate days from %(day)s") % {"day": day_text(order.start_date)}
    if order.pattern == Order.Pattern.WEEKDAYS:
        return ", ".join(str(WEEKDAY_NAMES[d]) for d in sorted(order.weekdays))
    if order.pattern == Order.Pattern.DAILY:
        return _("Every day")
    return order.get_pattern_display()


@dataclass
class LineRow:
    """One product of an order as the customer reads it: 2 packets, ₹28.00 a packet."""

    line: OrderLine
    quantity_text: str
    price_text: str
    amount: Decimal | None


def describe(order: Order, price_of) -> Order:
    """Set the order's title (its products), pattern in words and priced lines;
    `price_of(product_id)` is the unit price to show."""
    order.title = order_title(order)
    order.pattern_text = describe_pattern(order)
    order.line_rows = [
        LineRow(
            line=line,
            quantity_text=quantity_text(line.quantity, line.product.unit),
            price_text=price_text(price_of(line.product_id), line.product.unit),
            amount=amount_of(line.quantity, price_of(line.product_id)),
        )
        for line in order.lines.all()
    ]
    amounts = [row.amount for row in order.line_rows if row.amount is not None]
    order.day_cost = sum(amounts, Decimal(0)) if amounts else None
    return order


def priced_on(order: Order, first_open: date) -> date:
    """The day whose prices an order shows: a one-time order's own day; a subscription's
    next day that can still change (or its first day, if later)."""
    if order.kind == Order.Kind.ONE_TIME:
        return order.start_date
    return max(first_open, order.start_date)


# --- home -----------------------------------------------------------------------------


@customer_required
def home(request, customer: Customer):
    today = timezone.localdate()
    first_open = selectors.first_open_day()
    orders = selectors.open_orders(customer=customer, today=today)
    calendar = delivery_calendar(customer=customer, today=today, orders=orders)
    for order in orders:
        day = priced_on(order, first_open)
        describe(order, lambda product_id, day=day: calendar.prices.on(product_id, day))
    bills = list(billing.issued_bills(customer=customer)[:RECENT_BILLS])
    view = request.GET.get("view")
    view = view if view in VIEWS else ""
    context = {
        "customer": customer,
        "today": today,
        "calendar": calendar,
        **deliveries_html(calendar, agenda=view != "month", month=view != "agenda"),
        "view": view,
        "subscriptions": [o for o in orders if o.kind == Order.Kind.SUBSCRIPTION],
        "one_time_orders": [
            o for o in orders if o.kind == Order.Kind.ONE_TIME and o.start_date >= today
        ],
        "served": customer.status in SERVED_CUSTOMER_STATUSES,
        "bills": bills,
        **_money_context(customer, bill=bills[0] if bills else None),
        **wallet_context(customer),
        "first_open_day": first_open,
        "cutoff": settings.CUSTOMER_CHANGE_CUTOFF,
        "call_us": asked_to_call(request),
    }
    return render(request, "customers/me/home.html", context)


# --- one order ------------------------------------------------------------------------


def order_page(
    request,
    customer: Customer,
    order: Order,
    *,
    open_section: str = "",
    call_us: bool = False,
    **forms,
):
    """The order with its products and prices, and (a subscription) the three changes:
    skip a day, extra on a day, pause; `open_section` is the one asked for."""
    first_open = selectors.first_open_day()
    prices = selectors.prices_on(
        customer=customer,
        product_ids={line.product_id for line in order.lines.all()},
        on=priced_on(order, first_open),
    )
    describe(order, prices.get)
    context = {
        "customer": customer,
        "order": order,
        "is_subscription": order.kind == Order.Kind.SUBSCRIPTION,
        "first_open_day": first_open,
        "cutoff": settings.CUSTOMER_CHANGE_CUTOFF,
        "open_section": open_section,
        "call_us": call_us or asked_to_call(request),
        "skip_form": forms.get("skip_form") or SkipForm(initial={"day": first_open}),
        "extra_form": forms.get("extra_form")
        or ExtraForm(order=order, prices=prices, initial={"day": first_open}),
        "pause_form": forms.get("pause_form") or PauseForm(initial={"start_date": first_open}),
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


def done(request, order: Order, message: str):
    messages.success(request, message)
    return redirect("me:order", order_id=order.pk)


def refused(request, order: Order, exc: ValidationError):
    """A change refused on a page with no form of its own: say why, back on the order."""
    tags = CALL_US_TAG if isinstance(exc, CallUs) else ""
    messages.error(request, " ".join(exc.messages), extra_tags=tags)
    return redirect("me:order", order_id=order.pk)


@customer_required
def order_detail(request, customer: Customer, order_id: int):
    return order_page(request, customer, _own_order(customer, order_id))


@require_POST
@customer_required
def cancel(request, customer: Customer, order_id: int):
    order = _own_order(customer, order_id)
    if order.kind != Order.Kind.ONE_TIME:
        raise Http404("No such one-time order.")
    try:
        check_cutoff(order.start_date)
        order_services.cancel_one_time_order(order=order)
    except ValidationError as exc:
        return refused(request, order, exc)
    messages.success(
        request,
        _("Cancelled your order of %(products)s for %(day)s.")
        % {"products": order_title(order), "day": day_text(order.start_date)},
    )
    return redirect("me:home")


@customer_required
def new_order(request, customer: Customer):
    first_open = selectors.first_open_day()
    products = list(
        selectors.priced(selectors.products_for_sale(), customer=customer, on=first_open)
    )
    call = False
    if request.method == "POST":
        form = OneTimeOrderForm(request.POST, products=products)
        if form.is_valid():
            day = form.cleaned_data["delivery_date"]
            try:
                check_cutoff(day)
                order = order_services.create_one_time_order(
                    customer=customer,
                    delivery_date=day,
                    lines=form.lines(),
                    shift=form.cleaned_data["shift"],
                    notes=form.cleaned_data["notes"],
                    created_by=request.user,
                )
            except ValidationError as exc:
                call = isinstance(exc, CallUs)
                add_service_errors(form, exc)
            else:
                return done(request, order, _ordered(customer, order, form.lines()))
    else:
        form = OneTimeOrderForm(
            products=products,
            initial={"delivery_date": max(first_open, timezone.localdate() + timedelta(days=1))},
        )
    return render(
        request,
        "customers/me/new_order.html",
        {"customer": customer, "form": form, "first_open_day": first_open, "call_us": call},
    )


def _ordered(customer: Customer, order: Order, lines) -> str:
    """Ordered for Wed 11 Mar (evening): 2 packets Curd 500 g, ₹70.00."""
    day = order.start_date
    prices = selectors.prices_on(
        customer=customer, product_ids={spec.product.pk for spec in lines}, on=day
    )
    amounts = [amount_of(spec.quantity, prices.get(spec.product.pk)) for spec in lines]
    cost = f", {format_inr(sum(amounts))}" if None not in amounts else ""
    what = lines_text((spec.product, spec.quantity) for spec in lines)
    shift = _("evening") if order.shift == Order.Shift.EVENING else _("morning")
    return _("Ordered for %(day)s (%(shift)s): %(what)s%(cost)s.") % {
        "day": day_text(day),
        "shift": shift,
        "what": what,
        "cost": cost,
    }


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
