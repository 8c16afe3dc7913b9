"""The guideline pages of the office (Flask test client): editor, problems at their lines, upload,
preview with money and the residents' summary, adoption with the council decision."""

from __future__ import annotations

import io
import re

from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.applications import service as apps
from fondsengine.engine import Actor
from fondsengine.model import Application, AuditEvent, Fund, GuidelineDraft
from tests.support.files import simple_pdf
from tests.web.builders import QF, ROOT, World, draft_for
from tests.web.conftest import login

TEXT = (ROOT / "richtlinien" / "witten-quartiersfonds.yaml").read_text(encoding="utf-8")
MAX = "  max: 3000  # Annahme – von der Geschäftsführung zu bestätigen"


def _office(world: World) -> FlaskClient:
    client = world.app.test_client()
    login(client, "buero@example.org")
    return client


def _line(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _draft_id(location: str) -> int:
    found = re.search(r"/richtlinie/entwuerfe/(\d+)", location)
    assert found, location
    return int(found.group(1))


def _current(world: World) -> int | None:
    with world.fonds.db.read() as s:
        fund = s.get(Fund, QF)
        assert fund is not None
        return fund.current_guideline_id


def test_the_office_edits_fixes_previews_and_adopts_the_guideline(world: World) -> None:
    submitted = draft_for(world, world.anna)
    apps.submit(world.fonds, Actor(world.anna), submitted)
    before = _current(world)
    client = _office(world)

    page = client.get(f"/verwaltung/richtlinie?fonds={QF}").get_data(as_text=True)
    assert "Fassungen" in page and "gilt" in page and "Entwurf im Browser bearbeiten" in page
    editor = client.get(f"/verwaltung/richtlinie/entwurf?fonds={QF}")
    html = editor.get_data(as_text=True)
    assert editor.status_code == 200 and "valid_from: 2025-01-01" in html
    assert 'id="zeile-1"' in html and f'id="zeile-{len(TEXT.splitlines())}"' in html
    assert "<script>" not in html  # the editor works without (inline) script

    # one mistake: saved, the problem shown at its line, in German
    broken = TEXT.replace(MAX, "  max: dreitausend")
    bad = _line(broken, "max: dreitausend")
    saved = client.post(f"/verwaltung/richtlinie/entwurf?fonds={QF}", data={"content": broken})
    assert saved.status_code == 302
    draft_id = _draft_id(saved.headers["Location"])
    html = client.get(f"/verwaltung/richtlinie/entwuerfe/{draft_id}").get_data(as_text=True)
    assert f'href="#zeile-{bad}" data-editor-line="{bad}">Zeile {bad}:' in html
    assert f'<li id="zeile-{bad}" class="bad">{bad}</li>' in html
    assert 'aria-invalid="true"' in html and "Die Prüfung hat 1 Fehler gefunden" in html
    assert client.get(f"/verwaltung/richtlinie/entwuerfe/{draft_id}/vorschau").status_code == 302

    # fixed (a lower maximum): no problems, the diff shows the changed line
    fixed = TEXT.replace(MAX, "  max: 500")
    assert client.post(f"/verwaltung/richtlinie/entwuerfe/{draft_id}", data={"content": fixed}).status_code == 302
    html = client.get(f"/verwaltung/richtlinie/entwuerfe/{draft_id}").get_data(as_text=True)
    assert "Die Prüfung hat keine Fehler gefunden" in html and "max: 500" in html

    # the preview: money for the pending application, the summary residents read
    html = client.get(f"/verwaltung/richtlinie/entwuerfe/{draft_id}/vorschau").get_data(as_text=True)
    assert "Offene Anträge" in html and "weniger" in html
    assert "Mit dem Entwurf" in html and "<strong>Neu:</strong> Sie können zwischen 100,00 € und 500,00 €" in html
    assert before == _current(world)

    # adoption without the decision is refused at its field; with it the version applies
    refused = client.post(
        f"/verwaltung/richtlinie/entwuerfe/{draft_id}/vorschau",
        data={"council_date": "2026-01-08", "council_reference": "DS 12/2026"},
    )
    assert refused.status_code == 400 and "Bitte laden Sie den Beschluss des Rates hoch." in refused.get_data(True)
    not_pdf = client.post(
        f"/verwaltung/richtlinie/entwuerfe/{draft_id}/vorschau",
        data={"council_date": "2026-01-08", "council_reference": "DS 12/2026",
              "decision": (io.BytesIO(b"hallo"), "beschluss.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert not_pdf.status_code == 400 and 'id="e-decision"' in not_pdf.get_data(as_text=True)
    assert before == _current(world)
    adopted = client.post(
        f"/verwaltung/richtlinie/entwuerfe/{draft_id}/vorschau",
        data={"council_date": "2026-01-08", "council_reference": "DS 12/2026",
              "decision": (io.BytesIO(simple_pdf()), "Ratsbeschluss.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert adopted.status_code == 302
    assert _current(world) != before
    page = client.get(f"/verwaltung/richtlinie?fonds={QF}").get_data(as_text=True)
    assert "Rat am 08.01.2026, DS 12/2026" in page and "Ratsbeschluss.pdf" in page
    download = client.get(re.findall(r'href="(/verwaltung/richtlinie/beschluesse/\d+)"', page)[0])
    assert download.status_code == 200 and download.data == simple_pdf()
    with world.fonds.db.read() as s:
        app = s.get(Application, submitted)
        assert app is not None and app.guideline_version_id == before
        actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.fund_id == QF)))
        assert {"save_guideline_draft", "adopt_guideline", "load_guideline"} <= actions
    version = re.findall(r'href="(/verwaltung/richtlinie/fassungen/\d+)"', page)[0]
    html = client.get(version).get_data(as_text=True)
    assert "hinzugefügt: </span>+   max: 500" in html


def test_a_guideline_file_can_be_uploaded_and_a_wrong_encoding_is_refused(world: World) -> None:
    client = _office(world)
    latin = client.post(
        f"/verwaltung/richtlinie/entwurf?fonds={QF}",
        data={"upload": (io.BytesIO("name: Größe".encode("latin-1")), "alt.yaml")},
        content_type="multipart/form-data",
    )
    assert latin.status_code == 400 and "nicht in UTF-8 gespeichert" in latin.get_data(as_text=True)
    with world.fonds.db.read() as s:
        assert s.scalar(select(GuidelineDraft.id)) is None
    uploaded = client.post(
        f"/verwaltung/richtlinie/entwurf?fonds={QF}",
        data={"upload": (io.BytesIO(TEXT.replace(MAX, "  max: 2000").encode("utf-8")), "neu.yaml")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302
    html = client.get(uploaded.headers["Location"]).get_data(as_text=True)
    assert "Die Prüfung hat keine Fehler gefunden" in html and "max: 2000" in html


def test_only_the_funds_office_reaches_the_guideline_pages(world: World) -> None:
    office = _office(world)
    saved = office.post(f"/verwaltung/richtlinie/entwurf?fonds={QF}", data={"content": TEXT})
    draft_id = _draft_id(saved.headers["Location"])
    resident = world.app.test_client()
    login(resident, "anna@example.org")
    assert resident.get(f"/verwaltung/richtlinie?fonds={QF}").status_code == 403
    assert resident.get(f"/verwaltung/richtlinie/entwuerfe/{draft_id}").status_code == 404
    refused = resident.post(f"/verwaltung/richtlinie/entwuerfe/{draft_id}", data={"content": "x"})
    assert refused.status_code == 404
    with world.fonds.db.read() as s:
        draft = s.get(GuidelineDraft, draft_id)
        assert draft is not None and draft.content == TEXT
