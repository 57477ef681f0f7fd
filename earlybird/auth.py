"""Log in with a phone number (customers, delivery boys) or a username (staff)."""

from django.contrib.auth.backends import ModelBackend

from earlybird.phones import InvalidPhone, normalise_phone


class PhoneOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username:
            try:
                username = normalise_phone(username)
            except InvalidPhone:
                pass  # not a phone number: a staff username
        return super().authenticate(request, username=username, password=password, **kwargs)
