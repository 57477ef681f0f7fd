"""Staff pages for orders, products and prices, under /staff/orders/. An order's own page
and its schedule edits join this namespace from web.staff.orders (see web.urls)."""

from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("", views.one_time_list, name="one_time_list"),
    path("<int:order_id>/edit/", views.subscription_edit, name="edit"),
    path("<int:order_id>/cancel/", views.order_cancel, name="cancel"),
    path(
        "customers/<int:customer_id>/subscriptions/new/",
        views.subscription_create,
        name="subscription_create",
    ),
    path(
        "customers/<int:customer_id>/one-time/new/",
        views.one_time_create,
        name="one_time_create",
    ),
    path("customers/<int:customer_id>/prices/", views.customer_prices, name="customer_prices"),
    path("products/", views.product_list, name="products"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<int:product_id>/", views.product_detail, name="product"),
    path("products/<int:product_id>/edit/", views.product_edit, name="product_edit"),
    path("products/<int:product_id>/price/", views.product_price, name="product_price"),
]
