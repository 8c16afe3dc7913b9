"""Use cases of publication control: the applicant's consent (what becomes public) and the office's listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, PermissionDenied
from fondsengine.inputs import check_text
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.model import PublicationConsent, PublicListing

CONSENT_TEXT_VERSION = "2026-12-01"
CONSENT_TEXT = (
    "Ich bin damit einverstanden, dass die Geschäftsführung des Fonds die unten angekreuzten Angaben zu "
    "meinem geförderten Projekt auf den öffentlichen Seiten des Fonds, im Archiv und in den offenen Daten "
    "(maschinenlesbar, frei weiterverwendbar) veröffentlicht. Nicht angekreuzte Angaben werden nicht "
    "veröffentlicht. Name, Anschrift, E-Mail, Telefon und Bankdaten werden nie veröffentlicht. Ich kann "
    "meine Einwilligung jederzeit für die Zukunft widerrufen, indem ich hier die Häkchen entferne; die "
    "Angaben werden dann von den Seiten genommen (Art. 7 Abs. 3 DSGVO)."
)
PHOTO_CONSENT_TEXT = (
    "Für die Fotos bestätige ich: Alle erkennbar abgebildeten Personen (bei Kindern die "
    "Sorgeberechtigten) und die Fotografin oder der Fotograf haben der Veröffentlichung im angegebenen "
    "Umfang zugestimmt. Ich nenne unten, wer zugestimmt hat und wozu."
)
STAGES = ("application", "proof")
MAX_SUMMARY = 600
MAX_REPORT = 3000
WRITERS = frozenset({"applicant", "manager"})


@dataclass(frozen=True)
class ConsentInput:
    """What the applicant releases; texts are the ones to publish."""

    publish_title: bool = False
    publish_summary: bool = False
    publish_organisation: bool = False
    publish_photos: bool = False
    publish_report: bool = False
    public_summary: str = ""
    public_report: str = ""
    photo_consent_by: str = ""
    photo_consent_scope: str = ""


@dataclass(frozen=True)
class ConsentView:
    """The consent in force for an application (for the forms and the office)."""

    data: ConsentInput
    stage: str
    version: str
    given_at: datetime
    given_by_id: int


def _checked(data: ConsentInput) -> ConsentInput:
    summary = check_text(
        data.public_summary.strip(),
        label="Kurzbeschreibung",
        max_len=MAX_SUMMARY,
        multiline=True,
        field="public_summary",
    )
    report = check_text(
        data.public_report.strip(), label="Kurzbericht", max_len=MAX_REPORT, multiline=True, field="public_report"
    )
    by = check_text(data.photo_consent_by.strip(), label="Wer hat zugestimmt", max_len=300, field="photo_consent_by")
    scope = check_text(
        data.photo_consent_scope.strip(), label="Wozu", max_len=1000, multiline=True, field="photo_consent_scope"
    )
    if data.publish_summary and not summary:
        raise InvalidInput(
            "Bitte schreiben Sie die Kurzbeschreibung, die veröffentlicht werden soll.", field="public_summary"
        )
    if data.publish_report and not report:
        raise InvalidInput(
            "Bitte schreiben Sie den Kurzbericht, der veröffentlicht werden soll.", field="public_report"
        )
    if data.publish_photos and not by:
        raise InvalidInput(
            "Bitte nennen Sie, wer der Veröffentlichung der Fotos zugestimmt hat.", field="photo_consent_by"
        )
    if data.publish_photos and not scope:
        raise InvalidInput("Bitte nennen Sie, wozu die Zustimmung zu den Fotos gilt.", field="photo_consent_scope")
    return ConsentInput(
        publish_title=data.publish_title,
        publish_summary=data.publish_summary,
        publish_organisation=data.publish_organisation,
        publish_photos=data.publish_photos,
        publish_report=data.publish_report,
        public_summary=summary,
        public_report=report,
        photo_consent_by=by,
        photo_consent_scope=scope,
    )


def consent_text(data: ConsentInput) -> str:
    """The full German text the person agrees to with these choices (stored with the consent)."""
    chosen = [
        label
        for flag, label in (
            (data.publish_title, "Projekttitel"),
            (data.publish_summary, "Kurzbeschreibung (wie eingegeben)"),
            (data.publish_organisation, "Name der Organisation"),
            (data.publish_photos, "Fotos aus dem Verwendungsnachweis"),
            (data.publish_report, "Kurzbericht (wie eingegeben)"),
        )
        if flag
    ]
    text = CONSENT_TEXT + " Veröffentlicht werden dürfen: " + (", ".join(chosen) if chosen else "nichts") + "."
    if data.publish_photos:
        text += " " + PHOTO_CONSENT_TEXT
    return text


def latest_consent(session: Session, application_id: int) -> PublicationConsent | None:
    """The newest consent row of an application (the one in force), or None."""
    return session.scalar(
        select(PublicationConsent)
        .where(PublicationConsent.application_id == application_id)
        .order_by(PublicationConsent.id.desc())
        .limit(1)
    )


def record_consent(fonds: Engine, actor: Actor, application_id: int, data: ConsentInput, *, stage: str) -> int:
    """Record what the applicant releases for publication (the owner, or the office for a paper
    application); the newest decision counts, older ones stay as evidence."""
    if stage not in STAGES:
        raise InvalidInput(f"Unbekannte Stufe {stage!r}.")
    clean = _checked(data)
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = authz.load_application_record(s, actor, application_id, local_date(now))
        if not roles & WRITERS:
            raise PermissionDenied("Über die Veröffentlichung entscheidet die Antragstellerin oder der Antragsteller.")
        row = PublicationConsent(
            application_id=app.id,
            stage=stage,
            publish_title=clean.publish_title,
            publish_summary=clean.publish_summary,
            publish_organisation=clean.publish_organisation,
            publish_photos=clean.publish_photos,
            publish_report=clean.publish_report,
            public_summary=clean.public_summary,
            public_report=clean.public_report,
            photo_consent_by=clean.photo_consent_by or None,
            photo_consent_scope=clean.photo_consent_scope or None,
            consent_text_version=CONSENT_TEXT_VERSION,
            consent_text=consent_text(clean),
            given_by_id=actor.user_id or 0,
            given_at=now,
        )
        s.add(row)
        s.flush()
        record(
            s,
            actor=actor,
            role=authz.primary_role(roles),
            action="record_publication_consent",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={"consent_id": row.id, "stage": stage, "version": CONSENT_TEXT_VERSION},
        )
        uow.commit()
        return row.id


def consent_of(fonds: Engine, actor: Actor, application_id: int) -> ConsentView | None:
    """The consent in force, for those who may read the application's record."""
    with fonds.db.read() as s:
        app, _ = authz.load_application_record(s, actor, application_id, local_date(fonds.clock.now()))
        row = latest_consent(s, app.id)
        if row is None:
            return None
        data = ConsentInput(
            publish_title=row.publish_title,
            publish_summary=row.publish_summary,
            publish_organisation=row.publish_organisation,
            publish_photos=row.publish_photos,
            publish_report=row.publish_report,
            public_summary=row.public_summary,
            public_report=row.public_report,
            photo_consent_by=row.photo_consent_by or "",
            photo_consent_scope=row.photo_consent_scope or "",
        )
        return ConsentView(data, row.stage, row.consent_text_version, row.given_at, row.given_by_id)


@dataclass(frozen=True)
class ListingInput:
    """The office's listing data: part of the area and coordinates (WGS 84), or none."""

    area_part: str = ""
    category: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    withheld: bool = False


def set_listing(fonds: Engine, actor: Actor, application_id: int, data: ListingInput) -> None:
    """The office enters where a project is (for the map and the filters) or withholds it from the public pages."""
    area_part = check_text(data.area_part.strip(), label="Teilgebiet", max_len=100, field="area_part")
    category = check_text(data.category.strip(), label="Themenbereich", max_len=100, field="category")
    if (data.latitude is None) != (data.longitude is None):
        raise InvalidInput("Bitte geben Sie Breite und Länge an, oder keins von beiden.", field="latitude")
    if data.latitude is not None and not Decimal(-90) <= data.latitude <= Decimal(90):
        raise InvalidInput("Die Breite liegt zwischen -90 und 90 Grad.", field="latitude")
    if data.longitude is not None and not Decimal(-180) <= data.longitude <= Decimal(180):
        raise InvalidInput("Die Länge liegt zwischen -180 und 180 Grad.", field="longitude")
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = authz.load_application_record(s, actor, application_id, local_date(now))
        if "manager" not in roles:
            raise PermissionDenied("Ort und Teilgebiet trägt die Geschäftsführung ein.")
        row = s.scalar(select(PublicListing).where(PublicListing.application_id == app.id))
        if row is None:
            row = PublicListing(application_id=app.id, updated_by_id=actor.user_id or 0, updated_at=now)
            s.add(row)
        row.area_part = area_part or None
        row.category = category or None
        row.latitude = data.latitude.quantize(Decimal("0.000001")) if data.latitude is not None else None
        row.longitude = data.longitude.quantize(Decimal("0.000001")) if data.longitude is not None else None
        row.withheld = data.withheld
        row.updated_by_id = actor.user_id or 0
        row.updated_at = now
        s.flush()
        record(
            s,
            actor=actor,
            role="manager",
            action="set_public_listing",
            at=now,
            fund_id=app.fund_id,
            data={"application_id": app.id, "area_part": row.area_part, "withheld": row.withheld},
        )
        uow.commit()


def listing_of(fonds: Engine, actor: Actor, application_id: int) -> ListingInput | None:
    """The office's listing data of an application (office of the fund only), or None."""
    with fonds.db.read() as s:
        app, roles = authz.load_application_record(s, actor, application_id, local_date(fonds.clock.now()))
        if "manager" not in roles:
            raise PermissionDenied("Ort und Teilgebiet sieht nur die Geschäftsführung.")
        row = s.scalar(select(PublicListing).where(PublicListing.application_id == app.id))
        if row is None:
            return None
        return ListingInput(row.area_part or "", row.category or "", row.latitude, row.longitude, row.withheld)
