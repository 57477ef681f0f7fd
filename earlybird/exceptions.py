from django.core.exceptions import ValidationError

__all__ = ["ValidationError"]
