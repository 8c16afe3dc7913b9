"""The one error summary of a Flask-WTF form: each error names its field, in the form's order."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from fondsengine.errors import FondsError
from webapp.i18n import N_

Errors = list[tuple[str | None, str]]

REQUIRED = N_("Bitte füllen Sie dieses Feld aus.")  # German; pages show it through the `tr` filter


def summary_errors(form: Any, skip: tuple[str, ...] = ("csrf_token",)) -> Errors:
    """The form's errors for the summary at the top, each naming its field (a bare "Bitte füllen Sie
    dieses Feld aus." four times tells nobody which fields are meant). The first error of a field
    counts; `skip` names fields whose errors another part of the page reports."""
    out: Errors = []
    for name, messages in form.errors.items():
        if name in skip or not messages:
            continue
        message = str(messages[0])
        if message == REQUIRED:
            label = re.sub(r"\s*\(.*\)$", "", str(form[name].label.text))
            message = _("Bitte füllen Sie das Feld „%(label)s“ aus.", label=label)
        if (name, message) not in out:
            out.append((name, message))
    return out


def engine_errors(form: Any, exc: FondsError, *, rename: Callable[[str], str | None] | None = None) -> Errors:
    """The engine's refusal (`InvalidInput` and the other `FondsError`s) mapped onto the form: a message
    naming a field of the form becomes that field's error (shown next to it); the summary lines are the
    form's errors in its order, then the message when it names no field, then the clauses (`reasons`).
    `rename` maps the engine's field name to the form's (None: the message names no field)."""
    name = getattr(exc, "field", None)
    if name and rename is not None:
        name = rename(name)
    message = str(exc)  # with its clause
    extra: Errors = []
    if name and name in form:
        form[name].errors = [*form[name].errors, message]
    else:
        extra.append((name, message))
    out = summary_errors(form)
    if name and name in form and (name, message) not in out:
        out.append((name, message))
    out += extra
    for reason in getattr(exc, "reasons", ()) or ():
        if reason and reason != exc.message and (None, reason) not in out:
            out.append((None, reason))
    return out
