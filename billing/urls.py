"""Accounts pages, mounted at /staff/billing/."""

from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("runs/", views.run_list, name="runs"),
    path("runs/start/", views.run_start, name="run_start"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("issue/", views.issue_period, name="issue_period"),
    path("bills/", views.bill_list, name="bills"),
    path("bills/<int:bill_id>/", views.bill_detail, name="bill_detail"),
    path("bills/<int:bill_id>/issue/", views.bill_issue, name="bill_issue"),
    path("bills/<int:bill_id>/void/", views.bill_void, name="bill_void"),
    path("grid/", views.grid, name="grid"),
    path("grid/export.csv", views.grid_csv_export, name="grid_csv"),
    path("grid/export.xlsx", views.grid_xlsx_export, name="grid_xlsx"),
    path("payments/", views.payments, name="payments"),
    path("customers/<int:customer_id>/ledger/", views.ledger, name="ledger"),
    path("reconcile/", views.reconcile, name="reconcile"),
]
