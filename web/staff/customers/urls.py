"""Staff pages for customers, under /staff/customers/."""

from django.urls import path

from web.staff.customers import views

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
]
