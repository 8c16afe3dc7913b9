"""Issue 17, the rest of "everyone talks inside the application" (test client): the office shares a
message with the jury's papers and takes it back; requests for changes and their answers show among
the messages; a draft of the guideline is deleted; a resident joins and leaves the volunteer pool."""

from __future__ import annotations

import io
from pathlib import Path

from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.records import AttachmentInput, add_attachment
from fondsengine.engine import Actor
from fondsengine.funds import drafts
from fondsengine.model import ApplicationMessage, AuditEvent, GuidelineDraft, JuryVolunteer
from tests.integration.test_jury_support import FUND, app_of
from tests.support.files import simple_pdf
from tests.web.builders import QF, World, draft_for
from tests.web.conftest import login
from tests.web.test_jury_support import build_jury

SHARED = "Der Zeltverleih hat das Angebot auf 800 Euro gesenkt."
PRIVATE = "Meine Telefonnummer ist 0170 1234567."
REQUEST = "Bitte reichen Sie ein zweites Angebot für das Zelt nach."
ANSWER = "Das zweite Angebot ist jetzt angehängt."


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), "green").save(out, "PNG")
    return out.getvalue()


def _client(world: World, email: str) -> FlaskClient:
    client = world.app.test_client()
    login(client, email)
    return client


def _message_ids(world: World) -> list[int]:
    with world.fonds.db.read() as s:
        return list(s.scalars(select(ApplicationMessage.id).order_by(ApplicationMessage.id)))


def test_the_office_shares_one_message_with_the_jury_papers_and_takes_it_back(world: World, tmp_path: Path) -> None:
    j = build_jury(world, tmp_path)
    app_id = app_of(world.fonds, j.items[0]).id
    cost = add_attachment(
        world.fonds,
        j.cast.anna,
        app_id,
        AttachmentInput("cost_estimate", "angebot.pdf", "application/pdf", simple_pdf()),
    )
    anna = _client(world, "anna@example.org")
    for text, upload in ((SHARED, (io.BytesIO(_png()), "angebot-neu.png")), (PRIVATE, None)):
        data: dict[str, object] = {"message": text}
        if upload:
            data["file"] = upload
        sent = anna.post(f"/antraege/{app_id}/nachrichten", data=data, content_type="multipart/form-data")
        assert sent.status_code == 302
    shared, private = _message_ids(world)
    office = _client(world, "buero@example.org")
    ida = _client(world, "ida@example.org")
    session_page = f"/jury/sitzungen/{j.session_id}"
    assert SHARED not in ida.get(session_page).get_data(as_text=True)  # the jury sees no message by default
    page = office.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    assert page.count("Mit der Jury teilen<span") == 2

    done = office.post(f"/verwaltung/antraege/{app_id}/nachrichten/{shared}/jury", data={"share": "ja"})
    assert done.status_code == 302 and done.headers["Location"].endswith("#nachrichten")
    assert "Liegt der Jury vor" in office.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    again = office.post(f"/verwaltung/antraege/{app_id}/nachrichten/{shared}/jury", data={"share": "ja"})
    assert again.status_code == 400 and "Die Nachricht liegt der Jury schon vor." in again.get_data(as_text=True)
    wrong = office.post(f"/verwaltung/antraege/{app_id}/nachrichten/{shared}/jury", data={"share": "vielleicht"})
    assert wrong.status_code == 400
    other_app = app_of(world.fonds, j.items[1]).id
    assert (
        office.post(f"/verwaltung/antraege/{other_app}/nachrichten/{shared}/jury", data={"share": "ja"}).status_code
        == 404
    )

    html = ida.get(session_page).get_data(as_text=True)
    assert "Nachrichten, die die Geschäftsführung geteilt hat" in html
    assert SHARED in html and "Anhang: angebot-neu.png" in html and PRIVATE not in html
    link = f"/jury/antraege/{app_id}/nachrichten/{shared}/anhang"
    assert link in html
    download = ida.get(link)
    assert download.status_code == 200 and download.data[:4] == b"\x89PNG"
    # nothing else: not the unshared message's file, not the application's other files, not its record
    assert ida.get(f"/jury/antraege/{app_id}/nachrichten/{private}/anhang").status_code == 404
    assert ida.get(f"/antraege/{app_id}/anhaenge/{cost}").status_code == 404
    assert ida.get(f"/antraege/{app_id}").status_code == 404
    olga = _client(world, "olga@example.org")  # a jury member of another fund
    assert olga.get(link).status_code == 404
    assert anna.get(link).status_code == 404  # the applicant reads her own page, not the jury's papers
    assert anna.post(
        f"/verwaltung/antraege/{app_id}/nachrichten/{shared}/jury", data={"share": "nein"}
    ).status_code in (
        403,
        404,
    )

    back = office.post(f"/verwaltung/antraege/{app_id}/nachrichten/{shared}/jury", data={"share": "nein"})
    assert back.status_code == 302
    assert SHARED not in ida.get(session_page).get_data(as_text=True)
    assert ida.get(link).status_code == 404
    with world.fonds.db.read() as s:
        events = s.execute(
            select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.data)
            .where(AuditEvent.action.like("%share_message_with_jury"))
            .order_by(AuditEvent.id)
        ).all()
    assert [(a, who, d["message_id"]) for a, who, d in events] == [
        ("share_message_with_jury", world.office, shared),
        ("unshare_message_with_jury", world.office, shared),
    ]


def test_a_request_for_changes_and_the_answer_show_among_the_messages_in_order(world: World) -> None:
    app_id = draft_for(world, world.anna)
    apps.submit(world.fonds, Actor(world.anna), app_id)
    office = _client(world, "buero@example.org")
    assert (
        office.post(f"/verwaltung/antraege/{app_id}/nachrichten", data={"message": "Wir prüfen jetzt."}).status_code
        == 302
    )
    decisions.start_review(world.fonds, Actor(world.office), app_id)
    world.clock.advance(minutes=5)
    decisions.request_changes(world.fonds, Actor(world.office), app_id, REQUEST)
    world.clock.advance(minutes=5)
    anna = _client(world, "anna@example.org")
    page = anna.get(f"/antraege/{app_id}").get_data(as_text=True)
    assert "Ihre Antwort an die Geschäftsführung (freiwillig)" in page
    messages = page[page.index('id="nachrichten"') :]
    assert messages.index("Wir prüfen jetzt.") < messages.index("Bitte um Änderungen") < messages.index(REQUEST)

    bad = anna.post(
        f"/antraege/{app_id}/schritt",
        data={"trigger": "resubmit", "from_state": "changes_requested", "answer": "x" * 6000},
    )
    assert bad.status_code == 302
    assert _state(world, app_id) == "changes_requested"  # refused: too long, nothing resubmitted
    done = anna.post(
        f"/antraege/{app_id}/schritt", data={"trigger": "resubmit", "from_state": "changes_requested", "answer": ANSWER}
    )
    assert done.status_code == 302 and _state(world, app_id) == "submitted"
    for client, url in ((anna, f"/antraege/{app_id}"), (office, f"/verwaltung/antraege/{app_id}")):
        html = client.get(url).get_data(as_text=True)
        listed = html[html.index('id="nachrichten"') :]
        assert listed.index(REQUEST) < listed.index("Antwort mit dem geänderten Antrag") < listed.index(ANSWER)
    with world.fonds.db.read() as s:  # one source: the step's audit event, not a second copy
        assert s.scalars(select(ApplicationMessage.text)).all() == ["Wir prüfen jetzt."]
        reasons = s.scalars(select(AuditEvent.reason).where(AuditEvent.reason.is_not(None))).all()
        assert REQUEST in reasons and ANSWER in reasons


def _state(world: World, app_id: int) -> str:
    with world.fonds.db.read() as s:
        from fondsengine.model import Application

        app = s.get(Application, app_id)
        assert app is not None
        return app.state


def test_the_office_deletes_a_draft_of_the_guideline_but_never_an_adopted_one(world: World) -> None:
    office = _client(world, "buero@example.org")
    draft = drafts.save_draft(world.fonds, Actor(world.office), QF, "name: kaputt\n")
    page = office.get(f"/verwaltung/richtlinie/entwuerfe/{draft.id}").get_data(as_text=True)
    assert f'href="/verwaltung/richtlinie/entwuerfe/{draft.id}/loeschen"' in page
    ask = office.get(f"/verwaltung/richtlinie/entwuerfe/{draft.id}/loeschen")
    assert ask.status_code == 200 and "Ja, Entwurf löschen" in ask.get_data(as_text=True)
    bert = _client(world, "bert@example.org")
    assert bert.post(f"/verwaltung/richtlinie/entwuerfe/{draft.id}/loeschen").status_code in (403, 404)
    gone = office.post(f"/verwaltung/richtlinie/entwuerfe/{draft.id}/loeschen")
    assert gone.status_code == 302 and gone.headers["Location"].endswith(f"/verwaltung/richtlinie?fonds={QF}")
    assert "ist gelöscht" in office.get(gone.headers["Location"]).get_data(as_text=True)
    assert office.get(f"/verwaltung/richtlinie/entwuerfe/{draft.id}").status_code == 404
    with world.fonds.db.read() as s:
        assert s.get(GuidelineDraft, draft.id) is None
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "delete_guideline_draft")).one()
        assert event.actor_id == world.office and event.data["draft_id"] == draft.id and len(event.data["sha256"]) == 64

    from tests.web.test_guideline_editor import MAX, TEXT

    text = TEXT.replace(MAX, "  max: 2500")
    adopted = drafts.save_draft(world.fonds, Actor(world.office), QF, text)
    from datetime import date

    drafts.adopt_draft(
        world.fonds,
        Actor(world.office),
        adopted.id,
        council_date=date(2026, 1, 8),
        council_reference="DS 1/2026",
        decision=drafts.DecisionFile("Beschluss.pdf", "application/pdf", simple_pdf()),
    )
    page = office.get(f"/verwaltung/richtlinie/entwuerfe/{adopted.id}").get_data(as_text=True)
    assert "/loeschen" not in page
    refused = office.post(f"/verwaltung/richtlinie/entwuerfe/{adopted.id}/loeschen")
    assert refused.status_code == 400 and "beschlossen und lässt sich nicht löschen" in refused.get_data(as_text=True)
    with world.fonds.db.read() as s:
        assert s.get(GuidelineDraft, adopted.id) is not None


def test_a_resident_joins_and_leaves_the_volunteer_pool_and_the_office_sees_it(world: World, tmp_path: Path) -> None:
    build_jury(world, tmp_path)
    bert = _client(world, "bert@example.org")
    assert "/konto/jury" in bert.get("/konto").get_data(as_text=True)
    page = bert.get("/konto/jury").get_data(as_text=True)
    assert "Sie stehen nicht im Los-Pool." in page and "Dein Projektgeld" in page
    assert "Cityfonds Witten Innenstadt" not in page  # the Cityfonds elects its jury: no pool
    no_group = bert.post("/konto/jury", data={"fund": FUND, "step": "join", "group": ""})
    assert no_group.status_code == 400 and "Bitte wählen Sie eine Gruppe." in no_group.get_data(as_text=True)
    unknown = bert.post("/konto/jury", data={"fund": FUND, "step": "join", "group": "astronaut"})
    assert unknown.status_code == 400 and "kennt die Richtlinie nicht" in unknown.get_data(as_text=True)
    no_pool = bert.post("/konto/jury", data={"fund": "witten-cityfonds", "step": "join", "group": "trader"})
    assert no_pool.status_code == 400
    joined = bert.post("/konto/jury", data={"fund": FUND, "step": "join", "group": "resident"})
    assert joined.status_code == 302
    assert "Sie stehen im Los-Pool (Gruppe: Bewohnerinnen" in bert.get("/konto/jury").get_data(as_text=True)
    office = _client(world, "buero@example.org")
    draws = office.get(f"/verwaltung/losziehung?fonds={FUND}").get_data(as_text=True)
    assert "Pool der Freiwilligen (1)" in draws and "Bert Nachbar" in draws

    left = bert.post("/konto/jury", data={"fund": FUND, "step": "leave"})
    assert left.status_code == 302
    assert "Sie stehen nicht im Los-Pool." in bert.get("/konto/jury").get_data(as_text=True)
    assert "Pool der Freiwilligen (0)" in office.get(f"/verwaltung/losziehung?fonds={FUND}").get_data(as_text=True)
    with world.fonds.db.read() as s:
        actions = s.execute(
            select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.actor_role)
            .where(AuditEvent.action.like("%jury_volunteer"))
            .order_by(AuditEvent.id)
        ).all()
        assert [tuple(a) for a in actions] == [
            ("register_jury_volunteer", world.bert, "applicant"),
            ("withdraw_jury_volunteer", world.bert, "applicant"),
        ]
        row = s.scalars(select(JuryVolunteer)).one()
        assert row.user_id == world.bert and row.withdrawn_at is not None
