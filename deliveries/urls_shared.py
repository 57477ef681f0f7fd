from django.urls import path, re_path

from deliveries.views import shared

app_name = "shared"

urlpatterns = [
    # /s/ and /s// (an empty token); written so as not to look like a stray leading slash.
    re_path(r"^(?:/)?$", shared.no_token, name="none"),
    path("<str:token>/", shared.route, name="route"),
    path("<str:token>/name/", shared.set_name, name="name"),
    path("<str:token>/stops/<int:customer_id>/confirm/", shared.confirm_stop, name="confirm"),
    path("<str:token>/stops/<int:customer_id>/undo/", shared.undo_stop, name="undo"),
]
