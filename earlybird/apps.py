from django.apps import AppConfig


class EarlybirdConfig(AppConfig):
    name = "earlybird"
    verbose_name = "EarlyBird"

    def ready(self):
        from earlybird import (
            checks,  # registers the system checks
            i18n,  # noqa: F401  (copies the saved language at login)
        )

        checks.require_secret_key()
