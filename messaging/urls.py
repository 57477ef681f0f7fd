"""Staff pages of the outbox, mounted at /messages/."""

from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.outbox, name="list"),
    path("<int:message_id>/", views.message_detail, name="detail"),
    path("templates/", views.template_preview, name="templates"),
]
