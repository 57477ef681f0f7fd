"""Staff pages for shared links: create (the token is shown once, with copy and WhatsApp
buttons), list, activity, revoke (a second step: a box to tick)."""

from datetime import datetime
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from deliveries import services
from deliveries.forms import LinkForm, RevokeLinkForm
from deliveries.models import Delivery, DeliveryLink
from earlybird.access import staff_required
from earlybird.confirm import refusal
from earlybird.formats import day_text

LINKS_PER_PAGE = 50
ACTIVITY_PER_PAGE = 100
HISTORY_ROWS = 200


def share_text(link: DeliveryLink, url: str) -> str:
    """What the WhatsApp share sends the substitute: whose route, which days, the link."""
    days = day_text(link.valid_from)
    if link.valid_until != link.valid_from:
        days = f"{days} to {day_text(link.valid_until)}"
    return (
        f"Deliveries of {link.delivery_boy.name}'s route, {link.get_shift_display().lower()}, "
        f"{days}. Open this link on the day to see the stops and mark them delivered: {url}"
    )


def link_state(link: DeliveryLink, now: datetime) -> str:
    today = timezone.localdate(now)
    if link.revoked_at is not None:
        return "revoked"
    if link.expires_at <= now or link.valid_until < today:
        return "expired"
    if link.valid_from > today:
        return "upcoming"
    return "active"


@staff_required
def link_list(request):
    links = (
        DeliveryLink.objects.select_related("delivery_boy", "created_by")
        .annotate(confirmations=Count("deliveries"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(links, LINKS_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    for link in page:
        link.state = link_state(link, now)
    return render(request, "deliveries/links/list.html", {"page": page})


@never_cache
@staff_required
def link_create(request):
    form = LinkForm(request.POST) if request.method == "POST" else LinkForm()
    if form.is_valid():
        data = form.cleaned_data
        try:
            link, token = services.create_link(
                delivery_boy=data["delivery_boy"],
                shift=data["shift"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                expires_at=data["expires_at"],
                label=data["label"],
                created_by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Shown on this response only: the token is not kept anywhere, only its hash.
            url = request.build_absolute_uri(reverse("shared:route", kwargs={"token": token}))
            context = {
                "link": link,
                "url": url,
                "state": link_state(link, timezone.now()),
                # wa.me with no number: WhatsApp asks whom to send it to.
                "whatsapp_url": f"https://wa.me/?text={quote(share_text(link, url), safe='')}",
            }
            return render(request, "deliveries/links/created.html", context)
    return render(request, "deliveries/links/form.html", {"form": form})


@staff_required
def link_detail(request, link_id: int):
    link = get_object_or_404(
        DeliveryLink.objects.select_related("delivery_boy", "created_by", "revoked_by"),
        pk=link_id,
    )
    activity = link.deliveries.select_related("customer", "product").order_by(
        "-confirmed_at", "-pk"
    )
    page = Paginator(activity, ACTIVITY_PER_PAGE).get_page(request.GET.get("page"))
    # Every save made through the link, including confirmations later changed or undone
    # (undoing clears the link from the delivery itself).
    history = (
        Delivery.history.filter(delivery_link_id=link.pk)
        .select_related("customer", "product")
        .order_by("-history_date", "-history_id")[:HISTORY_ROWS]
    )
    return render(
        request,
        "deliveries/links/detail.html",
        {
            "link": link,
            "state": link_state(link, timezone.now()),
            "page": page,
            "history": history,
            "history_rows": HISTORY_ROWS,
        },
    )


@require_POST
@staff_required
def link_revoke(request, link_id: int):
    link = get_object_or_404(DeliveryLink, pk=link_id)
    form = RevokeLinkForm(request.POST)
    if link.revoked_at is not None:
        messages.info(request, "This link was already revoked.")
    elif not form.is_valid():
        messages.error(request, refusal(form))
    else:
        services.revoke_link(link=link, by=request.user)
        messages.success(request, "Link revoked: it no longer opens anything.")
    return redirect("deliveries:link_detail", link_id=link.pk)
