"""The one error summary of a Flask-WTF form (each error names its field, in the form's order) and the
one mapping of the engine's refusal (`InvalidInput` naming a `field`) onto the page's fields: onto a
form's WTForms fields (`engine_errors`), or onto fields a page generates from the guideline or from the
rows entered (`refusal`, `refusal_lines`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from typing import Any, overload

from flask_babel import gettext as _
from wtforms.form import BaseForm

from fondsengine.errors import FondsError
from webapp.i18n import N_

Errors = list[tuple[str | None, str]]

REQUIRED = N_("Bitte füllen Sie dieses Feld aus.")  # German; pages show it through the `tr` filter
FILES_AGAIN = " Bitte wählen Sie die Dateien noch einmal aus."  # a browser does not keep chosen files
UPLOAD = "file"  # the field `webapp.uploads.check` names in its refusals
Rename = Callable[[str], str | None]
Known = Container[str] | BaseForm  # the names of the page's fields, or a form


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


def merged(errors: Errors, form: Any, skip: tuple[str, ...] = ("csrf_token",)) -> Errors:
    """The page's summary: `errors` found before (a stale CSRF token, the engine's refusal), then the
    form's own errors (`summary_errors`) that are not listed yet."""
    return errors + [error for error in summary_errors(form, skip) if error not in errors]


def _named(exc: FondsError, rename: Rename | None) -> str | None:
    """The field the refusal names, as the page calls it (None: it names none)."""
    name: str | None = getattr(exc, "field", None)
    if name and rename is not None:
        name = rename(name)
    return name or None


def _reasons(exc: FondsError, out: Errors) -> Errors:
    for reason in getattr(exc, "reasons", ()) or ():
        if reason and reason != exc.message and (None, reason) not in out:
            out.append((None, reason))
    return out


@overload
def refusal(
    exc: FondsError, known: Known | None = ..., *, default: str, rename: Rename | None = ...,
    files_again: bool = ...,
) -> tuple[str, str]: ...  # fmt: skip
@overload
def refusal(
    exc: FondsError, known: Known | None = ..., *, default: None = ..., rename: Rename | None = ...,
    files_again: bool = ...,
) -> tuple[str | None, str]: ...  # fmt: skip
def refusal(
    exc: FondsError,
    known: Known | None = None,
    *,
    default: str | None = None,
    rename: Rename | None = None,
    files_again: bool = False,
) -> tuple[str | None, str]:
    """The engine's refusal on a page whose fields are no WTForms fields (generated from the guideline,
    posted rows): (the field it names, renamed by `rename`, when the page has it (`known`; None: any
    name), else `default`; its message with the clause). `files_again`: a refusal of an upload says
    that the files must be chosen again (the page is shown again without them)."""
    name = _named(exc, rename)
    message = str(exc) + (FILES_AGAIN if files_again and getattr(exc, "field", None) == UPLOAD else "")
    if name is None or (known is not None and name not in known):
        name = default
    return name, message


def refusal_lines(
    exc: FondsError,
    known: Known | None = None,
    *,
    default: str | None = None,
    rename: Rename | None = None,
    files_again: bool = False,
) -> Errors:
    """`refusal` as summary lines: the message, then the clauses (`reasons`) that say more."""
    return _reasons(exc, [refusal(exc, known, default=default, rename=rename, files_again=files_again)])


def engine_errors(form: Any, exc: FondsError, *, rename: Rename | None = None, default: str | None = None) -> Errors:
    """The engine's refusal (`InvalidInput` and the other `FondsError`s) mapped onto the form: a message
    naming a field of the form becomes that field's error (shown next to it); the summary lines are the
    form's errors in its order, then the message when it names no field, then the clauses (`reasons`).
    `rename` maps the engine's field name to the form's (None: the message names no field); `default`
    is the form's field for a refusal that names none."""
    name = _named(exc, rename) or default
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
    return _reasons(exc, out)
