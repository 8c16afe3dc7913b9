"""Public read models of funded projects: only what the applicant released, never contact data.

A project is public when (1) its application is funded (its state's `outcome` in the bound workflow
is approved or completed), (2) the newest consent releases at least the title, and (3) the office
has not withheld it. Each further field (short description, organisation, photos, short report)
appears only when that same consent releases it. Amounts, dates and the office's listing data
(category, part of the area, coordinates) are the fund's own data about public money.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fondsengine.engine import Engine
from fondsengine.errors import NotFound
from fondsengine.model import Application, Attachment, Fund, PublicationConsent, PublicListing

FUNDED_OUTCOMES = frozenset({"approved", "completed"})
PUBLIC_PHOTO_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


@dataclass(frozen=True)
class PublicProject:
    """One funded project as the public sees it."""

    id: int
    fund_id: str
    fund_name: str
    year: int
    title: str
    summary: str | None
    organisation: str | None
    approved_cents: int
    project_start: date | None
    project_end: date | None
    decided_at: datetime | None
    category: str | None
    area_part: str | None
    latitude: Decimal | None
    longitude: Decimal | None
    photo_ids: tuple[int, ...]
    report: str | None
    updated_at: datetime


@dataclass(frozen=True)
class ProjectFilter:
    """Filters of the gallery and the API; None means any."""

    fund_id: str | None = None
    year: int | None = None
    category: str | None = None
    area_part: str | None = None


def _funded(fonds: Engine, s: Session, app: Application) -> bool:
    state = fonds.catalog.workflow(s, app.workflow_version_id).state(app.state)
    return state.outcome in FUNDED_OUTCOMES


def _rows(s: Session, flt: ProjectFilter, application_id: int | None = None):  # type: ignore[no-untyped-def]
    newest = (
        select(PublicationConsent.application_id, func.max(PublicationConsent.id).label("cid"))
        .group_by(PublicationConsent.application_id)
        .subquery()
    )
    q = (
        select(Application, PublicationConsent, PublicListing, Fund.name)
        .join(newest, newest.c.application_id == Application.id)
        .join(PublicationConsent, PublicationConsent.id == newest.c.cid)
        .join(Fund, Fund.id == Application.fund_id)
        .outerjoin(PublicListing, PublicListing.application_id == Application.id)
        .where(
            Fund.active.is_(True),
            Application.approved_cents.is_not(None),
            Application.anonymised_at.is_(None),
            PublicationConsent.publish_title.is_(True),
            func.coalesce(PublicListing.withheld, False).is_(False),
        )
        .order_by(Application.decided_at.desc(), Application.id.desc())
    )
    if application_id is not None:
        q = q.where(Application.id == application_id)
    if flt.fund_id:
        q = q.where(Application.fund_id == flt.fund_id)
    if flt.year:
        q = q.where(Application.budget_year == flt.year)
    if flt.category:
        q = q.where(PublicListing.category == flt.category)
    if flt.area_part:
        q = q.where(PublicListing.area_part == flt.area_part)
    return s.execute(q).all()


def _photos(s: Session, application_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    if not application_ids:
        return out
    for app_id, att_id in s.execute(
        select(Attachment.application_id, Attachment.id)
        .where(
            Attachment.application_id.in_(application_ids),
            Attachment.purpose == "photo",
            Attachment.mimetype.in_(PUBLIC_PHOTO_TYPES),
        )
        .order_by(Attachment.id)
    ):
        out.setdefault(app_id, []).append(att_id)
    return out


def _project(
    app: Application, c: PublicationConsent, listing: PublicListing | None, fund_name: str, photos: list[int]
) -> PublicProject:
    updated = max(x for x in (app.decided_at, c.given_at, listing.updated_at if listing else None) if x is not None)
    return PublicProject(
        id=app.id,
        fund_id=app.fund_id,
        fund_name=fund_name,
        year=app.budget_year,
        title=app.title,
        summary=c.public_summary if c.publish_summary else None,
        organisation=app.organisation if c.publish_organisation and app.organisation else None,
        approved_cents=app.approved_cents or 0,
        project_start=app.project_start,
        project_end=app.project_end,
        decided_at=app.decided_at,
        category=listing.category if listing else None,
        area_part=listing.area_part if listing else None,
        latitude=listing.latitude if listing else None,
        longitude=listing.longitude if listing else None,
        photo_ids=tuple(photos) if c.publish_photos else (),
        report=c.public_report if c.publish_report else None,
        updated_at=updated,
    )


def public_projects(fonds: Engine, flt: ProjectFilter | None = None) -> list[PublicProject]:
    """The public funded projects, newest decision first, filtered."""
    flt = flt or ProjectFilter()
    with fonds.db.read() as s:
        rows = [r for r in _rows(s, flt) if _funded(fonds, s, r[0])]
        photos = _photos(s, [r[0].id for r in rows if r[1].publish_photos])
        return [_project(a, c, lst, name, photos.get(a.id, [])) for a, c, lst, name in rows]


def public_project(fonds: Engine, application_id: int) -> PublicProject:
    """One public project, else NotFound (also for projects that exist but are not public)."""
    with fonds.db.read() as s:
        rows = [r for r in _rows(s, ProjectFilter(), application_id) if _funded(fonds, s, r[0])]
        if not rows:
            raise NotFound("Dieses Projekt gibt es nicht oder es ist nicht veröffentlicht.")
        a, c, lst, name = rows[0]
        photos = _photos(s, [a.id]) if c.publish_photos else {}
        return _project(a, c, lst, name, photos.get(a.id, []))


@dataclass(frozen=True)
class PublicPhoto:
    """A released photo: where its bytes are and what type they are."""

    stored_name: str
    mimetype: str
    size_bytes: int


def public_photo(fonds: Engine, application_id: int, attachment_id: int) -> PublicPhoto:
    """A photo of a public project whose newest consent releases photos, else NotFound."""
    project = public_project(fonds, application_id)
    if attachment_id not in project.photo_ids:
        raise NotFound("Dieses Foto gibt es nicht.")
    with fonds.db.read() as s:
        att = s.get(Attachment, attachment_id)
        assert att is not None
        return PublicPhoto(att.stored_name, att.mimetype, att.size_bytes)


@dataclass(frozen=True)
class Facets:
    """The values the gallery can be filtered by."""

    years: tuple[int, ...]
    categories: tuple[str, ...]
    area_parts: tuple[str, ...]


def facets(projects: list[PublicProject]) -> Facets:
    """Years, categories and parts of the area that occur among public projects."""
    return Facets(
        tuple(sorted({p.year for p in projects}, reverse=True)),
        tuple(sorted({p.category for p in projects if p.category})),
        tuple(sorted({p.area_part for p in projects if p.area_part})),
    )
