from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "customers"

    def ready(self):
        from customers.models import Customer
        from earlybird.sessions import read_with_user

        read_with_user(Customer)  # /me/'s "whose pages": no query of its own
