from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "EarlyBird administration"
admin.site.site_title = "EarlyBird"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("staff/", include("deliveries.urls")),
    path("d/", include("deliveries.urls_boy")),
    path("s/", include("deliveries.urls_shared")),
    path("", RedirectView.as_view(url="/staff/routes/", permanent=False)),
]
