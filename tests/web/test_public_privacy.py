"""Nothing unconsented is public: seed a funded application with personal data and no consent, crawl every
public page (following links from the start page) and every API answer, and search them all for it."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit

from flask.testing import FlaskClient

from fondsengine.applications.publication import ConsentInput, record_consent
from fondsengine.engine import Actor
from tests.support.public import RELEASED_BUT_PRIVATE, RELEASED_SUMMARY, RELEASED_TITLE, SECRETS, seed
from tests.web.builders import QF, World

HREF = re.compile(r'(?:href|src)="([^"#]+)')
SKIP = ("/anmelden", "/registrieren", "/passwort", "/static/", "mailto:")


def crawl(client: FlaskClient, start: list[str]) -> dict[str, str]:
    """Every same-site page reachable from the start URLs without logging in (GET only)."""
    seen: dict[str, str] = {}
    todo = list(start)
    while todo:
        url = todo.pop()
        if url in seen or any(url.startswith(s) for s in SKIP) or len(seen) > 400:
            continue
        response = client.get(url)
        body = response.get_data(as_text=True) if response.mimetype.startswith(("text", "application")) else ""
        seen[url] = body
        if response.mimetype == "text/html" and response.status_code == 200:
            for href in HREF.findall(body):
                absolute = urljoin(url, href.replace("&amp;", "&"))
                parts = urlsplit(absolute)
                if parts.netloc in ("", "localhost"):
                    todo.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def api_urls(client: FlaskClient, ids: list[int]) -> list[str]:
    """Every API path of the OpenAPI document, filled with the seeded ids, plus the filters."""
    doc = client.get("/api/v1/openapi.json").get_json()
    urls = []
    for path in doc["paths"]:
        for fund in (QF, "witten-cityfonds"):
            for pid in ids:
                urls.append(path.replace("{fund_id}", fund).replace("{year}", "2026").replace("{project_id}", str(pid)))
    urls += [f"/api/v1/projects?fund={QF}&year=2026&category=Kultur&area_part=Altstadt", "/api/v1/projects?per_page=1"]
    return sorted(set(urls))


def test_no_personal_data_without_consent_appears_on_any_public_page_or_api_answer(world: World) -> None:
    seeded = seed(world)
    client = world.app.test_client()
    start = ["/", "/projekte", f"/projekte/{seeded.secret}", f"/projekte/{seeded.secret}/fotos/{seeded.photo + 1}"]
    start += [f"/projekte?jahr=2026&kategorie=Kultur&teilgebiet=Altstadt&fonds={QF}"]
    start += [f"/fonds/{fid}/projekte.atom" for fid in (QF, "witten-cityfonds")]
    pages = crawl(client, start)
    pages.update({u: client.get(u).get_data(as_text=True) for u in api_urls(client, [seeded.released, seeded.secret])})
    # the crawl reached the public pages and the released project, so the search means something
    for must in ("/fonds/witten-quartiersfonds", f"/projekte/{seeded.released}", "/impressum", "/datenschutz"):
        assert must in pages, sorted(pages)
    assert f"/projekte/{seeded.released}/fotos/{seeded.photo}" in pages
    assert len(pages) >= 25
    everything = "\n".join(pages.values())
    assert RELEASED_TITLE in everything and RELEASED_SUMMARY in everything
    for label, secret in {**SECRETS, **RELEASED_BUT_PRIVATE}.items():
        hits = [u for u, body in pages.items() if secret in body or json.dumps(secret)[1:-1] in body]
        assert not hits, f"{label} {secret!r} appears on {hits}"
    assert client.get(f"/projekte/{seeded.secret}").status_code == 404
    assert client.get(f"/api/v1/projects/{seeded.secret}").status_code == 404
    assert client.get(f"/projekte/{seeded.secret}/fotos/{seeded.photo + 1}").status_code == 404


def test_withdrawing_the_consent_takes_the_project_off_every_public_list(world: World) -> None:
    seeded = seed(world)
    client = world.app.test_client()
    assert RELEASED_TITLE in client.get("/projekte").get_data(as_text=True)
    record_consent(world.fonds, Actor(world.anna), seeded.released, ConsentInput(), stage="proof")
    for url in ("/projekte", f"/fonds/{QF}", f"/fonds/{QF}/projekte.atom", "/api/v1/projects"):
        assert RELEASED_TITLE not in client.get(url).get_data(as_text=True), url
    assert client.get(f"/projekte/{seeded.released}").status_code == 404
    assert client.get(f"/projekte/{seeded.released}/fotos/{seeded.photo}").status_code == 404
