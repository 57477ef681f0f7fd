"""The customer's choice of messages: /me/messages/ (on or off, WhatsApp or SMS, and the
language). The kinds they refuse one by one stay as support set them in the admin."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from customers.models import Customer
from messaging.forms import PreferenceForm
from messaging.selectors import preference_for
from messaging.services import set_preference
from web.portal.access import customer_required


@customer_required
def message_settings(request, customer: Customer):
    preference = preference_for(customer)
    initial = {
        "opted_in": preference.opted_in,
        "channel": preference.channel,
        "language": preference.language,
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        set_preference(
            customer=customer,
            opted_in=form.cleaned_data["opted_in"],
            channel=form.cleaned_data["channel"],
            language=form.cleaned_data["language"],
            opted_out=preference.opted_out,
            by=request.user,
        )
        messages.success(
            request, _("Saved: %(summary)s") % {"summary": _summary(form.cleaned_data)}
        )
        return redirect("me:messages")
    return render(request, "customers/me/messages.html", {"customer": customer, "form": form})


def _summary(data: dict) -> str:
    if not data["opted_in"]:
        return _("no messages.")
    channel = dict(PreferenceForm.base_fields["channel"].choices)[data["channel"]]
    language = dict(PreferenceForm.base_fields["language"].choices)[data["language"]]
    return _("messages by %(channel)s in %(language)s.") % {
        "channel": channel,
        "language": language,
    }
