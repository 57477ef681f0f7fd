from django.apps import AppConfig


class EarlybirdConfig(AppConfig):
    name = "earlybird"
    verbose_name = "EarlyBird"
