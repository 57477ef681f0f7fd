"""URL patterns (filled in by the pages that use them)."""

app_name = "orders"

urlpatterns: list = []
