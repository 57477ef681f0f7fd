from django.urls import path

from deliveries.views import links
from deliveries.views import staff as views

app_name = "deliveries"

urlpatterns = [
    path("routes/", views.route_list, name="route_list"),
    path("routes/<int:boy_id>/", views.route_detail, name="route_detail"),
    path("routes/<int:boy_id>/assign/", views.route_assign, name="route_assign"),
    path("routes/stops/<int:stop_id>/move/", views.route_move, name="route_move"),
    path("routes/<int:boy_id>/sheet/", views.daily_sheet, name="daily_sheet"),
    path("deliveries/<int:delivery_id>/correct/", views.correct_delivery, name="correct"),
    path("procurement/", views.procurement, name="procurement"),
    path("links/", links.link_list, name="links"),
    path("links/new/", links.link_create, name="link_create"),
    path("links/<int:link_id>/", links.link_detail, name="link_detail"),
    path("links/<int:link_id>/revoke/", links.link_revoke, name="link_revoke"),
]
