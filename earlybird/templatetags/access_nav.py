"""{% if user|may_open:"jobs" %}: show a nav link only to whom the access table lets read
the page (the middleware checks again when it is opened)."""

from django import template

from earlybird.access import allows

register = template.Library()


@register.filter
def may_open(user, view_name: str) -> bool:
    return bool(user) and allows(user, view_name, "GET")
