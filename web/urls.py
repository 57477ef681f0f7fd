"""The root URLconf: every app's pages, and the pages that compose several apps.

URL names and namespaces are the apps' own ("customers:detail", "orders:detail",
"boy:route", "me:home", "api:me"). Where a page of a namespace composes several apps it
lives in web and joins the app's own patterns here: the order page (it shows the
order's deliveries) under "orders", cash collection (a payment) under "boy", the
payment gateway's webhook (billing) beside the message providers' under "hooks".
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from billing.gateway import webhooks as gateway_hooks
from deliveries import urls_boy
from earlybird import i18n, views
from earlybird.auth import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm
from messaging import urls_hooks as message_hooks
from orders import urls as order_urls
from web import cash
from web.staff import dashboard, jobs
from web.staff import orders as order_pages

admin.site.site_header = "EarlyBird administration"
admin.site.site_title = "EarlyBird"
admin.site.login_form = ThrottledAdminAuthenticationForm

orders = ([*order_pages.urlpatterns, *order_urls.urlpatterns], order_urls.app_name)
boy = (
    [
        *urls_boy.urlpatterns,
        path("stops/<int:customer_id>/cash/", cash.collect_cash, name="cash"),
        path("cash/", cash.cash_summary, name="cash_summary"),
    ],
    urls_boy.app_name,
)
# Webhooks: the message providers' statuses and the payment gateway's payments.
hooks = (
    [
        *message_hooks.urlpatterns,
        path("razorpay/", gateway_hooks.razorpay_hook, name="razorpay"),
    ],
    message_hooks.app_name,
)

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
    path("language/", i18n.switch_language, name="language"),
    # Staff pages
    path("staff/", dashboard.dashboard, name="dashboard"),
    path("staff/", include("deliveries.urls")),
    path("staff/customers/", include("web.staff.customers.urls")),
    path("staff/orders/", include(orders)),
    path("staff/billing/", include("billing.urls")),
    path("staff/reports/", include("web.reports.urls")),
    path("messages/", include("messaging.urls")),
    path("jobs/", jobs.job_list, name="jobs"),
    # Delivery boys, substitutes, customers
    path("d/", include(boy)),
    path("s/", include("deliveries.urls_shared")),
    path("me/", include("web.portal.urls")),
    # REST API
    path("api/", include("web.api_urls")),
    # Webhooks of the message providers and the payment gateway (signed, no login)
    path("hooks/", include(hooks)),
]
