"""Who may open which page. Outsiders get a 404, not a hint that the page exists."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from earlybird.roles import STAFF_ROLES, has_role


def staff_required(*allowed_roles: str):
    """Login required; then only the given staff roles (default: any staff role)."""
    allowed = allowed_roles or STAFF_ROLES

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *allowed):
                raise Http404("No such page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
