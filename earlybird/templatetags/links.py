"""{% link "name" %}: the URL of a view that takes no arguments, reversed once per process
(for each URLconf and script prefix) — `{% url %}` reverses on every render, about 40 µs
each, and the phone pages' header has nine (issue 18)."""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@register.simple_tag
def link(name: str) -> str:
    return _reversed(name, get_urlconf(), get_script_prefix())


@lru_cache(maxsize=256)
def _reversed(name: str, urlconf, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)
