"""Staff pages for customers, under /staff/customers/."""

from django.urls import path

from web.staff.customers import views, wallet

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("<int:customer_id>/", views.customer_detail, name="detail"),
    path("<int:customer_id>/edit/", views.customer_edit, name="edit"),
    path("<int:customer_id>/activate/", views.customer_activate, name="activate"),
    path(
        "<int:customer_id>/set-password-link/",
        views.customer_password_link,
        name="password_link",
    ),
    path("<int:customer_id>/billing-mode/", wallet.billing_mode, name="billing_mode"),
    path("<int:customer_id>/wallet/recharge/", wallet.wallet_recharge, name="wallet_recharge"),
    path("<int:customer_id>/wallet/settings/", wallet.wallet_settings, name="wallet_settings"),
]
