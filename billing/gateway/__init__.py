"""Online payments through a payment gateway (Razorpay Payment Links), behind one small
interface (base.PaymentGateway) so another gateway can follow.

base.py: the interface and what it hands back; razorpay.py: Razorpay through its official
client; settlement.py: Razorpay's settlement report (CSV); reconcile.py: that report
against the payments recorded; models.py: PaymentLink; webhooks.py: /hooks/razorpay/;
api.py: the customer's recharge link. The writes are billing.services.online_payments.
"""

from __future__ import annotations

from django.conf import settings

from billing.gateway.base import PaymentGateway


def online_payments_enabled() -> bool:
    """Whether links can be made: a key id and secret are set (else UPI as before)."""
    return bool(settings.RAZORPAY_KEY_ID and settings.RAZORPAY_KEY_SECRET)


def payment_gateway() -> PaymentGateway:
    """The gateway in use, from the settings as they are now."""
    # Imported when used, not while billing's models load (this package holds one).
    from billing.gateway.razorpay import RazorpayGateway

    return RazorpayGateway.from_settings()
