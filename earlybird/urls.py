from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from earlybird import dashboard, views
from earlybird.auth import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm

admin.site.site_header = "EarlyBird administration"
admin.site.site_title = "EarlyBird"
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Staff pages
    path("staff/", dashboard.dashboard, name="dashboard"),
    path("staff/", include("deliveries.urls")),
    path("staff/customers/", include("customers.urls")),
    path("staff/orders/", include("orders.urls")),
    path("staff/billing/", include("billing.urls")),
    # Delivery boys, substitutes, customers
    path("d/", include("deliveries.urls_boy")),
    path("s/", include("deliveries.urls_shared")),
    path("me/", include("customers.urls_me")),
    # REST API
    path("api/", include("earlybird.api_urls")),
]
