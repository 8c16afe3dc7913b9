"""The office's application page: checklist, request changes, decisions, agenda, payments, proof of use."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.ledger import application_balance
from fondsengine.model import Application, Receipt, ReviewItem
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from tests.support.files import simple_pdf
from tests.web.builders import QF, World, approved_for, draft_for, good_input, seated_jury
from tests.web.conftest import login
from webapp.filters import euro
from webapp.manage.revisions import Labels, diff


def _in_review(world: World) -> int:
    app_id = draft_for(world, world.anna)
    apps.submit(world.fonds, Actor(world.anna), app_id)
    decisions.start_review(world.fonds, Actor(world.office), app_id)
    return app_id


def _reviewed(world: World) -> int:
    app_id = _in_review(world)
    with world.fonds.db.read() as s:
        checklist = world.fonds.catalog.current(s, QF)[2].review_checklist
    decisions.record_review(world.fonds, Actor(world.office), app_id, {i.id: ("fulfilled", "") for i in checklist})
    decisions.complete_review(world.fonds, Actor(world.office), app_id)
    return app_id


def _app(world: World, app_id: int) -> Application:
    with world.fonds.db.read() as s:
        row = s.get(Application, app_id)
        assert row is not None
        s.expunge(row)
        return row


def _checklist_ids(world: World) -> list[str]:
    with world.fonds.db.read() as s:
        return [i.id for i in world.fonds.catalog.current(s, QF)[2].review_checklist]


def test_the_checklist_is_generated_from_the_guideline_and_completes_the_review(
    world: World, client: FlaskClient
) -> None:
    app_id = _in_review(world)
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    ids = _checklist_ids(world)
    assert all(f'name="r-{i}"' in page for i in ids)
    assert "Beratungsgespräch hat stattgefunden (§ 6 Abs. 1)" in page

    data = {f"r-{i}": "fulfilled" for i in ids} | {"r-area": "not_applicable", "n-area": "zentral", "abschliessen": "1"}
    response = client.post(f"/verwaltung/antraege/{app_id}/pruefung", data=data)

    assert response.status_code == 302
    assert _app(world, app_id).state == "reviewed"
    with world.fonds.db.read() as s:
        answers = {r.item_id: (r.result, r.note) for r in s.scalars(select(ReviewItem))}
    assert answers["area"] == ("not_applicable", "zentral")
    assert answers["complete"] == ("fulfilled", "")


def test_the_reason_for_not_fulfilled_goes_when_the_item_is_switched_to_fulfilled(
    world: World, client: FlaskClient
) -> None:
    app_id = _in_review(world)
    login(client, "buero@example.org")
    url = f"/verwaltung/antraege/{app_id}/pruefung"
    client.post(url, data={"r-costs": "not_fulfilled", "n-costs": "Angebot fehlt"})
    # the form sends the old note again with the new answer, as the browser keeps the field's value
    client.post(url, data={"r-costs": "fulfilled", "n-costs": "Angebot fehlt"})
    client.post(url, data={"r-area": "not_fulfilled", "n-area": "am Rand"})
    client.post(url, data={"r-area": "fulfilled", "n-area": "liegt doch drin"})
    with world.fonds.db.read() as s:
        answers = {r.item_id: (r.result, r.note) for r in s.scalars(select(ReviewItem))}
    assert answers["costs"] == ("fulfilled", "")
    assert answers["area"] == ("fulfilled", "liegt doch drin")  # a new note written with the switch stays
    page = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    assert "Angebot fehlt" not in page


def test_an_unfulfilled_item_without_a_note_is_refused_with_the_engines_message(
    world: World, client: FlaskClient
) -> None:
    app_id = _in_review(world)
    login(client, "buero@example.org")
    response = client.post(f"/verwaltung/antraege/{app_id}/pruefung", data={"r-costs": "not_fulfilled"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Bitte begründen Sie, warum ein Punkt nicht erfüllt ist." in html
    assert 'href="#f-r-costs"' in html
    assert _app(world, app_id).state == "in_review"


def test_requesting_changes_sends_the_message_and_changes_the_state(world: World, client: FlaskClient) -> None:
    app_id = _in_review(world)
    login(client, "buero@example.org")
    empty = client.post(f"/verwaltung/antraege/{app_id}/aktion/request_changes", data={"reason": " "})
    assert empty.status_code == 400
    assert "Bitte schreiben Sie, was geändert werden soll." in empty.get_data(as_text=True)

    response = client.post(
        f"/verwaltung/antraege/{app_id}/aktion/request_changes",
        data={"reason": "Bitte legen Sie einen Kostenvoranschlag für die Bühne bei."},
    )
    assert response.status_code == 302
    assert _app(world, app_id).state == "changes_requested"
    timeline = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    assert "Kostenvoranschlag für die Bühne" in timeline
    assert "Innenstadt-Büro" in timeline


def test_a_step_the_guideline_does_not_offer_the_office_is_shown_disabled_with_its_reason(
    world: World, client: FlaskClient
) -> None:
    app_id = _reviewed(world)
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    assert "Bewilligen (Geschäftsführung)" in page
    assert 'id="why-decide_approve">Noch nicht möglich:' in page
    assert client.get(f"/verwaltung/antraege/{app_id}/aktion/decide_approve").status_code == 200
    assert client.get(f"/verwaltung/antraege/{app_id}/aktion/record_refund").status_code == 404


def test_scheduling_puts_the_application_on_the_chosen_session(world: World, client: FlaskClient) -> None:
    app_id = _reviewed(world)
    session_id = decisions.create_session(
        world.fonds, Actor(world.office), QF, datetime(2026, 3, 11, 16, tzinfo=UTC), "Rathaus"
    )
    login(client, "buero@example.org")
    form = client.get(f"/verwaltung/antraege/{app_id}/aktion/schedule").get_data(as_text=True)
    assert f'<option value="{session_id}"' in form

    response = client.post(f"/verwaltung/antraege/{app_id}/aktion/schedule", data={"session_id": str(session_id)})

    assert response.status_code == 302
    assert _app(world, app_id).state == "on_agenda"
    agenda = client.get(f"/verwaltung/sitzungen/{session_id}").get_data(as_text=True)
    assert "Nachbarschaftsfest Ruhrstraße" in agenda and "Tagesordnung (1)" in agenda


def test_a_session_whose_day_has_passed_is_neither_offered_nor_accepted(world: World, client: FlaskClient) -> None:
    app_id = _reviewed(world)
    office = Actor(world.office)
    past = decisions.create_session(world.fonds, office, QF, datetime(2026, 1, 20, 16, tzinfo=UTC), "Rathaus")
    coming = decisions.create_session(world.fonds, office, QF, datetime(2026, 3, 11, 16, tzinfo=UTC), "Rathaus")
    world.clock.set(datetime(2026, 2, 2, 9, tzinfo=UTC))
    login(client, "buero@example.org")
    form = client.get(f"/verwaltung/antraege/{app_id}/aktion/schedule").get_data(as_text=True)
    assert f'<option value="{past}"' not in form and f'<option value="{coming}"' in form

    response = client.post(f"/verwaltung/antraege/{app_id}/aktion/schedule", data={"session_id": str(past)})

    assert response.status_code == 400
    assert "Der Tag dieser Sitzung ist vorbei." in response.get_data(as_text=True)
    assert _app(world, app_id).state == "reviewed"


def test_recording_the_jury_approval_with_less_money_needs_a_reason_and_keeps_the_conditions(
    world: World, client: FlaskClient
) -> None:
    app_id = _reviewed(world)
    session_id = decisions.create_session(
        world.fonds, Actor(world.office), QF, datetime(2026, 3, 11, 16, tzinfo=UTC), "Rathaus"
    )
    decisions.schedule(world.fonds, Actor(world.office), app_id, session_id)
    world.clock.set(datetime(2026, 3, 11, 18, tzinfo=UTC))
    seated_jury(world, session_id)
    login(client, "buero@example.org")
    url = f"/verwaltung/antraege/{app_id}/aktion/jury_approve"

    def record() -> dict[str, object]:  # the paper record: counts and the signed protocol
        pdf = (io.BytesIO(simple_pdf()), "protokoll.pdf", "application/pdf")
        return {"yes": "7", "no": "1", "abstain": "1", "protocol": pdf}

    without_reason = client.post(url, data={"amount": "600,00", **record()})
    assert without_reason.status_code == 400
    assert "Bitte begründen Sie, warum weniger als beantragt bewilligt wird." in without_reason.get_data(as_text=True)

    response = client.post(
        url,
        data={
            "amount": "600,00",
            "reason": "Die Deko zahlt der Verein selbst.",
            "condition": ["photos_consent"],
            "conditions_extra": "Das Zelt wird bis 22 Uhr abgebaut.",
            **record(),
        },
    )
    assert response.status_code == 302
    app = _app(world, app_id)
    assert (app.state, app.approved_cents) == ("approved", 60_000)
    assert app.conditions == [
        "Für Fotos von Personen holen Sie deren Einverständnis ein.",
        "Das Zelt wird bis 22 Uhr abgebaut.",
    ]


def test_recording_a_requested_payment_books_it(world: World, client: FlaskClient) -> None:
    app_id = approved_for(world, world.anna)
    payment_id = payments.request_payment(
        world.fonds,
        Actor(world.anna),
        app_id,
        amount_cents=40_000,
        kind="advance",
        iban="DE02120300000000202051",
        account_holder="Anna Beispiel",
    )
    login(client, "buero@example.org")
    page = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)
    assert "Bewilligungsbescheid vom 11.03.2026 lesen" in page and "als PDF" in page
    assert client.get(f"/antraege/{app_id}/dokumente/2").mimetype == "application/pdf"
    assert client.get(f"/antraege/{app_id}/dokumente/2/ansehen").status_code == 200  # the office reads the page too
    form = client.get(f"/verwaltung/antraege/{app_id}/aktion/record_payment").get_data(as_text=True)
    assert 'value="400,00"' in form and f'name="payment_id" value="{payment_id}"' in form

    response = client.post(
        f"/verwaltung/antraege/{app_id}/aktion/record_payment",
        data={"amount": "400,00", "kind": "advance", "payment_id": str(payment_id)},
    )

    assert response.status_code == 302
    with world.fonds.db.read() as s:
        assert application_balance(s, app_id).paid == 40_000
    assert _app(world, app_id).state == "paid"


def test_a_rejected_receipt_leads_to_a_refund_claim_after_the_proof_is_accepted(
    world: World, client: FlaskClient
) -> None:
    app_id = approved_for(world, world.anna)
    payments.record_payment(world.fonds, Actor(world.office), app_id, amount_cents=64_000, kind="advance")
    world.clock.set(datetime(2026, 5, 10, 9, tzinfo=UTC))
    proofs.submit_proof(
        world.fonds,
        Actor(world.anna),
        app_id,
        report="Das Fest war schön.",
        participants_reached=150,
        receipts=[
            proofs.ReceiptInput(date(2026, 5, 1), "Zeltverleih", "Zelt", "rental", 60_000),
            proofs.ReceiptInput(date(2026, 5, 1), "Getränkemarkt", "Bier", "material", 20_000),
        ],
        confirmed=True,
    )
    with world.fonds.db.read() as s:
        first, second = (r.id for r in s.scalars(select(Receipt).order_by(Receipt.position)))
    login(client, "buero@example.org")

    no_reason = client.post(f"/verwaltung/antraege/{app_id}/belege/{second}", data={"decision": "reject"})
    assert no_reason.status_code == 400
    assert "Bitte begründen Sie, warum der Beleg nicht anerkannt wird." in no_reason.get_data(as_text=True)
    client.post(f"/verwaltung/antraege/{app_id}/belege/{first}", data={"decision": "accept"})
    client.post(
        f"/verwaltung/antraege/{app_id}/belege/{second}",
        data={"decision": "reject", "reason": "Alkohol ist nicht förderfähig."},
    )
    accepted = client.post(f"/verwaltung/antraege/{app_id}/schritt", data={"trigger": "accept_proof"})
    assert accepted.status_code == 302
    assert _app(world, app_id).settled_cents == 60_000

    claim = client.post(
        f"/verwaltung/antraege/{app_id}/aktion/claim_refund", data={"reason": "Beleg 2 nicht förderfähig."}
    )
    assert claim.status_code == 302
    assert _app(world, app_id).state == "refund_claimed"
    client.post(f"/verwaltung/antraege/{app_id}/aktion/record_refund", data={"amount": "40,00"})
    assert _app(world, app_id).state == "documented"


def test_after_a_resubmission_the_office_sees_what_the_applicant_changed(world: World, client: FlaskClient) -> None:
    app_id = _in_review(world)
    decisions.request_changes(world.fonds, Actor(world.office), app_id, "Bitte weniger beantragen.")
    apps.update_draft(
        world.fonds,
        Actor(world.anna),
        app_id,
        good_input(requested_cents=60_000, own_funds_cents=20_000, title="Nachbarschaftsfest Ruhrstraße 2026"),
    )
    apps.resubmit(world.fonds, Actor(world.anna), app_id)
    login(client, "buero@example.org")

    html = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True)

    assert "Änderungen bei der 2. Einreichung" in html
    assert '<th scope="row">Projekttitel</th><td><del>Nachbarschaftsfest Ruhrstraße</del></td>' in html
    assert f"<ins>{euro(60_000)}</ins>" in html
    assert "Kostenplan" not in html.split("Änderungen bei der")[1].split("</table>")[0]


def test_a_changed_cost_line_is_shown_alone_with_its_category_label(world: World, client: FlaskClient) -> None:
    app_id = _in_review(world)
    decisions.request_changes(world.fonds, Actor(world.office), app_id, "Bitte die Deko günstiger.")
    costs = (apps.CostItemInput("rental", "Bühne und Zelt", 60_000), apps.CostItemInput("material", "Deko", 10_000))
    apps.update_draft(world.fonds, Actor(world.anna), app_id, good_input(requested_cents=70_000, cost_items=costs))
    apps.resubmit(world.fonds, Actor(world.anna), app_id)
    login(client, "buero@example.org")

    table = client.get(f"/verwaltung/antraege/{app_id}").get_data(as_text=True).split("Änderungen bei der")[1]
    table = table.split("</table>")[0]

    assert '<th scope="row">Kostenzeile 2</th>' in table and "Kostenzeile 1" not in table  # the stage is unchanged
    with world.fonds.db.read() as s:
        categories = world.fonds.catalog.current(s, QF)[2].costs.categories
    label = next(c.label for c in categories if c.id == "material")
    assert f"<del>{label}: Deko, {euro(20_000)}</del>" in table and ">material:" not in table


def test_the_diff_lists_changed_fields_only_and_each_cost_line_by_its_label() -> None:
    before = {
        "title": "A",
        "applicant_kind": "resident",
        "requested_cents": 100,
        "extra": {"participants_expected": "60"},
        "cost_items": [
            {"category": "material", "description": "x", "amount_cents": 100},
            {"category": "rental", "description": "Saal", "amount_cents": 50},
        ],
    }
    after = {
        "title": "A",
        "applicant_kind": "initiative",
        "requested_cents": 150,
        "extra": {"participants_expected": "80"},
        "cost_items": [
            {"category": "material", "description": "x", "amount_cents": 150},
            {"category": "rental", "description": "Saal", "amount_cents": 50},
            {"category": "publicity", "description": "Plakate", "amount_cents": 20},
        ],
    }
    labels = Labels(
        {"material": "Sachkosten", "rental": "Miete", "publicity": "Öffentlichkeitsarbeit"},
        {"resident": "Bewohnerin oder Bewohner", "initiative": "Initiative"},
        {"participants_expected": "Erwartete Teilnehmende"},
    )
    assert [(c.label, c.before, c.after) for c in diff(before, after, labels)] == [
        ("Art der Antragsteller/in", "Bewohnerin oder Bewohner", "Initiative"),
        ("Beantragter Zuschuss", euro(100), euro(150)),
        ("Weitere Angaben", "Erwartete Teilnehmende: 60", "Erwartete Teilnehmende: 80"),
        ("Kostenzeile 1", f"Sachkosten: x, {euro(100)}", f"Sachkosten: x, {euro(150)}"),  # line 2 is unchanged
        ("Kostenzeile 3", "–", f"Öffentlichkeitsarbeit: Plakate, {euro(20)}"),
    ]
