"""Repeat funding: the office links an application to the earlier funded project it continues.

The engine counts the earlier fundings itself from these links (`funded_chain`), instead of
trusting a number the applicant types; the guideline's repeat rules then apply to the count.
"""

from __future__ import annotations

from sqlalchemy import select

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, PermissionDenied
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.lifecycle.views import funded_chain
from fondsengine.model import Application


def link_repeat(fonds: Engine, actor: Actor, application_id: int, earlier_file_number: str) -> int:
    """The office links an application to the earlier funded project it continues (or confirms
    the file number the applicant named). Returns how often the project was funded before."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        if "manager" not in roles:
            raise PermissionDenied("Nur die Geschäftsführung kann Anträge als Wiederholung verknüpfen.")
        number = earlier_file_number.strip()
        earlier = s.scalar(select(Application).where(Application.file_number == number))
        if earlier is None or earlier.fund_id != app.fund_id:
            raise InvalidInput(
                f"Einen Antrag mit dem Aktenzeichen {number} gibt es in diesem Fonds nicht.",
                field="continues_file_number",
            )
        if earlier.id == app.id or app.id in {a.id for a in funded_chain(s, earlier)}:
            raise InvalidInput("Ein Antrag kann nicht sich selbst fortsetzen.", field="continues_file_number")
        if earlier.approved_cents is None:
            raise InvalidInput(
                f"Der Antrag {number} wurde nicht bewilligt; nur geförderte Projekte zählen als Vorgänger.",
                field="continues_file_number",
            )
        app.continues_id = earlier.id
        app.continues_file_number = number
        app.updated_at = now
        count = len(funded_chain(s, app))
        record(
            s,
            actor=actor,
            role="manager",
            action="link_repeat",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={"continues": number, "earlier_fundings": count},
        )
        uow.commit()
        return count
