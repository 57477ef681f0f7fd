"""The second step before a write nobody can take back (revoke a shared link, void a bill,
stop a subscription): a box to tick, which the page asks for in a <details> that opens on
the first click and the form requires, so one stray tap changes nothing.

The browser refuses to send the form without the tick (`required`); the form refuses it
too, with the reason, for a browser or a script that sends it anyway.
"""

from django import forms

CONFIRM = "confirm"  # the checkbox's name in every such form


def confirm_field(label: str, *, refused: str) -> forms.BooleanField:
    """A required tick box: `label` says what it confirms, `refused` what happened without
    it (nothing) and what to do."""
    return forms.BooleanField(label=label, required=True, error_messages={"required": refused})


def refusal(form: forms.Form) -> str:
    """The form's errors as one sentence for a message after a redirect."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
