"""The workflow texts a resident reads, for the catalogue (`workflows` domain, docs/i18n.md).

A workflow file is German data. What the resident's pages and mails show of it (state labels, what
happens next, the labels of the steps in her timeline and of her buttons) is extracted by
`extract` (a Babel extraction method, see babel-workflows.cfg) and translated in
fondsengine/translations/<lang>/LC_MESSAGES/workflows.po. The office's texts stay German."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

import yaml

from fondsengine.i18n import catalogue, current_language

DOMAIN = "workflows"


def extract(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel extraction method: every state label and next step, every step label, the done text of
    the applicant's own steps (line numbers are not kept: the text itself is the msgid)."""
    data = yaml.safe_load(fileobj.read().decode("utf-8")) or {}
    for state in data.get("states") or []:
        for key in ("label", "next_step"):
            if state.get(key):
                yield 0, None, " ".join(str(state[key]).split()), [f"state {state.get('id')}: {key}"]
    for step in data.get("transitions") or []:
        if step.get("label"):
            yield 0, None, str(step["label"]), [f"step {step.get('trigger')}"]
        if step.get("done") and "applicant" in (step.get("roles") or []):
            yield 0, None, str(step["done"]), [f"step {step.get('trigger')}: done"]


def workflow_text(text: str | None) -> str:
    """A workflow text in the current mail language (unchanged when there is no translation)."""
    if not text:
        return text or ""
    return catalogue(current_language(), DOMAIN).ugettext(" ".join(text.split()))
