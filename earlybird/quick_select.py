"""Filter controls drawn in Python: Django's Select renders a template per option, and a
form's fields a template each, which on the staff list pages (a few drop-downs of areas,
routes and staff) cost more than the rows (issue 18). Same markup, same attributes as
Django's widgets; every value escaped. PlainChoices gives a field its choices as they
are; ChoiceLists reads the choices of several drop-downs in one query."""

from html import escape

from django import forms
from django.db.models import QuerySet
from django.forms.utils import pretty_name
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe

from earlybird.changes import numbers_seen_by
from earlybird.prepared import prepared_cursor


class QuickSelect(forms.Select):
    """A single-choice drop-down (optgroups not supported: none of its forms has any)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        out = [f'<select name="{escape(str(name))}"']
        for key, attr in attrs.items():
            if attr is True:
                out.append(f" {escape(str(key))}")
            elif attr is not False and attr is not None:
                out.append(f' {escape(str(key))}="{escape(str(attr))}"')
        out.append(">")
        for option, label in self.choices:
            option = "" if option is None else str(option)
            selected = ""
            if option in chosen:  # the first option of the value only, as Django's
                selected, chosen = " selected", ()
            out.append(
                f'\n  <option value="{escape(option)}"{selected}>{escape(str(label))}</option>'
            )
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 - every value is escaped  # nosec B308 B703


# Inputs drawn as django/forms/widgets/input.html draws them (nothing of their own).
PLAIN_INPUTS = (forms.TextInput, forms.NumberInput, forms.EmailInput, forms.SearchInput)


def labelled_control(form: forms.Form, name: str) -> str:
    """`<div><label for="id_…">Label</label>{control}</div>`, what the template
    `<div><label for="{{ f.id_for_label }}">{{ f.label }}</label>{{ f }}</div>` draws for
    the field, without a template: a QuickSelect or a plain input drawn here, a refused
    value marked aria-invalid as Django marks it (any other field: Django draws it)."""
    field = form.fields[name]
    widget = field.widget
    label = escape(str(pretty_name(name) if field.label is None else field.label))
    quick = isinstance(widget, QuickSelect) or type(widget) in PLAIN_INPUTS
    if (
        not quick
        or form.prefix
        or form.auto_id != "id_%s"
        or field.required
        or field.disabled
        or field.localize
        or field.show_hidden_initial
        or "id" in widget.attrs
        or widget.attrs.get("aria-describedby")
    ):
        bound = form[name]
        return f'<div><label for="{escape(bound.id_for_label)}">{label}</label>{bound}</div>'
    attrs, described = {}, []
    if field.help_text:
        described.append(f"id_{name}_helptext")
    if form.is_bound and name in form.errors:
        attrs["aria-invalid"] = "true"
        described.append(f"id_{name}_error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    attrs["id"] = f"id_{name}"
    # The value as BoundField.value() finds it.
    value = form.get_initial_for_field(field, name)
    if form.is_bound:
        value = field.bound_data(widget.value_from_datadict(form.data, form.files, name), value)
    value = field.prepare_value(value)
    if isinstance(widget, QuickSelect):
        control = widget.render(name, value, attrs)
    else:
        control = _input(widget, name, value, attrs)
    return f'<div><label for="id_{name}">{label}</label>{control}</div>'


def _input(widget: forms.widgets.Input, name: str, value, attrs: dict) -> str:
    """An input as django/forms/widgets/input.html and attrs.html draw it."""
    shown = widget.format_value(value)
    out = [f'<input type="{escape(widget.input_type)}" name="{escape(name)}"']
    if shown is not None:
        out.append(f' value="{escape(str(shown))}"')
    for key, attr in {**widget.attrs, **attrs}.items():
        if attr is True:
            out.append(f" {escape(str(key))}")
        elif attr is not False:
            out.append(f' {escape(str(key))}="{escape(str(attr))}"')
    out.append(">")
    return "".join(out)


class PlainChoices(BaseChoiceIterator):
    """Choices that are already (value, label) pairs, given to a field as they are:
    Django normalises a list of choices item by item, twice (field and widget), which
    cost more than reading them."""

    def __init__(self, pairs: list[tuple]):
        self.pairs = pairs

    def __iter__(self):
        return iter(self.pairs)

    def __deepcopy__(self, memo):
        return self  # never changed in place: a form's copy of its fields may share it


class ChoiceLists:
    """The choices of a form's drop-downs read in one query (UNION ALL), not one query per
    drop-down (issue 18). Each list is a queryset's `values_list(sort number, sort text,
    value, label)`; the lists come back each in (sort number, sort text, value) order.
    Their SQL is compiled once per set of lists: the same text on every page view.

    Read for a signed-in user, the lists are kept per process under the watched tables'
    change numbers their session read (earlybird.changes) and read again when they move:
    every table they come from carries its trigger (a test holds the two together)."""

    every: list["ChoiceLists"] = []  # each one made, for that test

    def __init__(self, **querysets: QuerySet):
        self.querysets = querysets
        self.compiled: dict[tuple[str, ...], tuple[str, tuple]] = {}
        self.kept: dict[tuple[str, ...], tuple[str, dict[str, tuple]]] = {}
        ChoiceLists.every.append(self)

    def read(self, *names: str, user=None) -> dict[str, tuple[tuple, ...]]:
        """{name: ((value, label), …)} of the named lists (as `user`'s request may see
        them kept, or read now)."""
        numbers = numbers_seen_by(user) if user is not None else None
        kept = self.kept.get(names)
        if numbers is not None and kept is not None and kept[0] == numbers:
            return kept[1]
        if names not in self.compiled:
            self.compiled[names] = self._compile(names)
        sql, params = self.compiled[names]
        lists: dict[str, list[tuple]] = {name: [] for name in names}
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)
            for n, value, label in cursor.fetchall():
                lists[names[n]].append((value, label))
        read = {name: tuple(values) for name, values in lists.items()}
        if numbers is not None:
            self.kept[names] = (numbers, read)
        return read

    def _compile(self, names: tuple[str, ...]) -> tuple[str, tuple]:
        parts, params = [], []
        for n, name in enumerate(names):
            sql, part_params = self.querysets[name].order_by().query.sql_with_params()
            parts.append(f"SELECT {n}, s.* FROM ({sql}) s")  # noqa: S608 - n: an int we wrote
            params.extend(part_params)
        # The parts are SQL that Django compiled from querysets, their values parameters.
        union = " UNION ALL ".join(parts)
        sql = f"SELECT n, v, l FROM ({union}) c (n, si, st, v, l) ORDER BY 1, si, st, v"  # noqa: S608
        return sql, tuple(params)
