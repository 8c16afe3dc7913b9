"""Factories: valid application inputs for the shipped Witten guidelines, people with roles."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications.service import ApplicationInput, CostItemInput
from fondsengine.engine import Actor, Engine

QF = "witten-quartiersfonds"
CF = "witten-cityfonds"


def quartiersfonds_input(**changes: object) -> ApplicationInput:
    """A valid application for the Quartiersfonds (project in spring 2027, round 2027-1)."""
    base = ApplicationInput(
        title="Repair-Café im Wiesenviertel",
        applicant_kind="initiative",
        organisation="Nachbarschaftsinitiative Wiesenviertel",
        contact_name="Anna Beispiel",
        contact_email="anna@example.org",
        contact_street="Wiesenstraße 12",
        contact_postcode="58452",
        contact_city="Witten",
        area_link="lives",
        description="Einmal im Monat reparieren Ehrenamtliche mit Nachbarn kaputte Geräte.",
        goals="Weniger Müll, mehr Begegnung",
        target_group="Alle Nachbarinnen und Nachbarn",
        place="Wiesenstraße 12, Gemeindesaal",
        street="Wiesenstraße",
        postcode="58452",
        project_start=date(2027, 4, 10),
        project_end=date(2027, 9, 30),
        participants_expected=80,
        requested_cents=120_000,
        cost_items=(
            CostItemInput("material", "Werkzeug-Verbrauchsmaterial, Ersatzteile", 70_000),
            CostItemInput("publicity", "Plakate und Flyer", 30_000),
            CostItemInput("rental", "Saalmiete (6 Termine)", 20_000),
        ),
        volunteer_hours=Decimal(0),
        prior_consultation_on=date(2026, 11, 2),
        declarations=frozenset({"not_started", "no_double_funding", "publicity"}),
        extra={
            "participants_expected": "80",
            "neighbourhood_benefit": "Treffpunkt für das ganze Viertel",
        },
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def cityfonds_input(**changes: object) -> ApplicationInput:
    """A valid application for the Cityfonds (50 % own funds in money)."""
    base = ApplicationInput(
        title="Lichterwochen in der Bahnhofstraße",
        applicant_kind="trader",
        organisation="Werbegemeinschaft Bahnhofstraße",
        contact_name="Bernd Händler",
        contact_email="bernd@example.org",
        contact_street="Bahnhofstraße 40",
        contact_postcode="58452",
        contact_city="Witten",
        area_link="based",
        description="Beleuchtete Schaufenster und ein Lichterweg durch die Innenstadt.",
        goals="Belebung der Innenstadt im Winter",
        target_group="Besucherinnen und Besucher der Innenstadt",
        place="Bahnhofstraße",
        street="Bahnhofstraße",
        postcode="58452",
        project_start=date(2027, 5, 1),
        project_end=date(2027, 6, 30),
        requested_cents=200_000,
        own_funds_cents=200_000,
        cost_items=(
            CostItemInput("material", "Lichterketten und Befestigung", 300_000),
            CostItemInput("publicity", "Plakate, Anzeigen", 100_000),
        ),
        declarations=frozenset(
            {"not_started", "no_double_funding", "own_contribution", "publicity"}
        ),
        extra={
            "cooperation_partners": "12 Geschäfte der Bahnhofstraße",
            "own_funds_source": "Werbegemeinschaft",
        },
    )
    return replace(base, **changes)  # type: ignore[arg-type]


TEST_IBAN = "DE89 3704 0044 0532 0130 00"


def with_bank_account(fonds: Engine, actor: Actor, app_id: int, holder: str = "Anna Beispiel") -> int:
    """Give an application the bank account payments go to (no payment is booked without one)."""
    from fondsengine.payments.service import set_bank_account

    set_bank_account(fonds, actor, app_id, iban=TEST_IBAN, account_holder=holder)
    return app_id


def person(
    fonds: Engine, name: str, email: str, *roles: tuple[str, str], password: str = "geheim-genug-123"
) -> Actor:
    """Create a confirmed user with (fund_id, role) memberships and return them as an actor."""
    uid = create_user(fonds, name=name, email=email, password=password, confirmed=True)
    for fund_id, role in roles:
        grant_role(
            fonds,
            Actor.scheduler(),
            user_id=uid,
            fund_id=fund_id,
            role=role,
            group="resident" if role == "jury_member" else None,
        )
    return Actor(uid)


def trader_input(**changes: object) -> ApplicationInput:
    """A business that deducts input tax (the example tiered fund's net-cost and de-minimis rules):
    10.700 € gross with 700 € VAT, 7.000 € asked, 4.000 € own money, no earlier de-minimis aid."""
    base = {
        "applicant_kind": "trader",
        "nonprofit": False,
        "organisation": "Café am Platz",
        "input_tax_deductible": True,
        "de_minimis_prior_cents": 0,
        "requested_cents": 700_000,
        "own_funds_cents": 400_000,
        "cost_items": (CostItemInput("material", "Pflanzen für den Platz", 1_070_000, vat_cents=70_000),),
    }
    return quartiersfonds_input(**{**base, **changes})
