"""earlybird.quick_select: controls drawn in Python (labelled_control, QuickSelect) are
the markup that Django's widgets and `<label>{{ field }}` draw, whatever the field."""

import pytest
from django import forms
from django.http import QueryDict
from django.template import Context, Template

from earlybird.quick_select import PlainChoices, QuickSelect, labelled_control

DJANGO_DRAWN = Template(
    '<div><label for="{{ field.id_for_label }}">{{ field.label }}</label>{{ field }}</div>'
)


class Filters(forms.Form):
    q = forms.CharField(required=False, max_length=5, help_text="Part of a name")
    size = forms.IntegerField(
        required=False, min_value=1, widget=forms.NumberInput(attrs={"step": 1, "min": 1})
    )
    email = forms.EmailField(required=False, label="E-mail <address>")
    kind = forms.ChoiceField(
        choices=PlainChoices([("", "Any"), ("a", "A & B"), ("b", '"B"'), ("a", "A again")]),
        required=False,
        widget=QuickSelect(attrs={"class": "pick", "data-x": True}),
    )
    number = forms.TypedChoiceField(
        choices=PlainChoices([(None, "None"), (1, "One"), (2, "Two")]),
        coerce=int,
        empty_value=None,
        required=False,
        initial=2,
        widget=QuickSelect,
    )
    # Drawn by Django itself: required, disabled, another widget.
    needed = forms.CharField(required=True)
    fixed = forms.CharField(required=False, disabled=True, initial="x")
    notes = forms.CharField(required=False, widget=forms.Textarea)


@pytest.mark.parametrize(
    "query",
    [
        None,
        "q=ab&size=3&email=a%40b.in&kind=a&number=1&needed=y",
        "q=toolong&size=0&email=nope&kind=zz&number=x&fixed=changed",
        "q=%3Cb%3E%26%22%27&size=%3Cx%3E&kind=b&kind=a&number=",
    ],
)
@pytest.mark.parametrize("initial", [{}, {"q": "from <initial>", "kind": "b"}])
def test_each_control_is_drawn_as_djangos_widgets_draw_it(query, initial):
    form = Filters(QueryDict(query) if query else None, initial=initial)
    form.is_valid()
    for name in form.fields:
        assert labelled_control(form, name) == DJANGO_DRAWN.render(
            Context({"field": form[name]})
        ), name


def test_a_form_with_a_prefix_is_drawn_by_django():
    form = Filters(QueryDict("f-q=ab"), prefix="f")
    assert 'name="f-q" value="ab"' in labelled_control(form, "q")
    assert labelled_control(form, "q") == DJANGO_DRAWN.render(Context({"field": form["q"]}))
