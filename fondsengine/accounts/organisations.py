"""Organisations (associations, initiatives) with several members who apply together.

Every member of an organisation is a co-applicant of the applications made for it: they see and
edit them as their owner does (`authz.application_roles`). One member is named as the
representative (vertretungsberechtigt); only the representative adds or removes members and
hands the representation to another member. The person who creates an organisation is its first
member and representative. Every use case locks the organisation's row first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine.accounts.users import normalise_email
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound, PermissionDenied
from fondsengine.inputs import check_text
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.model import Application, ApplicationOrganisation, Organisation, OrganisationMember, User

KINDS = {"association": "Verein", "initiative": "Initiative", "institution": "Einrichtung"}
NOT_A_MEMBER = "Diese Organisation gibt es nicht."  # never reveal an organisation to outsiders


def _person(actor: Actor) -> int:
    if actor.system or actor.user_id is None:
        raise PermissionDenied("Organisationen verwalten nur angemeldete Personen.")
    return actor.user_id


def _lock(s: Session, organisation_id: int) -> Organisation:
    org = s.scalar(
        select(Organisation)
        .where(Organisation.id == organisation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if org is None:
        raise NotFound(NOT_A_MEMBER)
    return org


def _member_ids(s: Session, organisation_id: int) -> set[int]:
    return set(
        s.scalars(select(OrganisationMember.user_id).where(OrganisationMember.organisation_id == organisation_id))
    )


def _as_representative(s: Session, user_id: int, organisation_id: int) -> Organisation:
    """Lock the organisation; NotFound for outsiders, PermissionDenied for members who do not represent it."""
    org = _lock(s, organisation_id)
    if user_id not in _member_ids(s, org.id):
        raise NotFound(NOT_A_MEMBER)
    if org.representative_id != user_id:
        raise PermissionDenied("Das kann nur, wer die Organisation vertritt.")
    return org


def create_organisation(fonds: Engine, actor: Actor, name: str, kind: str) -> int:
    """Create an organisation with the acting person as its first member and representative."""
    uid = _person(actor)
    clean = check_text(name.strip(), label="Name der Organisation", max_len=300, field="name")
    if not clean:
        raise InvalidInput("Bitte geben Sie den Namen der Organisation an.", field="name")
    if kind not in KINDS:
        raise InvalidInput("Bitte wählen Sie, was für eine Organisation es ist.", field="kind")
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        if s.get(User, uid, with_for_update=True) is None:
            raise NotFound("Dieses Konto gibt es nicht.")
        org = Organisation(name=clean, kind=kind, representative_id=uid, created_by_id=uid, created_at=now)
        s.add(org)
        s.flush()
        s.add(OrganisationMember(organisation_id=org.id, user_id=uid, added_by_id=uid, added_at=now))
        record(
            s,
            actor=actor,
            role="user",
            action="create_organisation",
            at=now,
            data={"organisation_id": org.id, "name": clean, "kind": kind},
        )
        uow.commit()
        return org.id


def add_organisation_member(fonds: Engine, actor: Actor, organisation_id: int, email: str) -> int:
    """The representative adds a person by the e-mail address of their confirmed account; their id.

    The answer is the same for an address without an account and for an unconfirmed one, so the
    form does not tell which addresses have accounts."""
    uid = _person(actor)
    address = normalise_email(email)
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        org = _as_representative(s, uid, organisation_id)
        person = s.scalar(select(User).where(User.email == address))
        if person is None or person.email_confirmed_at is None or not person.active:
            raise InvalidInput(
                "Zu dieser Adresse gibt es kein bestätigtes Konto. Die Person muss sich zuerst registrieren.",
                field="email",
            )
        if person.id in _member_ids(s, org.id):
            raise InvalidInput(f"{person.name} gehört schon zur Organisation.", field="email")
        s.add(OrganisationMember(organisation_id=org.id, user_id=person.id, added_by_id=uid, added_at=now))
        record(
            s,
            actor=actor,
            role="user",
            action="add_organisation_member",
            at=now,
            data={"organisation_id": org.id, "user_id": person.id},
        )
        uow.commit()
        return person.id


def remove_organisation_member(fonds: Engine, actor: Actor, organisation_id: int, user_id: int) -> None:
    """The representative removes a member (not themself: first hand the representation over)."""
    uid = _person(actor)
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        org = _as_representative(s, uid, organisation_id)
        if user_id == org.representative_id:
            raise InvalidInput("Wer die Organisation vertritt, kann nicht entfernt werden.", field="user")
        row = s.scalar(
            select(OrganisationMember).where(
                OrganisationMember.organisation_id == org.id, OrganisationMember.user_id == user_id
            )
        )
        if row is None:
            raise NotFound("Diese Person gehört nicht zur Organisation.")
        s.delete(row)
        record(
            s,
            actor=actor,
            role="user",
            action="remove_organisation_member",
            at=now,
            data={"organisation_id": org.id, "user_id": user_id},
        )
        uow.commit()


def name_representative(fonds: Engine, actor: Actor, organisation_id: int, user_id: int) -> None:
    """The representative hands the representation to another member."""
    uid = _person(actor)
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        org = _as_representative(s, uid, organisation_id)
        if user_id not in _member_ids(s, org.id):
            raise InvalidInput("Vertreten kann die Organisation nur eines ihrer Mitglieder.", field="user")
        before, org.representative_id = org.representative_id, user_id
        record(
            s,
            actor=actor,
            role="user",
            action="name_representative",
            at=now,
            data={"organisation_id": org.id, "from": before, "to": user_id},
        )
        uow.commit()


def link_organisation(fonds: Engine, actor: Actor, application_id: int, organisation_id: int) -> None:
    """The applicant makes their draft an application of an organisation they belong to.

    From then on every member of the organisation is a co-applicant; the application's
    organisation and representative fields take the organisation's name and representative."""
    uid = _person(actor)
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        if "applicant" not in roles:
            raise NotFound("Diesen Antrag gibt es nicht.")
        org = _lock(s, organisation_id)
        if uid not in _member_ids(s, org.id):
            raise NotFound(NOT_A_MEMBER)
        if not authz.is_draft(s, app):
            raise InvalidInput("Einer Organisation zuordnen lässt sich nur ein Entwurf.")
        if s.get(ApplicationOrganisation, app.id) is not None:
            raise InvalidInput("Der Antrag gehört schon zu einer Organisation.")
        s.add(ApplicationOrganisation(application_id=app.id, organisation_id=org.id, linked_by_id=uid, linked_at=now))
        representative = s.get(User, org.representative_id)
        app.organisation = org.name
        app.representative = representative.name if representative else app.representative
        app.updated_at, app.row_version = now, app.row_version + 1
        record(
            s,
            actor=actor,
            role="applicant",
            action="link_organisation",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={"organisation_id": org.id},
        )
        uow.commit()


@dataclass(frozen=True)
class OrganisationView:
    """An organisation as its members see it."""

    id: int
    name: str
    kind: str
    kind_label: str
    representative_id: int
    members: tuple[tuple[int, str, str], ...]  # (user id, name, e-mail), by name
    i_represent: bool


def organisations_of(fonds: Engine, actor: Actor) -> list[OrganisationView]:
    """The organisations the acting person belongs to, with their members (by name)."""
    uid = _person(actor)
    with fonds.db.read() as s:
        return organisations_in(s, uid)


def organisations_in(s: Session, uid: int) -> list[OrganisationView]:
    """The organisations a person belongs to, with their members (in an open session)."""
    mine = select(OrganisationMember.organisation_id).where(OrganisationMember.user_id == uid)
    orgs = list(s.scalars(select(Organisation).where(Organisation.id.in_(mine)).order_by(Organisation.name)))
    rows = s.execute(
        select(OrganisationMember.organisation_id, User.id, User.name, User.email)
        .join(User, User.id == OrganisationMember.user_id)
        .where(OrganisationMember.organisation_id.in_([o.id for o in orgs]))
        .order_by(User.name, User.id)
    ).all()
    return [
        OrganisationView(
            id=o.id,
            name=o.name,
            kind=o.kind,
            kind_label=KINDS.get(o.kind, o.kind),
            representative_id=o.representative_id,
            members=tuple((r[1], r[2], r[3] or "") for r in rows if r[0] == o.id),
            i_represent=o.representative_id == uid,
        )
        for o in orgs
    ]


def application_and_organisation(fonds: Engine, actor: Actor, application_id: int) -> tuple[Application, str | None]:
    """An application whose record the actor may read (detached, with its cost items) and the name of
    the organisation it is made for (None: its owner's own), in one read."""
    with fonds.db.read() as s:
        app, _ = authz.load_application_record(s, actor, application_id, local_date(fonds.clock.now()))
        _ = list(app.cost_items)
        name = organisation_name_in(s, app)
        s.expunge_all()
        return app, name


def organisation_name_in(s: Session, app: Application) -> str | None:
    """The name of the organisation an application is made for (None: its owner's own)."""
    return s.scalar(
        select(Organisation.name)
        .join(ApplicationOrganisation, ApplicationOrganisation.organisation_id == Organisation.id)
        .where(ApplicationOrganisation.application_id == app.id)
    )
