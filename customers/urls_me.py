"""The customer's own pages: /me/ (see customers/me_views.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from customers import me_views

app_name = "me"

urlpatterns = [
    path("", me_views.home, name="home"),
    path("login/", me_views.CustomerLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="me:login"), name="logout"),
    path(
        "set-password/<uidb64>/<token>/",
        me_views.CustomerSetPasswordView.as_view(),
        name="set_password",
    ),
    path("orders/new/", me_views.new_order, name="new_order"),
    path("orders/<int:order_id>/", me_views.order_detail, name="order"),
    path("orders/<int:order_id>/pause/", me_views.pause, name="pause"),
    path(
        "orders/<int:order_id>/pauses/<int:pause_id>/resume/",
        me_views.resume,
        name="resume",
    ),
    path("orders/<int:order_id>/skip/", me_views.skip, name="skip"),
    path("orders/<int:order_id>/extra/", me_views.extra, name="extra"),
    path("orders/<int:order_id>/usual/", me_views.reset_day, name="reset_day"),
    path("orders/<int:order_id>/cancel/", me_views.cancel, name="cancel"),
    path("bills/", me_views.bills, name="bills"),
    path("bills/<int:bill_id>/", me_views.bill, name="bill"),
]
