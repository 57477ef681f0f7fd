"""The outbox page's filters, and a customer's choice of messages (/me/)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.models import Message


class OutboxFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Customer, code or phone", max_length=100)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Message.Status.choices], required=False
    )
    purpose = forms.ChoiceField(
        choices=[("", "Any kind"), *Message.Purpose.choices], required=False
    )

    def filters(self) -> dict:
        """The valid filters as selector arguments (an invalid one is ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "search": data.get("q") or "",
            "status": data.get("status") or "",
            "purpose": data.get("purpose") or "",
        }


class PreferenceForm(forms.Form):
    """What a customer chooses for themself: messages or none, how, in which language."""

    opted_in = forms.BooleanField(
        required=False, label=_("Send me messages about my deliveries, bills and payments")
    )
    channel = forms.ChoiceField(choices=Message.Channel.choices, label=_("By"))
    language = forms.ChoiceField(choices=Message.Language.choices, label=_("In"))
