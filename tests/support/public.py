"""Seeding public projects for the public-page tests: one released, one with personal data and no consent."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from PIL import Image

from fondsengine.applications.publication import ConsentInput, ListingInput, record_consent, set_listing
from fondsengine.applications.records import AttachmentInput, add_attachment
from fondsengine.engine import Actor
from tests.web.builders import World, approved_for

# personal data of the application WITHOUT consent: none of it may appear on any public page or API answer
SECRETS = {
    "title": "Geheimprojekt Kellerfund 7731",
    "description": "Beschreibung nur für das Büro 4471",
    "organisation": "Verein Verborgen 5512 e.V.",
    "contact_name": "Zacharias Unbekannt-Quast",
    "contact_email": "zacharias.quast@example.org",
    "contact_phone": "0170 9998887",
    "goals": "Ziele nur intern 8823",
}
# what the released project keeps to itself although its title is public
RELEASED_BUT_PRIVATE = {
    "organisation": "Nachbarschaft Intern 6619 e.V.",
    "description": "Lange interne Beschreibung 9124",
    "contact_phone": "0231 5554443",
}
RELEASED_TITLE = "Lichterfest am Kornmarkt"
RELEASED_SUMMARY = "Ein Abend mit Laternen für alle Nachbarinnen und Nachbarn."


@dataclass(frozen=True)
class Seeded:
    released: int  # title, summary, photos and report released; organisation not
    secret: int  # funded, personal data, no consent at all
    photo: int  # the released photo's attachment id


def png() -> bytes:
    """A small real PNG."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


def seed(world: World) -> Seeded:
    """Two funded projects of the Quartiersfonds: one released by its applicant, one without any consent."""
    released = approved_for(world, world.anna, title=RELEASED_TITLE, **RELEASED_BUT_PRIVATE)
    secret = approved_for(world, world.bert, **SECRETS)
    f = world.fonds
    photo = add_attachment(f, Actor(world.anna), released, AttachmentInput("photo", "fest.png", "image/png", png()))
    add_attachment(f, Actor(world.bert), secret, AttachmentInput("photo", "geheim.png", "image/png", png()))
    record_consent(
        f,
        Actor(world.anna),
        released,
        ConsentInput(
            publish_title=True,
            publish_summary=True,
            public_summary=RELEASED_SUMMARY,
            publish_photos=True,
            photo_consent_by="alle abgebildeten Personen",
            photo_consent_scope="Projektseite und offene Daten",
            publish_report=True,
            public_report="120 Menschen kamen, es gab Musik.",
        ),
        stage="proof",
    )
    for app_id in (released, secret):
        set_listing(
            f,
            Actor(world.office),
            app_id,
            ListingInput(
                area_part="Altstadt",
                category="Kultur",
                latitude=Decimal("51.4371"),
                longitude=Decimal("7.3350") + Decimal(app_id) / 1000,
            ),
        )
    return Seeded(released, secret, photo)
