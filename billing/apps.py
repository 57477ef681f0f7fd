from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self):
        from billing.offline_cash import register_with_deliveries
        from billing.pdf import bill_attachment
        from billing.receivers import settle_wallet_debits
        from billing.services.wallet import low_balance_holds
        from deliveries import holds
        from deliveries.signals import deliveries_changed
        from messaging import attachments

        # messaging sits below billing: it makes a bill's PDF through this registration.
        attachments.register("bill_pdf", bill_attachment)
        # deliveries sits below billing: a confirmation's change settles the prepaid
        # wallet through this signal, and generation asks the wallet whom to hold.
        deliveries_changed.connect(settle_wallet_debits, dispatch_uid="billing-wallet-debits")
        holds.register(low_balance_holds)
        # The delivery boy's route pages: the "cash" tap and each stop's amount due.
        register_with_deliveries()
