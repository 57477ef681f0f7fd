"""The delivery boy's phone view at /d/: today's route, one tap per stop; tomorrow's
list; the load sheet.

Today's route is ONE form (CSRF once) whose buttons name the action and the stop
(`act="delivered:<customer id>"`); with JavaScript off it posts to `act`, which applies
the tap through deliveries.services.offline (the same path as the phone's queue,
boy:sync in views/boy_sync.py) and redirects back to the stop. Labels are translated
once per page, not per stop, and no URL is reversed per stop: the page stays small and
quick at 400 stops. A delivery boy only ever sees his own route; anything else is a 404.
"""

import html
from datetime import timedelta
from functools import lru_cache, wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliveries import selectors_boy
from deliveries.models import Delivery, DeliveryBoy, Hold
from deliveries.services import Confirmer, offline
from deliveries.views.boy_stop import page_fragments, stop_html
from earlybird import plain_reads
from earlybird.frames import render_framed
from earlybird.idempotency import is_issued_form_key, issue_form_key
from earlybird.sessions import NOT_READ, user_row
from orders.models import Order

ACT = "boy:act"  # the operation the page's one-time key is issued for


def delivery_boy_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("boy:login"))
        boy = user_row(request.user, DeliveryBoy)
        if boy is NOT_READ:  # a session read without it
            found = plain_reads.one(DeliveryBoy, "t.user_id = %s", [request.user.pk])
            boy = found[0] if found else None
        if boy is None or not boy.is_active:
            raise Http404("No such page.")
        return view(request, boy, *args, **kwargs)

    return wrapper


def current_shift() -> str:
    return Order.Shift.MORNING if timezone.localtime().hour < 13 else Order.Shift.EVENING


def shift_labels(shift: str) -> dict[str, str]:
    morning = shift == Order.Shift.MORNING
    return {
        "shift_label": Order.Shift(shift).label,
        "other_shift": Order.Shift.EVENING if morning else Order.Shift.MORNING,
        "switch_label": _("Switch to evening") if morning else _("Switch to morning"),
    }


def stop_labels() -> dict[str, str]:
    """Every label of a stop, translated once per page."""
    return {
        "call": _("Call"),
        "map": _("Map"),
        "due": _("Due:"),
        "bottle_balance": _("Bottles with the customer:"),
        "undo": _("Undo"),
        "delivered": _("Delivered"),
        "partial": _("Partial"),
        "of_ordered": _("%(product)s (of %(ordered)s)"),
        "save_partial": _("Save partial"),
        "not_delivered": _("Not delivered"),
        "why": _("Why?"),
        "bottles": _("Bottles"),
        "bottles_collected": _("empties collected"),
        "save_bottles": _("Save bottles"),
        "cash": _("Cash"),
        "cash_received": _("Cash received (₹)"),
        "record_cash": _("Record cash"),
        "cash_page": _("Wallet, bills or a note"),
        "dont_ring": _("Nothing to deliver: don't ring."),
    }


def label_stops(stops) -> None:
    """Each stop's held label and each delivery's status badge, in his language (the
    models' choice labels, translated)."""
    reasons = dict(Delivery.Reason.choices)
    for stop in stops:
        if stop.hold:
            label = Hold.Reason(stop.hold.reason).label
            stop.t_hold = html.escape(str(label), quote=False)
        for d in stop.deliveries:
            if d.status not in Delivery.CONFIRMED_STATUSES:
                d.badge = ""
                continue
            badge = str(Delivery.Status(d.status).label)
            if d.status == Delivery.Status.PARTIAL:
                badge = f"{badge} {d.delivered_qty.normalize():f}"
            if d.reason:
                badge = f"{badge} · {reasons.get(d.reason, d.reason)}"
            d.badge = badge


@lru_cache(maxsize=16)
def _stop_context(language: str, prefix: str) -> dict:
    """What boy_stop.stop_html needs besides the stop: made once per language (and URL
    prefix) and process."""
    reasons = format_html_join("", '<option value="{}">{}</option>', Delivery.Reason.choices)
    # Text between tags only: quotes may stay as they are ("don't ring").
    labels = {name: html.escape(text, quote=False) for name, text in stop_labels().items()}
    reason_options = format_html('<option value="">{}</option>{}', _("Choose…"), reasons)
    # /d/stops/<id>/cash/ without a reversal per stop.
    cash_page = reverse("boy:cash", args=[0]).removesuffix("0/cash/")
    return {
        "labels": labels,
        "reason_options": reason_options,
        "cash_page": cash_page,
        "fragments": page_fragments(labels, reason_options, cash_page),
    }


# Markups kept per process: a few routes' stops in each language (about 2 KB each).
STOPS_KEPT = 4096


def stops_html(request, page_stops, *, confirmable: bool) -> str:
    """Every stop's <li> (selectors_boy.PageStop), labelled in his language (see
    boy_stop). A stop's markup is made once and kept by everything it shows (its rows),
    so a reload after one tap remakes only that stop."""
    language, prefix = get_language(), get_script_prefix()
    return mark_safe(  # noqa: S308 - stop_html escapes every value it writes  # nosec B308 B703
        "".join(_stop_markup(language, prefix, confirmable, stop) for stop in page_stops)
    )


@lru_cache(maxsize=STOPS_KEPT)
def _stop_markup(language: str, prefix: str, confirmable: bool, page_stop) -> str:
    """The markup of one stop in `language` (the one active: it is in the key so that a
    stop is never shown in another's language)."""
    stop = page_stop.stop()
    label_stops([stop])
    return stop_html(stop, confirmable=confirmable, **_stop_context(language, prefix))


def windows_html(page: selectors_boy.RoutePage, shift: str) -> str:
    """The links to every window of a long route (none for a route of one window), shown
    above and below its stops: one string, not a template loop drawn twice."""
    if not page.parts:
        return ""
    return _windows_markup(tuple(page.parts), shift, _("Stops"))


@lru_cache(maxsize=256)
def _windows_markup(parts: tuple, shift: str, label: str) -> str:
    """The windows' links, made once per process for each route length, window, shift
    and language (the label)."""
    items = "".join(
        f' <strong aria-current="page">{first}–{last}</strong>'
        if current
        else f' <a href="?shift={html.escape(shift)}&amp;part={n}">{first}–{last}</a>'
        for n, first, last, current in parts
    )
    label = html.escape(label)
    return mark_safe(  # noqa: S308 - the label and shift escaped, the rest numbers  # nosec B308 B703
        f'<nav class="route-parts" aria-label="{label}">{label}{items}</nav>'
    )


def _shift_asked(request, default: str) -> str:
    shift = request.GET.get("shift")
    return shift if shift in Order.Shift.values else default


def _window_asked(request) -> dict[str, int | None]:
    """Which window of the route to show: the one holding customer `stop`, or window
    `part`; anything else (or nothing) gives the one with his first stop not done."""
    asked = {}
    for name in ("part", "stop"):
        value = request.GET.get(name, "")
        asked[name] = int(value) if value.isdigit() and 0 < len(value) < 10 else None
    return asked


@delivery_boy_required
def route_today(request, boy: DeliveryBoy):
    shift = _shift_asked(request, current_shift())
    day = timezone.localdate()
    page = selectors_boy.route_page(
        delivery_boy=boy, day=day, shift=shift, **_window_asked(request)
    )
    # The page's frame is kept per day, shift and person (earlybird.frames); the rest is
    # each request's.
    frame = {
        "day": day,
        "shift": shift,
        "has_stops": bool(page.page_stops),
        "generated": page.generated,
        **shift_labels(shift),
    }
    holes = {
        "done": str(page.done),
        "total": str(page.to_deliver),
        "left": str(page.left),
        "done_elsewhere": str(page.done_elsewhere),
        "total_elsewhere": str(page.to_deliver_elsewhere),
        "stops_html": stops_html(request, page.page_stops, confirmable=True),
        "windows_html": windows_html(page, shift),
        "once": issue_form_key(user=request.user, operation=ACT),
    }
    return render_framed(request, "deliveries/boy/route.html", frame, holes)


@delivery_boy_required
def route_tomorrow(request, boy: DeliveryBoy):
    shift = _shift_asked(request, Order.Shift.MORNING)
    day = timezone.localdate() + timedelta(days=1)
    page = selectors_boy.route_page(
        delivery_boy=boy, day=day, shift=shift, **_window_asked(request)
    )
    context = {"boy": boy, "day": day, "shift": shift, "page": page, **shift_labels(shift)}
    context["stops_html"] = stops_html(request, page.page_stops, confirmable=False)
    context["windows_html"] = windows_html(page, shift)
    return render(request, "deliveries/boy/tomorrow.html", context)


@delivery_boy_required
def load(request, boy: DeliveryBoy):
    """What to pick up at the dairy today and tomorrow, per shift (read only)."""
    today = timezone.localdate()
    days = [today, today + timedelta(days=1)]
    sheet = selectors_boy.load_sheet(delivery_boy=boy, days=days)
    for shift in sheet:
        shift.label = shift_labels(shift.shift)["shift_label"]
        shift.is_today = shift.day == today
    return render(request, "deliveries/boy/load.html", {"boy": boy, "sheet": sheet, "days": days})


def _by_delivery(post, prefix: str) -> dict[int, str]:
    """{delivery id: value} of the inputs `<prefix><id>` (the page's one form sends every
    stop's; the action's kind keeps its own stop's)."""
    values = {}
    for name, value in post.items():
        if name.startswith(prefix) and name[len(prefix) :].isdigit() and len(name) < 40:
            values[int(name[len(prefix) :])] = value
    return values


@require_POST
@delivery_boy_required
def act(request, boy: DeliveryBoy):
    """A tap on the route page with JavaScript off: `act="<kind>:<customer id>"`."""
    shift = request.POST.get("shift", "")
    shift = shift if shift in Order.Shift.values else current_shift()
    route = f"{reverse('boy:route')}?shift={shift}"
    kind, _sep, customer = request.POST.get("act", "").partition(":")
    if kind not in offline.kinds() or not customer.isdigit() or len(customer) > 18:
        messages.error(request, _("Tap one of the buttons of a stop."))
        return redirect(route)
    once = request.POST.get("once", "")
    if not is_issued_form_key(once, user=request.user, operation=ACT):
        messages.error(request, _("This page was out of date. Check the stop and tap again."))
        return redirect(f"{route}&stop={customer}#stop-{customer}")
    quantities = _by_delivery(request.POST, "qty_")
    bottles = _by_delivery(request.POST, "bottles_")
    action = offline.Action(
        key=f"{once}:{kind}:{customer}"[:100],
        kind=kind,
        day=timezone.localdate(),
        shift=shift,
        customer_id=int(customer),
        seen=request.POST.get(f"seen_{customer}") or None,
        quantities=quantities,
        reason=request.POST.get(f"reason_{customer}", ""),
        bottles=bottles,
        amount=request.POST.get(f"cash_{customer}", "").strip(),
        content={"act": request.POST.get("act"), "quantities": quantities, "bottles": bottles},
    )
    result = offline.apply_action(
        action=action, boy=boy, by=Confirmer.from_request(request, via=Delivery.Via.DELIVERY_BOY)
    )
    if result.code == offline.NOT_HIS:
        raise Http404("No such stop on your route today.")
    show = {
        "done": messages.success,
        "replayed": messages.info,
        "conflict": messages.warning,
    }.get(result.result, messages.error)
    show(request, result.message)
    return redirect(f"{route}&stop={customer}#stop-{customer}")
