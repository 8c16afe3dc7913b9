"""The record of a jury decision taken on paper: counts, who left the room, the signed protocol.

A step that asks for `paper_record` (the jury's decisions in the shipped workflows) takes these
on the office's form; the engine (fondsengine.applications.steps, fondsengine.jury.paper) applies
the tally rules.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict

from fondsengine.applications.steps import PaperRecord
from fondsengine.jury import paper as jury_paper
from webapp import fields, uploads
from webapp.extensions import actor, fonds
from webapp.manage.application import OfficeView


def paper_context(view: OfficeView) -> dict[str, Any]:
    """What the form shows: whether the session is open and who was present."""
    item_id, session_open, present = jury_paper.paper_facts(fonds(), actor(), view.app.id)
    return {"item_id": item_id, "session_open": session_open, "present": present}


def _count(form: MultiDict[str, str], name: str, label: str) -> int | None:
    return fields.whole(form, name, label=label, high=1000)


def paper_record(form: MultiDict[str, str], upload: FileStorage | None) -> PaperRecord:
    """The record as posted (the counts as typed, the protocol's file of the step form's `protocol`
    field); InvalidInput (German) when a count or the upload is not valid."""
    protocol = None
    if upload is not None:
        checked = uploads.check(upload, fonds().settings)
        protocol = uploads.as_input(checked, "other")
    return PaperRecord(
        yes=_count(form, "yes", "Ja-Stimmen"),
        no=_count(form, "no", "Nein-Stimmen"),
        abstain=_count(form, "abstain", "Enthaltungen"),
        protocol=protocol,
        left_room=tuple(fields.idents(form.getlist("left_room"))),
        chair_casting=form.get("chair_casting") or None,
    )
