"""Starting a vote by circulation (Umlaufverfahren): chosen items, a deadline, the jury invited.

Members then vote on their own devices (`voting.cast_vote`); at the deadline the scheduler's job
`circulation_close` (or the office) counts every item by the guideline's rules
(`closing.close_circulation`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from fondsengine.applications.decisions import put_on_agenda
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.jury.sessions import invite_members
from fondsengine.jury.voting import when
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.model import JurySession


def start_circulation(
    fonds: Engine, actor: Actor, fund_id: str, application_ids: Collection[int], vote_deadline: datetime
) -> int:
    """The office puts reviewed applications to a vote by circulation until a deadline; return its id.

    One unit of work: the applications are locked first (ascending ids), then the role, the
    guideline (`jury.circulation_allowed`) and the deadline are checked; the session is created,
    every application goes on its agenda through the workflow's `schedule` step, and the members
    of the jury on that day are invited. Any refusal leaves nothing behind.
    """
    ids = sorted(set(application_ids))
    if not ids:
        raise InvalidInput("Bitte wählen Sie mindestens einen Antrag aus.", field="application")
    if vote_deadline.tzinfo is None:
        raise InvalidInput("Die Frist hat keine Zeitzone.", field="deadline")
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        today = local_date(now)
        apps = []
        for app_id in ids:
            app, _ = authz.load_visible_application(s, actor, app_id, today)
            if app.fund_id != fund_id:
                raise NotFound("Diesen Antrag gibt es in diesem Fonds nicht.")
            apps.append(app)
        authz.require_fund_role(s, actor, fund_id, today, "manager")
        rules = fonds.catalog.current(s, fund_id)[2].jury
        if not rules.circulation_allowed:
            raise InvalidInput("Die Förderrichtlinie erlaubt keine Abstimmung im Umlaufverfahren.", clause=rules.clause)
        if vote_deadline <= now:
            raise InvalidInput(f"Die Frist ({when(vote_deadline)}) muss in der Zukunft liegen.", field="deadline")
        js = JurySession(
            fund_id=fund_id,
            starts_at=now,
            place="",
            status="planned",
            circulation=True,
            vote_deadline=vote_deadline,
            created_at=now,
        )
        s.add(js)
        s.flush()
        for app in apps:
            put_on_agenda(uow, actor, app, js)
        invited = invite_members(s, js, rules, now)
        record(
            s,
            actor=actor,
            role="manager",
            action="start_circulation",
            at=now,
            fund_id=fund_id,
            data={
                "session_id": js.id,
                "applications": ids,
                "vote_deadline": vote_deadline.isoformat(),
                "invited": invited,
            },
        )
        uow.commit()
        return js.id
