"""The delivery boy's pages, mounted at /d/ (web.urls adds cash collection, a payment)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from deliveries.views import boy
from earlybird.auth import ThrottledAuthenticationForm

app_name = "boy"

urlpatterns = [
    path("", boy.route_today, name="route"),
    path("tomorrow/", boy.route_tomorrow, name="tomorrow"),
    path("stops/<int:customer_id>/confirm/", boy.confirm_stop, name="confirm"),
    path("stops/<int:customer_id>/undo/", boy.undo_stop, name="undo"),
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
