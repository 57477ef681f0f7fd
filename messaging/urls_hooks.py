"""Webhooks the message providers call (public: each request is signed instead)."""

from django.urls import path

from messaging import webhooks

app_name = "hooks"

urlpatterns = [
    path("whatsapp/", webhooks.whatsapp_hook, name="whatsapp"),
    path("sms/", webhooks.sms_hook, name="sms"),
]
