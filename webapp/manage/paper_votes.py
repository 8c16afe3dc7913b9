"""The record of a jury decision taken on paper: counts, who left the room, the signed protocol.

The office's form for "Beschluss der Jury" hands these to the engine
(fondsengine.jury.paper.close_item_on_paper), which applies the tally rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import request
from werkzeug.datastructures import MultiDict

from fondsengine.errors import InvalidInput
from fondsengine.jury import paper as jury_paper
from webapp import fields, uploads
from webapp.extensions import actor, fonds
from webapp.manage.application import OfficeView

EXPECTED = {"approve": "accepted", "recommend": "accepted", "reject": "rejected"}
JURY_DECISIONS = ("jury_approve", "jury_recommend", "jury_reject")


def paper_context(view: OfficeView, trigger: str) -> dict[str, Any]:
    """What the form shows: whether the session is open and who was present."""
    if trigger not in JURY_DECISIONS:
        return {}
    item_id, session_open, present = jury_paper.paper_facts(fonds(), actor(), view.app.id)
    return {"item_id": item_id, "session_open": session_open, "present": present}


def _count(form: MultiDict[str, str], name: str, label: str) -> int | None:
    return fields.whole(form, name, label=label, high=1000)


def record_on_paper(
    view: OfficeView,
    form: MultiDict[str, str],
    outcome: str,
    *,
    amount_cents: int | None,
    conditions: Sequence[str],
) -> None:
    """Record the jury's decision with its record; InvalidInput (German) when part of it is missing."""
    item_id = jury_paper.open_item_of(fonds(), view.app.id)
    if item_id is None:
        raise InvalidInput("Der Antrag steht auf keiner offenen Tagesordnung der Jury.")
    upload = request.files.get("protocol")
    protocol = None
    if upload is not None and upload.filename:
        checked = uploads.check(upload, fonds().settings.upload_max_bytes)
        protocol = uploads.as_input(checked, "other")
    left = fields.idents(form.getlist("left_room"))
    jury_paper.close_item_on_paper(
        fonds(),
        actor(),
        item_id,
        yes=_count(form, "yes", "Ja-Stimmen"),
        no=_count(form, "no", "Nein-Stimmen"),
        abstain=_count(form, "abstain", "Enthaltungen"),
        protocol=protocol,
        left_room=left,
        chair_casting=form.get("chair_casting") or None,
        expected=EXPECTED[outcome],
        amount_cents=amount_cents,
        conditions=conditions,
        reason=form.get("reason", "").strip() or None,
    )
