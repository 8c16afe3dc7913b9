"""People and roles: registration, memberships, password hashing."""

from __future__ import annotations

import re
from datetime import date

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from fondsengine.clock import local_date
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.model import Fund, Membership, User
from fondsengine.model.user import MEMBERSHIP_ROLES
from fondsengine.services import authz
from fondsengine.services.audit import record
from fondsengine.services.context import Actor, Fonds

_hasher = PasswordHasher()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against its hash (False for a missing hash)."""
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    """Trim and lower-case an e-mail address; raise InvalidInput if it is not one."""
    value = email.strip().lower()
    if not _EMAIL.match(value) or len(value) > 320:
        raise InvalidInput("Bitte geben Sie eine gültige E-Mail-Adresse an.", field="email")
    return value


def check_password_strength(password: str) -> None:
    """At least 10 characters; a German message otherwise."""
    if len(password) < 10:
        raise InvalidInput("Das Passwort muss mindestens 10 Zeichen lang sein.", field="password")


def create_user(
    fonds: Fonds,
    *,
    name: str,
    email: str | None,
    password: str | None = None,
    confirmed: bool = False,
    is_admin: bool = False,
) -> int:
    """Create a person (email may be None for residents the office represents on paper)."""
    if not name.strip():
        raise InvalidInput("Bitte geben Sie einen Namen an.", field="name")
    addr = normalise_email(email) if email else None
    if password is not None:
        check_password_strength(password)
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        if addr and s.scalar(select(User.id).where(User.email == addr)) is not None:
            raise InvalidInput("Mit dieser E-Mail-Adresse gibt es schon ein Konto.", field="email")
        user = User(
            name=name.strip(),
            email=addr,
            password_hash=hash_password(password) if password else None,
            email_confirmed_at=now if confirmed else None,
            active=True,
            is_admin=is_admin,
            notification_prefs={},
            created_at=now,
        )
        s.add(user)
        s.flush()
        record(
            s,
            actor=Actor(user.id),
            role="applicant",
            action="create_user",
            at=now,
            data={"user_id": user.id},
        )
        uow.commit()
        return user.id


def grant_role(
    fonds: Fonds,
    actor: Actor,
    *,
    user_id: int,
    fund_id: str,
    role: str,
    group: str | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> None:
    """Give a user a role in a fund (managers and admins only; the system may bootstrap)."""
    if role not in MEMBERSHIP_ROLES:
        raise InvalidInput(f"Unbekannte Rolle „{role}“.", field="role")
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        if not actor.system:
            admin = s.get(User, actor.user_id)
            if not (admin is not None and admin.is_admin):
                authz.require_fund_role(s, actor, fund_id, local_date(now), "manager")
        if s.get(Fund, fund_id) is None:
            raise NotFound(f"Den Fonds „{fund_id}“ gibt es nicht.")
        if s.get(User, user_id) is None:
            raise NotFound("Diese Person gibt es nicht.")
        row = s.scalar(
            select(Membership).where(
                Membership.user_id == user_id,
                Membership.fund_id == fund_id,
                Membership.role == role,
            )
        )
        if row is None:
            row = Membership(user_id=user_id, fund_id=fund_id, role=role, created_at=now)
            s.add(row)
        authz.forget_roles(s)
        row.group, row.valid_from, row.valid_to = group, valid_from, valid_to
        record(
            s,
            actor=actor,
            role="system" if actor.system else "manager",
            action="grant_role",
            at=now,
            fund_id=fund_id,
            data={"user_id": user_id, "role": role, "group": group},
        )
        uow.commit()


def revoke_role(fonds: Fonds, actor: Actor, *, user_id: int, fund_id: str, role: str) -> None:
    """Remove a role; takes effect with the next request (roles are read on every use case)."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        if not actor.system:
            authz.require_fund_role(s, actor, fund_id, local_date(now), "manager")
        row = s.scalar(
            select(Membership).where(
                Membership.user_id == user_id,
                Membership.fund_id == fund_id,
                Membership.role == role,
            )
        )
        if row is None:
            raise NotFound("Diese Rolle ist nicht vergeben.")
        s.delete(row)
        authz.forget_roles(s)
        record(
            s,
            actor=actor,
            role="system" if actor.system else "manager",
            action="revoke_role",
            at=now,
            fund_id=fund_id,
            data={"user_id": user_id, "role": role},
        )
        uow.commit()
