"""Each letter in the applicant's account is also an HTML page with the content of its PDF."""

from __future__ import annotations

import html
import re
import subprocess

from flask.testing import FlaskClient
from sqlalchemy import select

from fondsengine.model import Letter
from tests.web.builders import World, approved_for
from tests.web.conftest import login


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"\s+", text.replace("\xa0", " ")) if w}


def _page_text(page: str) -> str:
    """The visible text of the letter's <article> (tags out, entities resolved)."""
    article = page[page.index("<article") : page.index("</article>")]
    return html.unescape(re.sub(r"<[^>]+>", " ", article))


def test_the_approval_letter_reads_as_a_page_with_the_words_of_its_pdf(world: World, client: FlaskClient) -> None:
    app_id = approved_for(world, world.anna)
    with world.fonds.db.read() as s:
        approval = s.scalar(select(Letter.id).where(Letter.application_id == app_id, Letter.kind == "approval"))
    login(client, "anna@example.org")
    detail = client.get(f"/antraege/{app_id}").get_data(as_text=True)
    assert f"/antraege/{app_id}/dokumente/{approval}/ansehen" in detail
    response = client.get(f"/antraege/{app_id}/dokumente/{approval}/ansehen")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<h1 id="brief-betreff">' in page
    assert "Rechtsbehelfsbelehrung" in page or "Einwände und Rechtsweg" in page
    pdf = client.get(f"/antraege/{app_id}/dokumente/{approval}").data
    done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    pdf_words = _words(done.stdout.decode())
    page_words = _words(_page_text(page))
    only_pdf = {w for w in pdf_words - page_words if not w.isdigit() and w not in {"Seite", "von", "•"}}
    only_page = page_words - pdf_words - {"Empfänger", "Absender:"}  # the page names its parts for screen readers
    assert only_pdf == set() and only_page == set()
    assert "\xa0€" in page  # amounts stay whole on a narrow screen


def test_another_resident_gets_404_for_the_letter_page(world: World, client: FlaskClient) -> None:
    app_id = approved_for(world, world.anna)
    with world.fonds.db.read() as s:
        approval = s.scalar(select(Letter.id).where(Letter.application_id == app_id, Letter.kind == "approval"))
    login(client, "bert@example.org")
    assert client.get(f"/antraege/{app_id}/dokumente/{approval}/ansehen").status_code == 404
