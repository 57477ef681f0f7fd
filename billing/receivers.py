"""What billing does when a lower layer says something happened (connected in
BillingConfig.ready)."""

from billing.services.wallet import settle_debits


def settle_wallet_debits(sender, *, deliveries, user=None, **kwargs) -> None:
    """deliveries.signals.deliveries_changed: debit (or reverse) the prepaid wallet for
    the deliveries whose confirmation changed, in the confirmation's transaction."""
    by = user if getattr(user, "is_authenticated", False) else None
    settle_debits(deliveries, by=by)
