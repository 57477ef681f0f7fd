"""The reports, under /staff/reports/: a page each, and its CSV and Excel exports."""

from django.urls import path

from web.reports import bottles, views

app_name = "reports"


def exports(route: str, report: str) -> list:
    return [
        path(
            f"{route}export.{fmt}",
            views.export,
            {"report": report, "fmt": fmt},
            name=f"{report}_{fmt}",
        )
        for fmt in ("csv", "xlsx")
    ]


urlpatterns = [
    path("", views.index, name="index"),
    path("dues/", views.dues, name="dues"),
    *exports("dues/", "dues"),
    path("sales/", views.sales, name="sales"),
    *exports("sales/", "sales"),
    path("deliveries/", views.performance, name="performance"),
    *exports("deliveries/", "performance"),
    path("cash/", views.cash, name="cash"),
    *exports("cash/", "cash"),
    path("bottles/", bottles.bottles, name="bottles"),
    *exports("bottles/", "bottles"),
]
