"""Every page the engine links to from a mail (fondsengine/notify/links.py) is a route of the web app
that reaches the page meant, so a renamed route cannot leave mails with dead links."""

from __future__ import annotations

import pytest

from fondsengine.notify import links
from fondsengine.notify.outbox_messages import MailContext
from tests.web.builders import World

# what each link must open (the web app's endpoint) and the id argument it carries
MEANT: dict[str, tuple[str, str | None]] = {
    "my_applications": ("applicant.overview", None),
    "application": ("applicant.detail", "application_id"),
    "application_edit": ("applicant.edit", "application_id"),
    "office_application": ("manage.application", "application_id"),
    "office_start": ("manage.index", None),
    "erasure_requests": ("manage.erasure_list", None),
    "jury_session": ("jury.session", "session_id"),
}


def test_the_table_and_the_expectations_name_the_same_pages() -> None:
    assert set(links.PAGES) == set(MEANT)


@pytest.mark.parametrize("name", sorted(MEANT))
def test_every_mail_link_reaches_its_page(world: World, name: str) -> None:
    endpoint, argument = MEANT[name]
    page = links.PAGES[name]
    path = page.path_for(4711 if argument else None)
    found, values = world.app.url_map.bind("fonds.example").match(path)
    assert found == endpoint
    assert values == ({argument: 4711} if argument else {})


def test_a_link_is_absolute_with_its_anchor() -> None:
    ctx = MailContext(base_url="https://fonds.witten.example/", office="Innenstadt-Büro", fund_name="Quartiersfonds")
    assert ctx.url(links.OFFICE_APPLICATION, 12, anchor="nachrichten") == (
        "https://fonds.witten.example/verwaltung/antraege/12#nachrichten"
    )
    assert ctx.url(links.OFFICE_START) == "https://fonds.witten.example/verwaltung/"
    # a link without its id leads to the list the page belongs to, never to a dead page
    assert links.APPLICATION.path_for() == "/antraege"
    assert ctx.url(links.OFFICE_APPLICATION) == "https://fonds.witten.example/verwaltung/"
    with pytest.raises(ValueError):
        links.JURY_SESSION.path_for()
