"""The customer's own pages: /me/ (see web/portal/views.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from web.portal import (
    access,
    changes,
    downloads,
    instructions,
    message_settings,
    online,
    views,
    wallet,
)

app_name = "me"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", access.CustomerLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="me:login"), name="logout"),
    path(
        "set-password/<uidb64>/<token>/",
        access.CustomerSetPasswordView.as_view(),
        name="set_password",
    ),
    path("orders/new/", views.new_order, name="new_order"),
    path("orders/<int:order_id>/", views.order_detail, name="order"),
    path("orders/<int:order_id>/pause/", changes.pause, name="pause"),
    path(
        "orders/<int:order_id>/pauses/<int:pause_id>/resume/",
        changes.resume,
        name="resume",
    ),
    path("orders/<int:order_id>/skip/", changes.skip, name="skip"),
    path("orders/<int:order_id>/extra/", changes.extra, name="extra"),
    path("orders/<int:order_id>/usual/", changes.reset_day, name="reset_day"),
    path("orders/<int:order_id>/cancel/", views.cancel, name="cancel"),
    path("bills/", views.bills, name="bills"),
    path("bills/<int:bill_id>/", views.bill, name="bill"),
    path("bills/<int:bill_id>/pdf/", downloads.bill_pdf, name="bill_pdf"),
    path("bills/<int:bill_id>/pay-online/", online.pay_bill_online, name="bill_pay_online"),
    path("wallet/", wallet.wallet, name="wallet"),
    path("wallet/recharge-online/", online.recharge_online, name="recharge_online"),
    path("messages/", message_settings.message_settings, name="messages"),
    path("instructions/", instructions.instructions, name="instructions"),
]
