"""Who gets the customer's own pages at /me/: logging in, the one-time set-password
link staff send, and the access helper of every page.

Only a logged-in user with a Customer gets these pages; anyone else gets a 404.
"""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from customers.models import Customer
from earlybird.auth import ThrottledAuthenticationForm
from web.portal import selectors

# --- access ---------------------------------------------------------------------------


def customer_required(view):
    """Anonymous → the customer login; a user without a Customer → 404."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("me:login"))
        customer = selectors.customer_of(request.user)
        if customer is None:
            raise Http404("No such page.")
        return view(request, customer, *args, **kwargs)

    return wrapper


# --- logging in -----------------------------------------------------------------------


class CustomerLoginView(auth_views.LoginView):
    template_name = "customers/me/login.html"
    authentication_form = ThrottledAuthenticationForm
    next_page = "me:home"

    def get_default_redirect_url(self):
        # Staff or a delivery boy who logs in here goes to their own pages.
        if selectors.customer_of(self.request.user) is None:
            return resolve_url("home")
        return super().get_default_redirect_url()


class CustomerSetPasswordView(auth_views.PasswordResetConfirmView):
    """/me/set-password/<uidb64>/<token>/: the link staff send; it works once (the
    token is bound to the password, so setting one spends it) and only for a customer."""

    template_name = "customers/me/set_password.html"
    post_reset_login = True
    success_url = reverse_lazy("me:home")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is not None and not Customer.objects.filter(user=user).exists():
            return None
        return user

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Welcome!"))
        return response


def set_password_link(customer: Customer, *, request=None) -> str:
    """The customer's one-time set-password link (path, or absolute with `request`),
    for staff to send by SMS/WhatsApp or show. It stops working once a password is set
    or after settings.PASSWORD_RESET_TIMEOUT (3 days by default; see link_lifetime)."""
    user = customer.user
    path = reverse(
        "me:set_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return request.build_absolute_uri(path) if request is not None else path


def link_lifetime() -> str:
    """How long a set-password link works, in words: "3 days", "12 hours"."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    if seconds % 86400 == 0:
        days = seconds // 86400
        return f"{days} day{'s' if days != 1 else ''}"
    hours = max(seconds // 3600, 1)
    return f"{hours} hour{'s' if hours != 1 else ''}"
