"""A session held on paper: counts and protocol recorded, the tally rules applied, the minutes complete."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from fondsengine.accounts.users import grant_role
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.records import AttachmentInput
from fondsengine.cli.jury import minutes_text
from fondsengine.cli.main import main
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput
from fondsengine.jury import paper as jury_paper
from fondsengine.jury import sessions as jury_sessions
from fondsengine.jury.minutes import minutes, minutes_data
from fondsengine.model import AgendaItem, Application
from fondsengine.reports.pdf import render_minutes
from tests.support.factories import QF, person, quartiersfonds_input
from tests.support.files import simple_pdf


def protocol() -> AttachmentInput:
    return AttachmentInput("other", "protokoll-10-03-2027.pdf", "application/pdf", simple_pdf())


def test_paper_counts_are_tallied_and_the_minutes_show_times_attendance_quorum_votes_and_signatures(
    fonds: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    jury = []
    for i in range(9):
        member = person(fonds, f"Mitglied {i + 1}", f"m{i + 1}@example.org")
        assert member.user_id is not None
        group = "resident" if i < 6 else "expert"
        grant_role(fonds, Actor.scheduler(), user_id=member.user_id, fund_id=QF, role="jury_member", group=group)
        jury.append(member.user_id)
    anna = person(fonds, "Anna Beispiel", "anna@example.org")
    ids = []
    for title in ("Repair-Café", "Lesecafé"):
        app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input(title=title))
        apps.submit(fonds, anna, app_id)
        decisions.start_review(fonds, office, app_id)
        with fonds.db.read() as s:
            checklist = fonds.catalog.current(s, QF)[2].review_checklist
        decisions.record_review(fonds, office, app_id, {i.id: ("fulfilled", "") for i in checklist})
        decisions.complete_review(fonds, office, app_id)
        ids.append(app_id)
    session_id = decisions.create_session(fonds, office, QF, datetime(2027, 3, 10, 17, tzinfo=UTC), "Rathaus")
    for app_id in ids:
        decisions.schedule(fonds, office, app_id, session_id)
    jury_sessions.open_session(fonds, office, session_id, jury, jury[0])
    with fonds.db.read() as s:
        items = [s.scalar(select(AgendaItem.id).where(AgendaItem.application_id == i)) for i in ids]
    assert all(items)

    with pytest.raises(InvalidInput, match="unterschriebene Protokoll"):
        jury_paper.close_item_on_paper(fonds, office, items[0] or 0, yes=6, no=1, abstain=1, protocol=None)
    result = jury_paper.close_item_on_paper(
        fonds, office, items[0] or 0, yes=6, no=1, abstain=1, protocol=protocol(), left_room=[jury[8]],
        expected="accepted",
    )  # fmt: skip
    assert result.outcome == "approve" and result.tally is not None and result.tally.excluded == (jury[8],)
    rejected = jury_paper.close_item_on_paper(
        fonds, office, items[1] or 0, yes=4, no=4, abstain=1, protocol=protocol(), reason="Gleichstand"
    )
    assert rejected.outcome == "reject"  # a tie is a rejection under the Quartiersfonds rules
    with fonds.db.read() as s:
        states = [s.get(Application, i).state for i in ids]  # type: ignore[union-attr]
    assert states == ["approved", "rejected"]

    m = minutes(fonds, office, session_id)
    text = minutes_text(m)
    assert "Anwesend (9): Mitglied 1 (Bewohnerinnen und Bewohner (ausgelost), Vorsitz)" in text
    assert "Mitglied 7 (Fachleute aus der Innenstadt)" in text
    assert "9 von 15 Mitgliedern anwesend; beschlussfähig ab 8: beschlussfähig (§ 7 Abs. 4)." in text
    assert "TOP 1: Repair-Café" in text and "Abstimmung: Ja 6, Nein 1, Enthaltung 1" in text
    assert "Befangen, haben den Raum verlassen: Mitglied 9" in text
    assert "TOP 2: Lesecafé" in text and "Abstimmung: Ja 4, Nein 4, Enthaltung 1" in text
    assert "Beschlussvorlage: Förderung von „Repair-Café“" in text
    assert "unterschriebenes Protokoll „protokoll-10-03-2027.pdf“, SHA-256" in text
    assert re.search(r"10\.03\.2027, \d\d:\d\d Uhr", text)
    assert "Sitzungsleitung: Mitglied 1" in text

    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],
        input=render_minutes(minutes_data(m, recorder="Büro")),
        capture_output=True,
        check=True,
    )
    pdf = re.sub(r"\s+", " ", done.stdout.decode("utf-8"))
    for part in (
        "Beginn und Ende",
        "Mitglied 1 (Bewohnerinnen und Bewohner (ausgelost), Vorsitz)",
        "beschlussfähig ab 8",
        "6/1/1",
        "4/4/1",
        "Mitglied 9",
        "protokoll-10-03-2027.pdf",
        "______",
        "Sitzungsleitung: Mitglied 1",
    ):
        assert part in pdf, part

    # the same minutes from the command line: the text on the terminal, the PDF with --pdf
    url = fonds.db.engine.url.render_as_string(hide_password=False)
    out_pdf = tmp_path / "protokoll.pdf"
    capsys.readouterr()
    assert main(["--database", url, "jury", "minutes", str(session_id), "--pdf", str(out_pdf)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(text) and f"PDF geschrieben: {out_pdf}" in printed
    cli_pdf = subprocess.run(["pdftotext", "-layout", str(out_pdf), "-"], capture_output=True, check=True)
    assert "Sitzungsleitung: Mitglied 1" in re.sub(r"\s+", " ", cli_pdf.stdout.decode("utf-8"))
    assert main(["--database", url, "jury", "minutes", "9999"]) != 0
