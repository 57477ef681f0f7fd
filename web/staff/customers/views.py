"""Staff pages for customers, under /staff/customers/: list, detail, create (with login
and first subscription), edit, trial → active. They show and write several apps (a first
subscription, deliveries, balance), so they live in web.

Thin: access helper (404 for outsiders) → form → service → message + redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from customers.selectors import visible_customer
from customers.services import activate_customer, update_customer
from deliveries.services.routes import create_customer_on_route
from earlybird.access import staff_can, staff_required
from earlybird.forms import add_service_errors
from earlybird.frames import render_framed
from earlybird.pager import pager_html
from web.portal.access import link_lifetime, set_password_link
from web.staff.customers import selectors
from web.staff.customers.forms import CustomerCreateForm, CustomerFilterForm, CustomerForm
from web.staff.customers.list_rows import rows_html
from web.staff.customers.page import detail_page

PER_PAGE = 50


@staff_required
def customer_list(request):
    form = CustomerFilterForm(request.GET or None, user=request.user)
    page = selectors.list_page(
        user=request.user, number=request.GET.get("page"), per_page=PER_PAGE, **form.filters()
    )
    query = request.GET.copy()
    query.pop("page", None)
    query = query.urlencode()
    clear = format_html('<a href="{}">Clear</a>', reverse("customers:list")) if query else ""
    holes = {
        "count": str(page.paginator.count),
        "filters": form.controls_html(),
        "rows": rows_html(page.object_list),
        "clear": clear,
        "pager": pager_html(page, query),
    }
    frame = {"can_edit": staff_can(request.user)["edit"]}
    return render_framed(
        request, "customers/list.html", frame, holes, drawn_from={"form": form, "page": page}
    )


@never_cache
@staff_required
def customer_detail(request, customer_id: int):
    return detail_page(request, customer_id)


@never_cache
@staff_required
def customer_create(request):
    form = CustomerCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            customer, subscription, stop = create_customer_on_route(
                details=form.details(),
                password=form.chosen_password(),
                created_by=request.user,
                **form.subscription(),
                **form.route_place(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc, form.SERVICE_FIELDS)
        else:
            done = f"Customer {customer.name} ({customer.code}) created"
            if subscription is not None:
                done += f" with subscription {subscription.code}"
            if stop is not None:
                done += f", stop {stop.position} on {stop.delivery_boy.name}'s route"
            messages.success(request, f"{done}.")
            if form.generated_password:
                # Kept server-side (session message storage) and shown on the next page only.
                messages.warning(
                    request,
                    f"Login for {customer.name}: mobile {customer.phone}, password "
                    f"{form.generated_password} — note it now, it is shown only this once.",
                )
            elif not form.chosen_password():
                _show_set_password_link(request, customer)
            return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/form.html", {"form": form, "creating": True})


@staff_required
def customer_edit(request, customer_id: int):
    customer = visible_customer(user=request.user, customer_id=customer_id)
    form = CustomerForm(request.POST or None, user=request.user, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            update_customer(customer=customer, details=form.details())
        except ValidationError as exc:
            add_service_errors(form, exc, {"username": "phone"})
        else:
            messages.success(request, f"{customer.name}'s details saved.")
            return redirect("customers:detail", customer_id=customer.pk)
    return render(
        request, "customers/form.html", {"form": form, "customer": customer, "creating": False}
    )


def _show_set_password_link(request, customer) -> None:
    """The customer's set-password link, for staff to hand over (SMS, WhatsApp): kept
    server-side (session message storage) and shown on the next page only."""
    link = set_password_link(customer, request=request)
    messages.warning(
        request,
        f"Set-password link for {customer.name} (login: mobile {customer.phone}): {link} — "
        f"send it now, it is shown only this once. It works once, for "
        f"{link_lifetime()}, until a password is set.",
    )


@require_POST
@staff_required
def customer_password_link(request, customer_id: int):
    """A new set-password link (a customer who never set a password, or forgot it)."""
    customer = visible_customer(user=request.user, customer_id=customer_id)
    _show_set_password_link(request, customer)
    return redirect("customers:detail", customer_id=customer.pk)


@require_POST
@staff_required
def customer_activate(request, customer_id: int):
    customer = visible_customer(user=request.user, customer_id=customer_id)
    try:
        customer = activate_customer(customer=customer)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{customer.name} is now an active customer.")
    return redirect("customers:detail", customer_id=customer.pk)
