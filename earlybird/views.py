from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from earlybird.roles import CUSTOMER, DELIVERY_BOY, has_role, is_staff_member


@login_required
def home(request):
    """Send each user to their own pages."""
    if is_staff_member(request.user):
        return redirect("dashboard")
    if has_role(request.user, DELIVERY_BOY):
        return redirect("boy:route")
    if has_role(request.user, CUSTOMER):
        return redirect("me:home")
    return redirect("admin:index")


def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, else 503."""
    from django.db import connection
    from django.http import JsonResponse

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means unhealthy
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
