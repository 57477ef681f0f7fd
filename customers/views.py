"""Staff pages for customers: list, detail, create (with login and first subscription),
edit, trial → active. Thin: access helper (404 for outsiders) → form → service →
message + redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from customers import selectors
from customers.forms import (
    CustomerCreateForm,
    CustomerFilterForm,
    CustomerForm,
    add_service_errors,
)
from customers.models import Customer
from customers.services import activate_customer, update_customer
from earlybird.access import staff_required
from earlybird.roles import ACCOUNTS, ADMIN, MARKETING, SUPPORT, customers_visible_to, has_role
from orders.services import create_customer_with_subscription

CUSTOMER_EDITORS = (ADMIN, MARKETING, SUPPORT)
SCHEDULE_EDITORS = (ADMIN, SUPPORT)
PRICE_MANAGERS = (ADMIN, ACCOUNTS)
PER_PAGE = 50


def visible_customer(request, customer_id: int) -> Customer:
    """The customer, if this user may see it (marketing: their own); else a 404."""
    return get_object_or_404(
        customers_visible_to(request.user).select_related("user", "area", "marketing_staff"),
        pk=customer_id,
    )


def permissions(user) -> dict[str, bool]:
    """What the page may offer this user (the views check again on POST)."""
    return {
        "edit": has_role(user, *CUSTOMER_EDITORS),
        "schedule": has_role(user, *SCHEDULE_EDITORS),
        "prices": has_role(user, *PRICE_MANAGERS),
    }


@staff_required()
def customer_list(request):
    form = CustomerFilterForm(request.GET or None, user=request.user)
    customers = selectors.customer_list(user=request.user, **form.filters())
    page = Paginator(customers, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "customers/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can": permissions(request.user)},
    )


@never_cache
@staff_required()
def customer_detail(request, customer_id: int):
    month = selectors.parse_month(request.GET.get("month"))
    page = selectors.customer_page(customer_id=customer_id, user=request.user, month=month)
    if page is None:
        raise Http404("No such customer.")
    return render(
        request,
        "customers/detail.html",
        {
            "page": page,
            "customer": page.customer,
            "previous_month": selectors.month_before(month),
            "next_month": selectors.month_after(month),
            "can": permissions(request.user),
        },
    )


@never_cache
@staff_required(*CUSTOMER_EDITORS)
def customer_create(request):
    form = CustomerCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            customer, subscription = create_customer_with_subscription(
                details=form.details(),
                password=form.chosen_password(),
                created_by=request.user,
                **form.subscription(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc, form.SERVICE_FIELDS)
        else:
            done = f"Customer {customer.name} ({customer.code}) created"
            if subscription is not None:
                done += f" with subscription {subscription.code}"
            messages.success(request, f"{done}.")
            if form.generated_password:
                # Kept server-side (session message storage) and shown on the next page only.
                messages.warning(
                    request,
                    f"Login for {customer.name}: mobile {customer.phone}, password "
                    f"{form.generated_password} — note it now, it is shown only this once.",
                )
            return redirect("customers:detail", customer_id=customer.pk)
    return render(request, "customers/form.html", {"form": form, "creating": True})


@staff_required(*CUSTOMER_EDITORS)
def customer_edit(request, customer_id: int):
    customer = visible_customer(request, customer_id)
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


@require_POST
@staff_required(*CUSTOMER_EDITORS)
def customer_activate(request, customer_id: int):
    customer = visible_customer(request, customer_id)
    try:
        customer = activate_customer(customer=customer)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{customer.name} is now an active customer.")
    return redirect("customers:detail", customer_id=customer.pk)
