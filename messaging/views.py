"""The outbox for staff: every message with its status, one message, and every active
template rendered with sample values. Reading only; the services write."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from earlybird.access import staff_required
from messaging import selectors
from messaging.forms import OutboxFilterForm
from messaging.models import Message

PER_PAGE = 50


@staff_required
def outbox(request):
    form = OutboxFilterForm(request.GET or None)
    messages = selectors.outbox(**form.filters())
    page = Paginator(messages, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "messaging/outbox.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "counts": selectors.status_counts(),
        },
    )


@staff_required
def message_detail(request, message_id: int):
    message = get_object_or_404(Message.objects.select_related("customer"), pk=message_id)
    return render(request, "messaging/detail.html", {"message": message})


@staff_required
def template_preview(request):
    return render(request, "messaging/templates.html", {"previews": selectors.template_previews()})
