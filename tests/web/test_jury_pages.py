"""The jury's pages through the Flask test client: who may see what, voting, leading, minutes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from fondsengine.jury import usecases as jury
from fondsengine.model import AgendaItem, Application, AuditEvent, Vote
from tests.integration.test_jury_support import uid
from tests.web.builders import World
from tests.web.conftest import login
from tests.web.test_jury_support import NOW, Jury, build_jury, opened


@pytest.fixture()
def j(world: World, tmp_path: Path) -> Jury:
    return build_jury(world, tmp_path)


def as_user(world: World, email: str) -> FlaskClient:
    client = world.app.test_client()
    login(client, email)
    return client


def test_without_login_every_jury_page_leads_to_the_login(j: Jury, client: FlaskClient) -> None:
    item = j.items[0]
    for url in (
        "/jury/",
        f"/jury/sitzungen/{j.session_id}",
        f"/jury/sitzungen/{j.session_id}/eroeffnen",
        f"/jury/sitzungen/{j.session_id}/protokoll",
        f"/jury/sitzungen/{j.session_id}/protokoll.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/anmelden" in response.headers["Location"], url
    for url in (
        f"/jury/top/{item}/stimme",
        f"/jury/top/{item}/schliessen",
        f"/jury/sitzungen/{j.session_id}/schliessen",
    ):
        response = client.post(url, data={"choice": "yes"})
        assert response.status_code == 302 and "/anmelden" in response.headers["Location"], url


def test_a_resident_sees_no_jury_page(j: Jury) -> None:
    bert = as_user(j.world, "bert@example.org")
    assert bert.get("/jury/").status_code == 404
    assert bert.get(f"/jury/sitzungen/{j.session_id}").status_code == 404
    assert bert.get(f"/jury/sitzungen/{j.session_id}/protokoll").status_code == 404
    assert bert.post(f"/jury/top/{j.items[0]}/stimme", data={"choice": "yes"}).status_code == 404


def test_a_jury_member_of_another_fund_cannot_see_or_vote_in_this_session(j: Jury) -> None:
    opened(j)
    olga = as_user(j.world, "olga@example.org")
    index = olga.get("/jury/")
    assert index.status_code == 200 and "10.03.2027" not in index.get_data(as_text=True)
    assert olga.get(f"/jury/sitzungen/{j.session_id}").status_code == 404
    assert olga.get(f"/jury/sitzungen/{j.session_id}/protokoll.pdf").status_code == 404
    assert olga.post(f"/jury/top/{j.items[0]}/stimme", data={"choice": "yes"}).status_code == 404
    assert olga.post(f"/jury/top/{j.items[0]}/schliessen", data={}).status_code == 404


def test_my_sessions_lists_the_invited_session_and_the_member_confirms(j: Jury) -> None:
    ida = as_user(j.world, "ida@example.org")
    page = ida.get("/jury/").get_data(as_text=True)
    assert "Jurysitzung am 10.03.2027, 18:00 Uhr" in page
    assert "Sie haben noch nicht geantwortet." in page
    response = ida.post(f"/jury/sitzungen/{j.session_id}/zusage", data={"coming": "ja"})
    assert response.status_code == 302
    page = ida.get("/jury/").get_data(as_text=True)
    assert "Sie haben zugesagt." in page
    ida.post(f"/jury/sitzungen/{j.session_id}/zusage", data={"coming": "nein"})
    assert "Sie haben abgesagt." in ida.get("/jury/").get_data(as_text=True)


def test_the_session_page_shows_the_visible_papers_but_no_private_contact_data(j: Jury) -> None:
    page = as_user(j.world, "ida@example.org").get(f"/jury/sitzungen/{j.session_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "TOP 1: Projekt 1" in html and "TOP 2: Projekt 2" in html
    assert "Werkzeug-Verbrauchsmaterial, Ersatzteile" in html  # the cost plan
    assert "1.200,00\xa0€" in html or "1.200,00 €" in html
    assert "Formale Prüfung der Geschäftsführung" in html and "erfüllt" in html
    assert "anna@example.org" not in html  # private contact e-mail
    # who applied is always named (a member must be able to spot a conflict), even where the guideline's
    # visible fields leave it out; the contact's e-mail never is
    assert '<th scope="row">Antragsteller/in</th><td>Nachbarschaftsinitiative Wiesenviertel</td>' in html
    assert "Die Stimmen sind bis zum Schluss nicht sichtbar." in html


def test_a_member_votes_changes_the_vote_and_sees_no_running_result_when_votes_are_secret(j: Jury) -> None:
    opened(j)
    ida = as_user(j.world, "ida@example.org")
    item = j.items[0]
    response = ida.post(f"/jury/top/{item}/stimme", data={"choice": "yes", "amount": "1.000,00"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#top-{item}")
    ida.post(f"/jury/top/{item}/stimme", data={"choice": "no"})
    html = ida.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert "Ihre Stimme: <strong>Nein</strong>" in html
    assert "Bisher hat 1 Mitglied abgestimmt." in html
    assert "Zwischenstand" not in html


def test_the_running_result_is_shown_when_the_guideline_says_votes_are_open(world: World, tmp_path: Path) -> None:
    j = build_jury(world, tmp_path, **{"votes_open: false": "votes_open: true"})
    opened(j)
    jury.cast_vote(world.fonds, j.cast.jan, j.items[0], "yes")
    html = as_user(world, "ida@example.org").get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert "Zwischenstand: 1 Ja, 0 Nein, 0 Enthaltungen." in html


def test_a_vote_before_the_opening_is_refused_with_the_engines_reason(j: Jury) -> None:
    ida = as_user(j.world, "ida@example.org")
    response = ida.post(f"/jury/top/{j.items[0]}/stimme", data={"choice": "yes"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Die Sitzung ist noch nicht eröffnet" in html and 'class="error-summary"' in html


def test_a_wrong_amount_is_shown_at_the_top_and_beside_the_field(j: Jury) -> None:
    opened(j)
    item = j.items[0]
    response = as_user(j.world, "ida@example.org").post(
        f"/jury/top/{item}/stimme", data={"choice": "yes", "amount": "5.000,00"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'href="#f-amount-{item}"' in html
    assert f'id="e-amount-{item}"' in html and "höchstens 1.200,00 €" in html
    assert 'value="5.000,00"' in html


def test_a_declared_conflict_needs_a_reason_and_then_excludes_the_member(j: Jury) -> None:
    opened(j)
    jan = as_user(j.world, "jan@example.org")
    item = j.items[0]
    response = jan.post(f"/jury/top/{item}/befangenheit", data={"reason": " "})
    assert response.status_code == 400
    assert "Bitte nennen Sie kurz den Grund der Befangenheit." in response.get_data(as_text=True)
    jan.post(f"/jury/top/{item}/befangenheit", data={"reason": "Ich bin im Verein."})
    html = jan.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert "Jan Jansen ist befangen: Ich bin im Verein." in html
    assert "Sie sind bei diesem Punkt befangen und stimmen nicht mit ab." in html
    other = as_user(j.world, "kim@example.org").get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert "Jan Jansen ist befangen" in other and "Ich bin im Verein." not in other  # the reason is his
    chair = as_user(j.world, "ida@example.org").get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert "Jan Jansen ist befangen: Ich bin im Verein." in chair  # Ida chairs: she rules on it
    office = as_user(j.world, "buero@example.org").get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert "Jan Jansen ist befangen: Ich bin im Verein." in office
    response = jan.post(f"/jury/top/{item}/stimme", data={"choice": "yes"})
    assert response.status_code == 400 and "befangen und darf nicht abstimmen" in response.get_data(as_text=True)


def test_a_member_withdraws_a_declared_conflict_and_votes_again(j: Jury) -> None:
    opened(j)
    jan, item = as_user(j.world, "jan@example.org"), j.items[0]
    jan.post(f"/jury/top/{item}/befangenheit", data={"reason": "Ich dachte, ich sei im Verein."})
    page = jan.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert "Meine Befangenheit zurücknehmen" in page
    kim_page = as_user(j.world, "kim@example.org").get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert "Befangenheit zurücknehmen" not in kim_page  # not hers to withdraw

    response = jan.post(f"/jury/top/{item}/befangenheit/zuruecknehmen", follow_redirects=True)

    html = response.get_data(as_text=True)
    assert "Ihre Befangenheit ist zurückgenommen; Sie können bei diesem Punkt wieder abstimmen." in html
    assert "Jan Jansen ist befangen" not in html and "Niemand hat eine Befangenheit erklärt." in html
    assert jan.post(f"/jury/top/{item}/stimme", data={"choice": "yes"}).status_code == 302
    again = jan.post(f"/jury/top/{item}/befangenheit/zuruecknehmen")
    assert again.status_code == 400 and "Eine erklärte Befangenheit zu diesem Punkt gibt es nicht." in again.get_data(
        as_text=True
    )
    with j.world.fonds.db.read() as s:
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("%_conflict"))))
    assert actions == ["declare_conflict", "withdraw_conflict"]


def test_only_the_office_withdraws_a_conflict_it_recorded_and_no_one_after_the_close(j: Jury) -> None:
    opened(j)
    office, kim, item = as_user(j.world, "buero@example.org"), as_user(j.world, "kim@example.org"), j.items[1]
    office.post(f"/jury/top/{item}/befangenheit", data={"user": str(uid(j.cast.kim)), "reason": "Schwager"})

    refused = kim.post(f"/jury/top/{item}/befangenheit/zuruecknehmen")
    assert refused.status_code == 400
    assert "Die Geschäftsführung hat diese Befangenheit vermerkt" in refused.get_data(as_text=True)
    assert as_user(j.world, "jan@example.org").post(
        f"/jury/top/{item}/befangenheit/zuruecknehmen", data={"user": str(uid(j.cast.kim))}
    ).status_code == 403  # a member cannot withdraw someone else's
    response = office.post(
        f"/jury/top/{item}/befangenheit/zuruecknehmen", data={"user": str(uid(j.cast.kim))}, follow_redirects=True
    )
    assert "Die Befangenheit ist zurückgenommen." in response.get_data(as_text=True)

    office.post(f"/jury/top/{item}/befangenheit", data={"user": str(uid(j.cast.kim)), "reason": "Schwager"})
    jury.close_session(j.world.fonds, j.office, j.session_id)
    closed = office.post(f"/jury/top/{item}/befangenheit/zuruecknehmen", data={"user": str(uid(j.cast.kim))})
    assert closed.status_code == 400 and "bereits geschlossen" in closed.get_data(as_text=True)


def test_chair_only_actions_are_refused_for_a_plain_member(j: Jury) -> None:
    opened(j)
    jan = as_user(j.world, "jan@example.org")
    item = j.items[0]
    assert jan.get(f"/jury/sitzungen/{j.session_id}/eroeffnen").status_code == 403
    assert jan.post(f"/jury/top/{item}/handzeichen", data={f"hand-{uid(j.cast.ida)}": "yes"}).status_code == 403
    assert jan.post(f"/jury/top/{item}/schliessen", data={}).status_code == 403
    assert jan.post(f"/jury/sitzungen/{j.session_id}/schliessen").status_code == 403
    html = jan.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert "Abstimmung schließen" not in html and "Handzeichen" not in html
    with j.world.fonds.db.read() as s:
        assert s.get(AgendaItem, item).status == "open"


def test_the_chair_opens_enters_hands_and_needs_a_casting_vote_on_a_tie(j: Jury) -> None:
    ida = as_user(j.world, "ida@example.org")
    members = [uid(m) for m in j.cast.members]
    response = ida.post(
        f"/jury/sitzungen/{j.session_id}/eroeffnen",
        data={"present": [str(m) for m in members], "chair": str(members[0])},
    )
    assert response.status_code == 302
    item = j.items[0]
    hands = {f"hand-{uid(j.cast.ida)}": "yes", f"hand-{uid(j.cast.jan)}": "no", f"hand-{uid(j.cast.kim)}": "abstain"}
    assert ida.post(f"/jury/top/{item}/handzeichen", data=hands).status_code == 302
    response = ida.post(f"/jury/top/{item}/schliessen", data={"chair_casting": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Stichentscheid" in html and f'href="#f-chair_casting-{item}"' in html
    response = ida.post(f"/jury/top/{item}/schliessen", data={"chair_casting": "yes"})
    assert response.status_code == 302
    with j.world.fonds.db.read() as s:
        row = s.get(AgendaItem, item)
        assert (row.status, row.outcome, row.decided_cents) == ("closed", "approve", 120_000)


def test_closing_the_session_defers_the_rest_and_the_minutes_show_the_counts(j: Jury) -> None:
    opened(j)
    f, first = j.world.fonds, j.items[0]
    jury.declare_conflict(f, j.cast.kim, first, uid(j.cast.kim), "Nachbarin")
    jury.cast_vote(f, j.cast.ida, first, "yes")
    jury.cast_vote(f, j.cast.jan, first, "yes", amount_cents=100_000)
    ida = as_user(j.world, "ida@example.org")
    assert ida.post(f"/jury/top/{first}/schliessen", data={}).status_code == 302
    response = ida.post(f"/jury/sitzungen/{j.session_id}/schliessen")
    assert response.status_code == 302 and response.headers["Location"].endswith("/protokoll")
    html = ida.get(f"/jury/sitzungen/{j.session_id}/protokoll").get_data(as_text=True)
    assert "2 Ja, 0 Nein, 0 Enthaltungen" in html
    assert "Kim Kaya" in html and "Wegen Befangenheit ausgeschlossen" in html
    assert "bewilligt" in html and "vertagt" in html
    assert "Vorsitz" in html and "Ida Ivers" in html
    pdf = ida.get(f"/jury/sitzungen/{j.session_id}/protokoll.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    office = as_user(j.world, "buero@example.org")
    assert office.get(f"/jury/sitzungen/{j.session_id}/protokoll").status_code == 200


def test_the_public_summary_appears_only_after_the_close_and_names_nobody(j: Jury, client: FlaskClient) -> None:
    assert client.get(f"/jury/protokolle/{j.session_id}").status_code == 404
    opened(j)
    jury.declare_conflict(j.world.fonds, j.cast.kim, j.items[0], uid(j.cast.kim), "Nachbarin")
    jury.close_session(j.world.fonds, j.office, j.session_id)
    response = client.get(f"/jury/protokolle/{j.session_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Projekt 1" in html and "vertagt" in html
    for name in ("Ida Ivers", "Kim Kaya", "Anna Beispiel", "Nachbarschaftsinitiative"):
        assert name not in html


def test_no_public_summary_when_the_guideline_keeps_the_minutes_internal(world: World, tmp_path: Path) -> None:
    j = build_jury(world, tmp_path, **{"public_minutes: true": "public_minutes: false"})
    opened(j)
    jury.close_session(world.fonds, j.office, j.session_id)
    assert world.app.test_client().get(f"/jury/protokolle/{j.session_id}").status_code == 404


def test_an_approval_the_budget_no_longer_covers_is_refused_with_the_ledgers_reason(
    world: World, tmp_path: Path
) -> None:
    j = build_jury(world, tmp_path, budget_2027_euro=1000)
    opened(j)
    for m in (j.cast.ida, j.cast.jan):
        jury.cast_vote(world.fonds, m, j.items[0], "yes")
    response = as_user(world, "ida@example.org").post(f"/jury/top/{j.items[0]}/schliessen", data={})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Budget" in html
    with world.fonds.db.read() as s:
        assert s.get(AgendaItem, j.items[0]).status == "open"
        app_id = s.get(AgendaItem, j.items[0]).application_id
        assert s.get(Application, app_id).state == "on_agenda"


def test_the_office_opens_the_session_and_records_a_conflict_for_a_member(j: Jury) -> None:
    office = as_user(j.world, "buero@example.org")
    assert "Jurysitzung am 10.03.2027" in office.get("/jury/").get_data(as_text=True)
    form = office.get(f"/jury/sitzungen/{j.session_id}/eroeffnen").get_data(as_text=True)
    assert "Vorsitz: Kim Kaya" in form
    present = [str(uid(m)) for m in (j.cast.ida, j.cast.kim)]
    response = office.post(f"/jury/sitzungen/{j.session_id}/eroeffnen", data={"present": present})
    assert response.status_code == 400 and "Bitte wählen Sie, wer die Sitzung leitet." in response.get_data(
        as_text=True
    )
    data = {"present": present, "chair": str(uid(j.cast.jan))}
    response = office.post(f"/jury/sitzungen/{j.session_id}/eroeffnen", data=data)
    assert response.status_code == 400
    assert "Der Vorsitz muss ein anwesendes Mitglied der Jury sein." in response.get_data(as_text=True)
    data["chair"] = present[1]
    assert office.post(f"/jury/sitzungen/{j.session_id}/eroeffnen", data=data).status_code == 302
    item = j.items[1]
    response = office.post(f"/jury/top/{item}/befangenheit", data={"user": present[0], "reason": "Schwester"})
    assert response.status_code == 302
    html = office.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert "Ida Ivers ist befangen: Schwester" in html
    assert "Vorsitz: <strong>Kim Kaya</strong>" in html


def test_a_vote_by_circulation_after_the_deadline_is_refused_with_the_deadline(world: World, tmp_path: Path) -> None:
    deadline = NOW + timedelta(days=7)
    j = build_jury(world, tmp_path, circulation=True, deadline=deadline)
    ida = as_user(world, "ida@example.org")
    assert ida.post(f"/jury/top/{j.items[0]}/stimme", data={"choice": "yes"}).status_code == 302
    world.clock.set(deadline + timedelta(seconds=1))
    response = ida.post(f"/jury/top/{j.items[0]}/stimme", data={"choice": "no"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Die Frist des Umlaufverfahrens ist am 02.12.2026, 10:00 Uhr abgelaufen." in html
    assert as_user(world, "jan@example.org").post(f"/jury/sitzungen/{j.session_id}/umlauf-auswerten").status_code == 403
    office = as_user(world, "buero@example.org")
    response = office.post(f"/jury/sitzungen/{j.session_id}/umlauf-auswerten")
    assert response.status_code == 302 and response.headers["Location"].endswith("/protokoll")
    with world.fonds.db.read() as s:
        votes = s.scalars(select(Vote.choice).where(Vote.agenda_item_id == j.items[0])).all()
        assert list(votes) == ["yes"]
        assert s.get(AgendaItem, j.items[0]).outcome == "defer"  # one vote is below the quorum of two


def test_a_stale_form_token_saves_no_vote_and_keeps_the_typed_amount(j: Jury) -> None:
    opened(j)
    ida = as_user(j.world, "ida@example.org")
    j.world.app.config["WTF_CSRF_ENABLED"] = True
    response = ida.post(f"/jury/top/{j.items[0]}/stimme", data={"choice": "yes", "amount": "900,00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "noch nichts gespeichert" in html and 'value="900,00"' in html
    with j.world.fonds.db.read() as s:
        assert s.scalar(select(func.count(Vote.id))) == 0


def test_a_member_not_on_the_attendance_list_is_told_why_there_is_no_vote_form(j: Jury) -> None:
    kim = as_user(j.world, "kim@example.org")
    assert "Abgestimmt wird, sobald die Sitzung eröffnet ist." in kim.get(f"/jury/sitzungen/{j.session_id}").get_data(
        as_text=True
    )
    jury.open_session(j.world.fonds, j.office, j.session_id, [uid(j.cast.ida), uid(j.cast.jan)], uid(j.cast.ida))
    html = kim.get(f"/jury/sitzungen/{j.session_id}").get_data(as_text=True)
    assert "Sie sind nicht als anwesend eingetragen" in html
    assert "Stimme abgeben" not in html
