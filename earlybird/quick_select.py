"""A <select> drawn in Python: Django's Select renders a template per option, which on
the staff list pages (a few drop-downs of areas, routes and staff) cost more than the
rows (issue 18). Same markup, same attributes; every value escaped."""

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A single-choice drop-down (optgroups not supported: none of its forms has any)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = {str(v) for v in self.format_value(value)}
        out = [f'<select name="{escape(name)}"']
        for key, attr in attrs.items():
            if attr is True:
                out.append(f" {escape(key)}")
            elif attr is not False and attr is not None:
                out.append(f' {escape(key)}="{escape(attr)}"')
        out.append(">")
        for option, label in self.choices:
            option = "" if option is None else str(option)
            selected = " selected" if option in chosen else ""
            out.append(f'\n  <option value="{escape(option)}"{selected}>{escape(label)}</option>')
        out.append("\n</select>")
        return mark_safe("".join(out))  # noqa: S308 - every value is escaped  # nosec B308 B703
