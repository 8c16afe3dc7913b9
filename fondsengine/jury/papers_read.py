"""The read model of a jury session's page: the agenda as the viewer sees it, the papers of every
item, the jury's notes and the fund's guideline, from one read session.

The papers of an item are what the three per-application reads hand out, built by the same code:
`jury_view_of_application` (the guideline's `jury.visible_fields`, never bank details or private
contact data, the financing plan, the released files), `findings_for` and `jury_messages` (what
the office shared). Who may read them is `authz.agenda_readers`, the rule of
`load_agenda_application`: the fund's office, and whoever sits on an agenda the application is on
(a jury member of its fund, an invited guest). An item whose papers the viewer may not read has
none (`ItemPapers.available` is False); the notes are left out for a viewer who may not read them
(an invited guest outside the jury gets none, an applicant none of their own item).

Every part is read for all items at once (`IN (...)` over the agenda's applications), so the
number of statements does not grow with the agenda (tests/web/test_statement_budget_jury_papers.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fondsengine.applications.messages import MessageView, written_messages_of
from fondsengine.applications.queries import findings_of
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import PermissionDenied
from fondsengine.guidelines.findings import Finding
from fondsengine.guidelines.model import Guideline
from fondsengine.jury.common import agenda_with_applications
from fondsengine.jury.minutes import JuryApplicationView, jury_views_in
from fondsengine.jury.notes import ItemNotes, notes_in
from fondsengine.jury.reads import ItemView, SessionInfo, agenda_items_in
from fondsengine.lifecycle import authz
from fondsengine.model import Application


@dataclass(frozen=True)
class ItemPapers:
    """The papers of one agenda item as the viewer may read them."""

    agenda_item_id: int
    application_id: int
    view: JuryApplicationView | None  # None: the viewer may not read these papers
    findings: tuple[Finding, ...] = ()  # the eligibility findings under the application's guideline, now
    messages: tuple[MessageView, ...] = ()  # the messages the office shared with the papers, oldest first

    @property
    def available(self) -> bool:
        """True when the viewer may read the papers."""
        return self.view is not None


@dataclass(frozen=True)
class SessionPage:
    """Everything the session page shows besides the session itself (`SessionInfo`)."""

    items: tuple[ItemView, ...]  # in agenda order
    papers: Mapping[int, ItemPapers]  # agenda item id -> papers
    notes: Mapping[int, ItemNotes]  # agenda item id -> the jury's notes, where the viewer may read them
    guideline: Guideline  # the fund's current guideline (labels of the papers, the criteria of the notes)


def session_page(fonds: Engine, actor: Actor, info: SessionInfo) -> SessionPage:
    """The agenda, the papers and the notes of a session for the viewer `session_info` authorised."""
    assert actor.user_id is not None
    with fonds.db.read() as s:
        now = fonds.clock.now()
        rows = agenda_with_applications(s, info.id, cost_items=True)
        guideline = fonds.catalog.current(s, info.fund_id)[2]
        items = agenda_items_in(fonds, s, actor, info, rows, info.jury)
        apps = list({app.id: app for _, app in rows}.values())
        authz.remember_co_applicants(s, actor, [a.id for a in apps])  # the papers' and the notes' question
        readers = authz.agenda_readers(s, actor, apps, local_date(now))
        readable: list[Application] = [a for a in apps if a.id in readers]
        views = jury_views_in(fonds, s, readable)
        findings = findings_of(fonds, s, readable, now)
        messages = written_messages_of(s, [a.id for a in readable], shared_only=True)
        papers = {
            item.id: ItemPapers(
                item.id,
                app.id,
                views.get(app.id),
                tuple(findings.get(app.id, ())),
                tuple(messages.get(app.id, ())),
            )
            for item, app in rows
        }
        try:
            notes = notes_in(fonds, s, actor, info, rows, now, (info.rules, info.jury))
        except PermissionDenied:  # an invited guest outside the jury: no notes
            notes = {}
        return SessionPage(tuple(items), papers, notes, guideline)
