"""The one error summary of a Flask-WTF form: each error names its field, in the form's order."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

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
