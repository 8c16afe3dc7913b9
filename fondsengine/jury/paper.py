"""A jury session held on paper: the office enters the counts of an item and uploads the signed protocol.

A jury decision exists only with its record. For a session held on paper that record is the
attendance (recorded when the session is opened, `jury_sessions.open_session`), the members who
declared a conflict and left the room, the yes/no/abstain counts of the item and the signed
protocol. The same tally rules as for votes taken in the system (quorum, majority, ties,
conflicts) are applied to the counts; the item is then closed like any other.

Declarations on conflicts of interest (`jury.conflict.declaration_required`): in the room the chair
asks before each item who is biased (§ 20 Abs. 4 VwVfG: who may be biased tells the chair), and the
minutes name who was and left the room. The signed protocol is therefore the record of the
declarations of a session held on paper; the office enters only the members who left the room
(`left_room`, stored as conflicts), not a "no conflict" per member it cannot attest one by one.
The audit event notes that the protocol holds the declarations. docs/jury.md says the same.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import select

from fondsengine import files
from fondsengine.applications.records import AttachmentInput
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.jury.closing import ItemResult, _apply, _Count
from fondsengine.jury.common import (
    declared_conflicts,
    jury_members,
    lock_open_item,
    names_of,
    present_ids,
    session_day,
    store_declaration,
    voting_ids,
)
from fondsengine.jury.tally import Ballot, Outcome, VoteChoice, conflicted_members, tally
from fondsengine.jury.voting import choice_of
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.lifecycle.fire import guideline_of
from fondsengine.model import AgendaItem, JurySession, Vote

PROTOCOL_MISSING = "Bitte laden Sie das unterschriebene Protokoll der Sitzung hoch (PDF)."


def open_item_of(fonds: Engine, application_id: int) -> int | None:
    """The open agenda item of an application, if it is on an agenda."""
    with fonds.db.read() as s:
        return s.scalar(
            select(AgendaItem.id).where(AgendaItem.application_id == application_id, AgendaItem.status == "open")
        )


def _counts(yes: int | None, no: int | None, abstain: int | None) -> tuple[int, int, int]:
    if yes is None or no is None or abstain is None:
        raise InvalidInput(
            "Ein Beschluss der Jury braucht sein Protokoll: Bitte tragen Sie ein, wie viele Mitglieder "
            "mit Ja, mit Nein und mit Enthaltung gestimmt haben.",
            field="yes",
        )
    if min(yes, no, abstain) < 0:
        raise InvalidInput("Stimmenzahlen können nicht negativ sein.", field="yes")
    return yes, no, abstain


def close_item_on_paper(
    fonds: Engine,
    actor: Actor,
    agenda_item_id: int,
    *,
    yes: int | None,
    no: int | None,
    abstain: int | None,
    protocol: AttachmentInput | None,
    left_room: Collection[int] = (),
    chair_casting: str | None = None,
    expected: str | None = None,
    amount_cents: int | None = None,
    conditions: Sequence[str] = (),
    reason: str | None = None,
) -> ItemResult:
    """The office records the result of an item voted on paper and closes it (one transaction).

    `left_room` are members who declared a conflict and left; they are recorded as conflicts.
    `expected` ("accepted" or "rejected") is the result the office read from the protocol: when
    the counts say otherwise under the guideline's rules, nothing is stored.
    """
    counted = _counts(yes, no, abstain)
    if protocol is None:
        raise InvalidInput(PROTOCOL_MISSING, field="protocol")
    if protocol.mimetype != "application/pdf":
        raise InvalidInput("Das Protokoll muss eine PDF-Datei sein.", field="protocol")
    casting = choice_of(chair_casting, "chair_casting") if chair_casting else None
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        if not lock_open_item(s, agenda_item_id):
            raise InvalidInput("Dieser Tagesordnungspunkt ist bereits geschlossen.")
        item = s.get(AgendaItem, agenda_item_id)
        if item is None:
            raise NotFound("Diesen Tagesordnungspunkt gibt es nicht.")
        js = s.get(JurySession, item.session_id)
        assert js is not None
        app, _roles = authz.load_visible_application(s, actor, item.application_id, local_date(now))
        authz.require_fund_role(s, actor, js.fund_id, local_date(now), "manager")
        if js.circulation:
            raise InvalidInput("Ein Umlaufverfahren wird im System abgestimmt, nicht auf Papier.")
        if js.status != "open":
            raise InvalidInput(
                "Die Sitzung ist nicht eröffnet: Bitte tragen Sie zuerst ein, wer anwesend war "
                "(Sitzung eröffnen), dann die Stimmen.",
                field="present",
            )
        if s.scalar(select(Vote.id).where(Vote.agenda_item_id == item.id).limit(1)) is not None:
            raise InvalidInput(
                "Zu diesem Punkt wurde schon im System abgestimmt; bitte schließen Sie ihn dort.",
                field="yes",
            )
        guideline = guideline_of(uow, app)
        rules = guideline.jury
        members = jury_members(s, js.fund_id, session_day(js), rules)
        present = present_ids(s, js.id)
        strangers = sorted(set(left_room) - present)
        if strangers:
            names = ", ".join(names_of(s, strangers).get(u, str(u)) for u in strangers)
            raise InvalidInput(f"Nicht als anwesend eingetragen: {names}.", field="left_room")
        declared = declared_conflicts(s, item.id)
        for uid in sorted(set(left_room) - declared):  # replaces a "no conflict" the member declared online
            store_declaration(
                s,
                item.id,
                uid,
                conflicted=True,
                reason="befangen, hat den Raum verlassen (Papierprotokoll)",
                by=actor.user_id or 0,
                at=now,
            )
        conflicts = conflicted_members(rules, members, app.applicant_id, declared | set(left_room), ())
        voters = sorted((voting_ids(members, rules) - set(conflicts)) & present)
        if sum(counted) > len(voters):
            raise InvalidInput(
                f"Gezählt sind {sum(counted)} Stimmen, stimmberechtigt anwesend waren aber nur "
                f"{len(voters)} Mitglieder (ohne Befangene).",
                field="yes",
            )
        choices = [VoteChoice.YES] * counted[0] + [VoteChoice.NO] * counted[1] + [VoteChoice.ABSTAIN] * counted[2]
        ballots = [Ballot(uid, choice) for uid, choice in zip(voters, choices, strict=False)]
        result = tally(rules, members, present, conflicts, ballots, chair_casting=casting)
        if result.outcome is Outcome.NO_QUORUM:
            raise InvalidInput(f"Kein Beschluss möglich: {result.explanation}", field="yes")
        if result.outcome is Outcome.TIE_CHAIR_NEEDED:
            raise InvalidInput(
                f"{result.explanation}. Bitte tragen Sie den Stichentscheid des Vorsitzes ein.",
                field="chair_casting",
            )
        if expected is not None and result.outcome.value != expected:
            said = "angenommen" if result.outcome is Outcome.ACCEPTED else "abgelehnt"
            raise InvalidInput(
                f"Nach den eingetragenen Stimmen ist der Antrag {said}: {result.explanation}. "
                "Bitte prüfen Sie die Zahlen oder den gewählten Beschluss.",
                field="yes",
            )
        if amount_cents is not None and amount_cents < app.requested_cents and not (reason and reason.strip()):
            raise InvalidInput("Bitte begründen Sie, warum weniger als beantragt bewilligt wird.", field="reason")
        stored = files.stage(s, fonds.storage, protocol.content, protocol.mimetype)
        data = {
            "outcome": result.outcome.value,
            "yes": result.yes,
            "no": result.no,
            "abstain": result.abstain,
            "eligible": result.eligible,
            "present": result.present,
            "excluded": list(result.excluded),
            "ignored": [],
            "quorum_reached": result.quorum_reached,
            "explanation": result.explanation,
            "clause": result.clause,
            "circulation": False,
            "tie": result.tie,
            "decided_by_chair": result.decided_by_chair,
            "chair_casting": casting.value if casting is not None and result.decided_by_chair else None,
            "paper": {
                "protocol_name": protocol.original_name[:255],
                "protocol_sha256": protocol.sha256,
                "protocol_stored_name": stored,
                "left_room": sorted(set(left_room)),
                "recorded_by_id": actor.user_id,
            },
        }
        count = _Count(result, data, (), guideline, frozenset(conflicts))
        out = _apply(uow, actor, item, app, count, amount_cents, conditions, reason)
        record(
            s,
            actor=actor,
            role="manager",
            action="record_paper_votes",
            at=now,
            fund_id=js.fund_id,
            application_id=app.id,
            data={"agenda_item_id": item.id, "yes": result.yes, "no": result.no, "abstain": result.abstain,
                  "protocol_sha256": protocol.sha256,
                  "declarations": "protocol" if rules.conflict.declaration_required else None},
        )  # fmt: skip
        uow.commit()
        return out


def paper_facts(fonds: Engine, actor: Actor, application_id: int) -> tuple[int | None, bool, list[tuple[int, str]]]:
    """For the office's form: the open agenda item, whether its session is open, who is present."""
    with fonds.db.read() as s:
        now = fonds.clock.now()
        app, _roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        authz.require_fund_role(s, actor, app.fund_id, local_date(now), "manager")
        row = s.execute(
            select(AgendaItem.id, JurySession.id, JurySession.status)
            .join(JurySession, JurySession.id == AgendaItem.session_id)
            .where(AgendaItem.application_id == application_id, AgendaItem.status == "open")
        ).first()
        if row is None:
            return None, False, []
        item_id, session_id, status = row
        present = present_ids(s, session_id)
        names = names_of(s, present)
        return item_id, status == "open", sorted(((u, names.get(u, str(u))) for u in present), key=lambda p: p[1])
