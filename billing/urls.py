"""Accounts pages, mounted at /staff/billing/."""

from django.urls import path

from billing import views
from billing.pages import bills, gateway, grid, reconcile, runs, wallet

app_name = "billing"

urlpatterns = [
    path("runs/", runs.run_list, name="runs"),
    path("runs/start/", runs.run_start, name="run_start"),
    path("runs/<int:run_id>/", runs.run_detail, name="run_detail"),
    path("issue/", runs.issue_period, name="issue_period"),
    path("bills/", bills.bill_list, name="bills"),
    path("bills/send/", bills.send_bills, name="send_bills"),
    path("bills/<int:bill_id>/", bills.bill_detail, name="bill_detail"),
    path("bills/<int:bill_id>/pdf/", bills.bill_pdf, name="bill_pdf"),
    path("bills/<int:bill_id>/issue/", bills.bill_issue, name="bill_issue"),
    path("bills/<int:bill_id>/void/", bills.bill_void, name="bill_void"),
    path("grid/", grid.grid, name="grid"),
    path("grid/export.csv", grid.grid_csv_export, name="grid_csv"),
    path("grid/export.xlsx", grid.grid_xlsx_export, name="grid_xlsx"),
    path("payments/", views.payments, name="payments"),
    path("customers/<int:customer_id>/ledger/", views.ledger, name="ledger"),
    path("reconcile/", reconcile.reconcile, name="reconcile"),
    path("wallets/low-balance/", wallet.low_balance, name="low_balance"),
    path("payment-links/", gateway.payment_links, name="payment_links"),
    path("gateway/reconcile/", gateway.gateway_reconcile, name="gateway_reconcile"),
]
