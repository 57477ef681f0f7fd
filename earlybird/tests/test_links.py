"""{% link %} (earlybird/templatetags/links.py): `{% url %}` of an argument-less view,
reversed once per URLconf and script prefix — the same URL `{% url %}` gives."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix


def render(text: str) -> str:
    return Template("{% load links %}" + text).render(Context())


def test_it_gives_what_url_gives_under_each_script_prefix():
    assert render("{% link 'healthz' %}") == reverse("healthz") == "/healthz"
    set_script_prefix("/dairy/")
    try:
        assert render("{% link 'healthz' %}") == "/dairy/healthz"
    finally:
        clear_script_prefix()
    assert render("{% link 'healthz' %}") == "/healthz"


def test_an_unknown_name_fails_as_url_does():
    with pytest.raises(NoReverseMatch):
        render("{% link 'no-such-view' %}")
