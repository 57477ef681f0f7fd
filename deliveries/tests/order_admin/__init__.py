"""The orders admin writes through the order services, so the deliveries already generated
follow every edit made there, and a service's refusal is an error on the page, never a 500.

Cast: an admin-group staff user (not a superuser) using /admin/."""

import datetime as dt

from django.contrib.messages import get_messages
from django.urls import reverse

from deliveries.models import Delivery
from orders.models import Order


def delivery_on(order: Order, day: dt.date) -> Delivery:
    return Delivery.objects.get(order=order, date=day)


def submitted(response) -> dict:
    """What the browser would post back from an admin change page, untouched."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, list):
                value = [str(v) for v in value]
            data[form.add_prefix(name)] = value
    return data


def errors_of(response) -> str:
    """Every error an admin change page shows: the form's and its inlines'."""
    found = [str(response.context["adminform"].form.errors)]
    for inline in response.context["inline_admin_formsets"]:
        found += [str(inline.formset.errors), str(inline.formset.non_form_errors())]
    return " ".join(found)


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def change_url(obj) -> str:
    info = obj._meta.app_label, obj._meta.model_name
    return reverse("admin:{}_{}_change".format(*info), args=[obj.pk])


def delete_url(obj) -> str:
    info = obj._meta.app_label, obj._meta.model_name
    return reverse("admin:{}_{}_delete".format(*info), args=[obj.pk])
