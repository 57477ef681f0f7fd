"""The delivery boy's pages, mounted at /d/ (web.urls adds cash collection, a payment, and
his cash summary: billing's)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from deliveries.views import boy, boy_sync, pwa
from earlybird.auth import ThrottledAuthenticationForm

app_name = "boy"

urlpatterns = [
    path("", boy.route_today, name="route"),
    path("tomorrow/", boy.route_tomorrow, name="tomorrow"),
    path("sw.js", pwa.service_worker, name="sw"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("act/", boy.act, name="act"),
    path("sync/", boy_sync.sync, name="sync"),
    path("load/", boy.load, name="load"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="deliveries/boy/login.html",
            next_page="boy:route",
            authentication_form=ThrottledAuthenticationForm,
        ),
        name="login",
    ),
]
