"""Money pages for accounts staff, by purpose: billing runs, bills (printable, shared by
WhatsApp with a UPI link), the monthly grid and its exports, the reconciliation. Payments
and a customer's ledger: billing.views. (The cash a delivery boy collects on his route:
web.cash.)

Thin: access helper (404 for outsiders) → form → service → message + redirect. Here, what
the pages share: who may open them, service errors as messages, the query string without
some of its names.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError


def _errors(request, exc: ValidationError | PermissionDenied) -> None:
    for message in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, message)


def _query_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
