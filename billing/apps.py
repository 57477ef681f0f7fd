from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self):
        from billing.pdf import bill_attachment
        from messaging import attachments

        # messaging sits below billing: it makes a bill's PDF through this registration.
        attachments.register("bill_pdf", bill_attachment)
