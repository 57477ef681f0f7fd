"""The customer's delivery instructions: /me/instructions/ ("leave the packets in the bag
on the gate"), which the delivery boy reads at the stop. Written through the customers
service staff use too (customers.services.set_delivery_instructions)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from customers.models import Customer
from customers.services import set_delivery_instructions
from earlybird.forms import add_service_errors
from web.portal.access import customer_required

LIMIT = Customer._meta.get_field("delivery_instructions").max_length


class InstructionsForm(forms.Form):
    delivery_instructions = forms.CharField(
        label=_("Instructions for the delivery boy"),
        max_length=LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": LIMIT}),
        help_text=_("For example: leave the packets in the bag on the gate."),
        error_messages={
            "max_length": _("Keep the instructions to %(limit_value)d characters."),
            "null_characters_not_allowed": _("Write the instructions as plain text."),
        },
    )


@customer_required
def instructions(request, customer: Customer):
    form = InstructionsForm(
        request.POST or None, initial={"delivery_instructions": customer.delivery_instructions}
    )
    if request.method == "POST" and form.is_valid():
        try:
            set_delivery_instructions(
                customer=customer,
                text=form.cleaned_data["delivery_instructions"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = form.cleaned_data["delivery_instructions"].strip()
            messages.success(
                request,
                gettext("Saved. The delivery boy will see your instructions.")
                if text
                else gettext("Saved: no instructions for the delivery boy."),
            )
            return redirect("me:instructions")
    status = 400 if form.is_bound else 200
    return render(
        request,
        "customers/me/instructions.html",
        {"customer": customer, "form": form},
        status=status,
    )
