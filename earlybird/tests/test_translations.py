"""Every string of the phone pages (/d/, /s/, /me/) has a Telugu and a Hindi translation.

The templates under the three folders, and every template they extend or include, are
parsed with Django's own template engine; each {% translate %} and {% blocktranslate %}
gives its msgid (with its context and plural), looked up in the catalog Django merges for
the language (the project's locale/, every app's locale/, Django's own). The .mo files
are checked against their .po: a .po edited and not compiled fails here too.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.base import Node
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.templatetags.i18n import BlockTranslateNode, TranslateNode
from django.utils.translation import trans_real

TEMPLATES = Path(settings.BASE_DIR) / "templates"
PHONE_FOLDERS = ("deliveries/boy", "deliveries/shared", "customers/me")
LANGUAGES = ("te", "hi")


@dataclass(frozen=True)
class Message:
    msgid: str
    context: str | None = None
    plural: str | None = None

    def key(self):
        """How the catalog keys it (gettext's "context\\x04msgid", plurals by form 0)."""
        msgid = f"{self.context}\x04{self.msgid}" if self.context else self.msgid
        return (msgid, 0) if self.plural else msgid

    def __str__(self) -> str:
        return f"{self.context}|{self.msgid}" if self.context else self.msgid


def _literal(expression) -> str | None:
    """A FilterExpression's constant string ('x' or "x"), None for a variable."""
    var = getattr(expression, "var", None)
    if isinstance(var, str):
        return var
    literal = getattr(var, "literal", None)
    return literal if isinstance(literal, str) else None


def _nodes(node: Node):
    """Every node under `node`, whatever holds its children (if branches, for loops)."""
    yield node
    for attr in node.child_nodelists:
        for child in getattr(node, attr, None) or ():
            yield from _nodes(child)
    if hasattr(node, "conditions_nodelists"):  # {% if %}: every branch
        for _condition, nodelist in node.conditions_nodelists:
            for child in nodelist:
                yield from _nodes(child)


def messages_of(name: str, seen: set[str] | None = None) -> dict[Message, set[str]]:
    """msgid -> the templates it is in, for `name` and all it extends and includes."""
    seen = set() if seen is None else seen
    found: dict[Message, set[str]] = {}
    if name in seen:
        return found
    seen.add(name)
    template = engines["django"].get_template(name).template
    for top in template.nodelist:
        for node in _nodes(top):
            message = None
            if isinstance(node, TranslateNode):
                context = _literal(node.message_context) if node.message_context else None
                message = Message(_literal(node.filter_expression), context)
            elif isinstance(node, BlockTranslateNode):
                context = _literal(node.message_context) if node.message_context else None
                plural = node.render_token_list(node.plural)[0] if node.plural else None
                message = Message(node.render_token_list(node.singular)[0], context, plural)
            elif isinstance(node, ExtendsNode | IncludeNode):
                expression = node.parent_name if isinstance(node, ExtendsNode) else node.template
                other = _literal(expression)
                if other:
                    for msg, names in messages_of(other, seen).items():
                        found.setdefault(msg, set()).update(names)
            if message and message.msgid:
                found.setdefault(message, set()).add(name)
    return found


def phone_templates() -> list[str]:
    return sorted(
        str(path.relative_to(TEMPLATES))
        for folder in PHONE_FOLDERS
        for path in (TEMPLATES / folder).glob("*.html")
    )


def phone_messages() -> dict[Message, set[str]]:
    found: dict[Message, set[str]] = {}
    seen: set[str] = set()
    for name in phone_templates():
        for message, names in messages_of(name, seen).items():
            found.setdefault(message, set()).update(names)
    return found


def missing_in(language: str, messages) -> list[str]:
    catalog = trans_real.translation(language)._catalog
    return sorted(
        f"{message!s}  ({', '.join(sorted(names))})"
        for message, names in messages.items()
        if not catalog.get(message.key())
    )


def test_the_walk_finds_the_strings_of_every_phone_folder_and_what_they_include():
    messages = phone_messages()
    names = set().union(*messages.values())
    assert {"customers/me/home.html", "deliveries/shared/route.html"} <= names
    assert "base.html" in names and "_language_switch.html" in names  # extended, included
    assert Message("Skip a day") in messages
    days = "About <strong>%(days)s day</strong> of milk at your usual %(daily)s a day"
    assert any(m.msgid == days and m.plural for m in messages)  # a plural, trimmed
    assert Message("Day by day") in messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_of_the_phone_pages_is_translated(language):
    missing = missing_in(language, phone_messages())
    assert not missing, f"{len(missing)} without a {language} translation:\n" + "\n".join(missing)


# The Python behind the phone pages: their messages, form labels and the stops the route
# page builds without a template.
PHONE_CODE = (
    "deliveries/views/boy*.py",
    "deliveries/views/shared.py",
    "deliveries/services/offline.py",
    "deliveries/services/bottles.py",
    "deliveries/selectors_boy.py",
    "billing/offline_cash.py",
    "web/cash.py",
    "web/portal/*.py",
    "earlybird/i18n.py",
)
GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}
PGETTEXT_CALLS = {"pgettext", "pgettext_lazy"}  # (context, message)


def code_messages() -> dict[Message, set[str]]:
    """Every string literal passed to gettext in those modules (read, not imported)."""
    found: dict[Message, set[str]] = {}
    base = Path(settings.BASE_DIR)
    for pattern in PHONE_CODE:
        for path in sorted(base.glob(pattern)):
            for node in ast.walk(ast.parse(path.read_text())):
                name = getattr(getattr(node, "func", None), "id", None)
                context = None
                if name in PGETTEXT_CALLS and len(node.args) == 2:
                    context, *args = node.args
                    if not isinstance(context, ast.Constant):
                        continue
                    context = context.value
                elif name in GETTEXT_CALLS:
                    args = node.args
                else:
                    continue
                if not (
                    args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)
                ):
                    continue
                plural = node.args[1].value if name.startswith("ngettext") else None
                message = Message(args[0].value, context, plural=plural)
                found.setdefault(message, set()).add(str(path.relative_to(base)))
    return found


def test_the_code_walk_finds_the_messages_of_the_route_and_the_sync():
    messages = code_messages()
    assert Message("Undo") in messages  # deliveries/views/boy.py, built without a template
    assert Message("Choose why it was not delivered.") in messages  # the sync's answer
    assert Message("Mon", "weekday") in messages  # web/portal/calendar_html.py, its context


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_code_behind_the_phone_pages_is_translated(language):
    missing = missing_in(language, code_messages())
    assert not missing, f"{len(missing)} without a {language} translation:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_translation_is_reported(language):
    made_up = {Message("A sentence nobody translated"): {"made_up.html"}}
    assert missing_in(language, made_up) == ["A sentence nobody translated  (made_up.html)"]


# --- the .mo files are compiled from the .po files beside them ---------------------------

_ENTRY = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$')


def po_entries(path: Path) -> dict:
    """A .po file's translated entries, keyed as gettext keys its .mo: enough of the
    format for files written by hand or by makemessages (no obsolete #~ entries)."""
    entries, current, field = {}, {}, None

    def flush():
        if current.get("msgid"):
            msgid = current["msgid"]
            if "msgctxt" in current:
                msgid = f"{current['msgctxt']}\x04{msgid}"
            for name, value in current.items():
                if name == "msgstr" and value:
                    entries[msgid] = value
                elif name.startswith("msgstr[") and value:
                    entries[(msgid, int(name[7:-1]))] = value
        current.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _ENTRY.match(line)
        if match:
            field = match.group(1)
            if field in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in current):
                flush()
            current[field] = _unescape(match.group(2))
        elif line.startswith('"') and field:
            current[field] += _unescape(line[1:-1])
    flush()
    return entries


def _unescape(text: str) -> str:
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape")


def catalogs() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return sorted(
        path
        for pattern in ("locale/*/LC_MESSAGES/django.po", "*/locale/*/LC_MESSAGES/django.po")
        for path in root.glob(pattern)
        if ".venv" not in path.parts
    )


def test_the_project_has_telugu_and_hindi_catalogs():
    names = {str(path.relative_to(settings.BASE_DIR)) for path in catalogs()}
    assert {"locale/te/LC_MESSAGES/django.po", "locale/hi/LC_MESSAGES/django.po"} <= names


@pytest.mark.parametrize("po", catalogs(), ids=lambda path: str(path.parent.parent.parent))
def test_each_mo_file_is_compiled_from_its_po_file(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run msgfmt -o {mo.name} {po.name} in its folder"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    written = po_entries(po)
    stale = sorted(str(key) for key, value in written.items() if compiled.get(key) != value)
    assert not stale, f"{mo} is older than {po.name}; recompile it. Differs: {stale[:10]}"
