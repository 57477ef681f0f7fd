from django.apps import AppConfig


class EarlybirdConfig(AppConfig):
    name = "earlybird"
    verbose_name = "EarlyBird"

    def ready(self):
        from earlybird import checks  # registers the system checks

        checks.require_secret_key()
