"""Staff pages for orders: subscriptions (create, edit), one-time orders (list, place,
cancel), products and prices, customer special prices. An order's own page and its
schedule edits (pause, resume, day overrides, stop) show its deliveries, so they live in
web.staff.orders, under the same "orders" namespace.

Thin: access helper (404 for outsiders) → form → service → message + redirect. A form
with errors is shown again, with the errors on its fields, and nothing is saved.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from customers.selectors import customers_visible_to, visible_customer
from earlybird.access import staff_can, staff_required
from earlybird.forms import add_service_errors
from orders import services
from orders.forms import (
    CustomerPriceForm,
    NewProductForm,
    OneTimeFilterForm,
    OneTimeOrderForm,
    PriceForm,
    ProductForm,
    SubscriptionForm,
)
from orders.models import CustomerPrice, Order, OrderLine, Product
from orders.selectors import with_prices

PER_PAGE = 50
PRICE_HISTORY_ROWS = 50


def visible_order(request, order_id: int, *, kind: str | None = None) -> Order:
    """The order, if this user may see its customer (marketing: their own); else a 404."""
    orders = Order.objects.select_related("customer", "created_by").filter(
        customer__in=customers_visible_to(request.user)
    )
    if kind is not None:
        orders = orders.filter(kind=kind)
    return get_object_or_404(orders, pk=order_id)


def products_on_sale() -> list[Product]:
    return list(Product.objects.filter(is_active=True).order_by("sort_order", "name"))


def order_url(order: Order, month=None) -> str:
    url = reverse("orders:detail", kwargs={"order_id": order.pk})
    return f"{url}?month={month:%Y-%m}" if month else url


# --- one order (its page and schedule edits show its deliveries: web.staff.orders) ---


@require_POST
@staff_required
def order_cancel(request, order_id: int):
    order = visible_order(request, order_id, kind=Order.Kind.ONE_TIME)
    try:
        order = services.cancel_one_time_order(order=order)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{order.code} cancelled.")
    return redirect(order_url(order))


# --- subscriptions -----------------------------------------------------------------------


@staff_required
def subscription_create(request, customer_id: int):
    customer = visible_customer(user=request.user, customer_id=customer_id)
    form = SubscriptionForm(request.POST or None, products=products_on_sale())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.create_subscription(
                customer=customer,
                lines=[services.LineSpec(p, q) for p, q in form.quantities().items()],
                start_date=data["start_date"],
                pattern=data["pattern"],
                weekdays=data["weekdays"],
                shift=data["shift"],
                end_date=data["end_date"],
                notes=data["notes"],
                created_by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, form.SERVICE_FIELDS)
        else:
            messages.success(request, f"Subscription {order.code} for {customer.name} created.")
            return redirect(order_url(order))
    return render(request, "orders/subscription_form.html", {"form": form, "customer": customer})


@staff_required
def subscription_edit(request, order_id: int):
    order = visible_order(request, order_id, kind=Order.Kind.SUBSCRIPTION)
    order = (
        Order.objects.select_related("customer")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("pk"))
        )
        .get(pk=order.pk)
    )
    form = SubscriptionForm(request.POST or None, products=products_on_sale(), order=order)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_subscription(
                order=order,
                quantities=form.quantities(),
                pattern=data["pattern"],
                weekdays=data["weekdays"],
                shift=data["shift"],
                end_date=data["end_date"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, form.SERVICE_FIELDS)
        else:
            messages.success(request, f"{order.code} saved.")
            return redirect(order_url(order))
    return render(
        request,
        "orders/subscription_form.html",
        {"form": form, "customer": order.customer, "order": order},
    )


# --- one-time orders ---------------------------------------------------------------------


@staff_required
def one_time_list(request):
    form = OneTimeFilterForm(request.GET or None)
    chosen = form.filters()
    orders = Order.objects.filter(
        kind=Order.Kind.ONE_TIME,
        customer__in=customers_visible_to(request.user),
        start_date__gte=chosen["date_from"],
    )
    if chosen["date_to"]:
        orders = orders.filter(start_date__lte=chosen["date_to"])
    if chosen["status"]:
        orders = orders.filter(status=chosen["status"])
    orders = (
        orders.select_related("customer")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("pk"))
        )
        .order_by("start_date", "shift", "pk")
    )
    page = Paginator(orders, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orders/one_time_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "date_from": chosen["date_from"]},
    )


@staff_required
def one_time_create(request, customer_id: int):
    customer = visible_customer(user=request.user, customer_id=customer_id)
    form = OneTimeOrderForm(request.POST or None, products=products_on_sale())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = services.create_one_time_order(
                customer=customer,
                delivery_date=data["delivery_date"],
                lines=[services.LineSpec(p, q) for p, q in form.quantities().items()],
                shift=data["shift"],
                notes=data["notes"],
                created_by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, form.SERVICE_FIELDS)
        else:
            messages.success(
                request,
                f"One-time order {order.code} for {customer.name} on "
                f"{order.start_date:%a %d %b %Y} placed.",
            )
            return redirect(order_url(order))
    return render(request, "orders/one_time_form.html", {"form": form, "customer": customer})


# --- products and prices -----------------------------------------------------------------


@staff_required
def product_list(request):
    today = timezone.localdate()
    products = with_prices(Product.objects.all(), on=today).order_by(
        "-is_active", "sort_order", "name"
    )
    return render(
        request,
        "orders/product_list.html",
        {"products": products, "can": staff_can(request.user), "today": today},
    )


@staff_required
def product_create(request):
    form = NewProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            product = services.create_product(
                name=data["name"],
                unit=data["unit"],
                sort_order=data["sort_order"] or 0,
                price=data["price"],
                effective_from=data["effective_from"],
                by=request.user,
                **form.containers(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{product.name} added at ₹{data['price']}.")
            return redirect("orders:product", product_id=product.pk)
    return render(request, "orders/product_form.html", {"form": form})


def render_product(request, product: Product, *, product_form=None, price_form=None):
    """The product's page; a form given replaces the blank one (shown with its errors)."""
    prices = list(product.prices.order_by("-effective_from")[:PRICE_HISTORY_ROWS])
    today = timezone.localdate()
    current = next((p for p in prices if p.effective_from <= today), None)
    customer_prices = (
        CustomerPrice.objects.filter(product=product)
        .select_related("customer")
        .order_by("customer__name", "customer_id", "-effective_from")
    )
    return render(
        request,
        "orders/product_detail.html",
        {
            "product": product,
            "prices": prices,
            "current": current,
            "today": today,
            "customer_prices": customer_prices,
            "product_form": product_form or ProductForm(product=product, prefix="product"),
            "price_form": price_form or PriceForm(prefix="price"),
        },
    )


@staff_required
def product_detail(request, product_id: int):
    return render_product(request, get_object_or_404(Product, pk=product_id))


@require_POST
@staff_required
def product_edit(request, product_id: int):
    product = get_object_or_404(Product, pk=product_id)
    form = ProductForm(request.POST, product=product, prefix="product")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_product(
                product=product,
                name=data["name"],
                unit=data["unit"],
                is_active=data["is_active"],
                sort_order=data["sort_order"] or 0,
                **form.containers(),
            )
        except ValidationError as exc:
            product.refresh_from_db()
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{product.name} saved.")
            return redirect("orders:product", product_id=product.pk)
    return render_product(request, product, product_form=form)


@require_POST
@staff_required
def product_price(request, product_id: int):
    product = get_object_or_404(Product, pk=product_id)
    form = PriceForm(request.POST, prefix="price")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.set_price(
                product=product,
                price=data["price"],
                effective_from=data["effective_from"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{product.name}: ₹{data['price']} from {data['effective_from']:%d %b %Y}.",
            )
            return redirect("orders:product", product_id=product.pk)
    return render_product(request, product, price_form=form)


@staff_required
def customer_prices(request, customer_id: int):
    customer = visible_customer(user=request.user, customer_id=customer_id)
    form = CustomerPriceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_price(
                product=data["product"],
                price=data["price"],
                effective_from=data["effective_from"],
                customer=customer,
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{customer.name} pays ₹{data['price']} for {data['product'].name} "
                f"from {data['effective_from']:%d %b %Y}.",
            )
            return redirect("orders:customer_prices", customer_id=customer.pk)
    today = timezone.localdate()
    special = (
        CustomerPrice.objects.filter(customer=customer)
        .select_related("product")
        .order_by("product__sort_order", "product__name", "-effective_from")
    )
    regular = with_prices(Product.objects.all(), on=today).order_by("sort_order", "name")
    return render(
        request,
        "orders/customer_prices.html",
        {"customer": customer, "form": form, "special": special, "regular": regular},
    )
