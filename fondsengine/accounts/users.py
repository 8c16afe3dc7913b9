"""People and roles: registration, memberships, password hashing."""

from __future__ import annotations

import re
import secrets
import threading
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import ConcurrentChange, InvalidInput, NotFound
from fondsengine.i18n import DEFAULT_LANGUAGE, known
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import record
from fondsengine.model import Fund, Membership, User
from fondsengine.model.user import MEMBERSHIP_ROLES

_hasher = PasswordHasher()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Each Argon2 computation takes 64 MiB: at most two at a time per process, so a flood of login
# requests queues up instead of driving the memory of a worker up (measured: 95 MB -> 625 MB).
_HASH_SLOTS = threading.BoundedSemaphore(2)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
# A hash of a random password: checked when there is no account, so that unknown and known
# addresses take the same time.
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$kNZamVLxLfW7lhcO302xEg$ZOhJmjnqIXqVP6HxsNcWd+sDl9gbaWL27hbGK+GFTMQ"


class EmailTaken(InvalidInput):
    """The address belongs to another account (the public registration must not say so)."""


def use_test_hashing() -> None:
    """Cheap Argon2id parameters for the test suite only (tests/conftest.py calls this; the application
    never does). A hash carries its parameters, so verifying works across both kinds; the dummy hash
    for unknown addresses is made with the same parameters, so unknown and known addresses still
    cost the same time."""
    global _hasher, DUMMY_HASH
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    with _HASH_SLOTS:
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against its hash (False for a missing hash, after the same work)."""
    with _HASH_SLOTS:
        try:
            return _hasher.verify(password_hash or DUMMY_HASH, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False


def normalise_email(email: str) -> str:
    """Trim and lower-case an e-mail address; raise InvalidInput if it is not one."""
    value = email.strip().lower()
    if not _EMAIL.match(value) or len(value) > 320:
        raise InvalidInput("Bitte geben Sie eine gültige E-Mail-Adresse an.", field="email")
    return value


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (lower case)."""
    text = resources.files("fondsengine").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _is_repetition(value: str) -> bool:
    """True for a short piece repeated (``abcabcabcabc``, ``aaaaaaaaaaaa``)."""
    return any(
        len(value) % size == 0 and value == value[:size] * (len(value) // size) for size in range(1, 5)
    )


def _personal_parts(email: str | None, name: str | None) -> list[str]:
    parts: list[str] = []
    if email:
        addr = email.strip().lower()
        parts += [addr, addr.split("@", 1)[0]]
    if name:
        full = name.strip().lower()
        parts += [full, full.replace(" ", "")]
        parts += [p for p in re.split(r"[\s.\-_]+", full) if len(p) >= 3]
    return sorted({p for p in parts if p}, key=len, reverse=True)


def check_password_strength(password: str, *, email: str | None = None, name: str | None = None) -> None:
    """At least 12 characters, not a common password, not essentially the name or the address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein.", field="password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Das Passwort darf höchstens {MAX_PASSWORD_LENGTH} Zeichen lang sein.", field="password"
        )
    lowered = password.lower()
    if lowered in common_passwords() or _is_repetition(lowered):
        raise InvalidInput(
            "Dieses Passwort ist zu leicht zu erraten (es steht auf einer Liste häufiger Passwörter). "
            "Bitte wählen Sie ein anderes, zum Beispiel mehrere Wörter, die nichts miteinander zu tun haben.",
            field="password",
        )
    rest = lowered
    for part in _personal_parts(email, name):
        rest = rest.replace(part, "")
    if (email and email.strip().lower() in lowered) or len(rest) < 8:
        raise InvalidInput(
            "Das Passwort darf nicht im Wesentlichen aus Ihrem Namen oder Ihrer E-Mail-Adresse bestehen.",
            field="password",
        )


def create_user(
    fonds: Engine,
    *,
    name: str,
    email: str | None,
    password: str | None = None,
    confirmed: bool = False,
    is_admin: bool = False,
    language: str = DEFAULT_LANGUAGE,
) -> int:
    """Create a person (email may be None for residents the office represents on paper); `language`
    is the one of pages and mails (German when unknown)."""
    if not name.strip():
        raise InvalidInput("Bitte geben Sie einen Namen an.", field="name")
    addr = normalise_email(email) if email else None
    if password is not None:
        check_password_strength(password, email=addr, name=name)
    # hashed before the look-up: a taken address costs the same time as a new one
    password_hash = hash_password(password) if password else None
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        if addr and s.scalar(select(User.id).where(User.email == addr)) is not None:
            raise EmailTaken("Mit dieser E-Mail-Adresse gibt es schon ein Konto.", field="email")
        user = User(
            name=name.strip(),
            email=addr,
            password_hash=password_hash,
            email_confirmed_at=now if confirmed else None,
            active=True,
            is_admin=is_admin,
            notification_prefs={},
            language=known(language) or DEFAULT_LANGUAGE,
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
    fonds: Engine,
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
        span = (valid_from, valid_to)
        grant_role_in(s, actor, now, user_id=user_id, fund_id=fund_id, role=role, group=group, span=span)
        uow.commit()


def grant_role_in(
    s: Session,
    actor: Actor,
    now: datetime,
    *,
    user_id: int,
    fund_id: str,
    role: str,
    group: str | None,
    span: tuple[date | None, date | None] = (None, None),
) -> None:
    """Give (or renew) a role inside the caller's unit of work, audited. The person's row is locked first,
    so two offices giving the same role at once are serialised and the second finds the first's row.

    No permission check and no check of `role` against MEMBERSHIP_ROLES: the caller (`grant_role`,
    `invite_to_role`, or a caller acting as the system) has done both; the caller commits."""
    if s.get(Fund, fund_id) is None:
        raise NotFound(f"Den Fonds „{fund_id}“ gibt es nicht.")
    if s.scalar(select(User.id).where(User.id == user_id).with_for_update()) is None:
        raise NotFound("Diese Person gibt es nicht.")
    row = _membership(s, user_id, fund_id, role)
    if row is None:
        row = Membership(user_id=user_id, fund_id=fund_id, role=role, created_at=now)
        s.add(row)
    authz.forget_roles(s)
    row.group, (row.valid_from, row.valid_to) = group, span
    record(
        s,
        actor=actor,
        role="system" if actor.system else "manager",
        action="grant_role",
        at=now,
        fund_id=fund_id,
        data={"user_id": user_id, "role": role, "group": group},
    )


def _membership(s: Session, user_id: int, fund_id: str, role: str) -> Membership | None:
    return s.scalar(
        select(Membership).where(Membership.user_id == user_id, Membership.fund_id == fund_id, Membership.role == role)
    )


def add_person(
    s: Session,
    actor: Actor,
    now: datetime,
    *,
    name: str,
    email: str | None,
    fund_id: str | None = None,
    paper: bool = False,
) -> int:
    """An account without password for a person the office acts for or invites, inside the caller's unit
    of work (audited as the office's `create_user`); `email` already normalised, or None."""
    user = User(
        name=name.strip()[:200],
        email=email,
        password_hash=None,
        email_confirmed_at=None,
        active=True,
        is_admin=False,
        notification_prefs={},
        language=DEFAULT_LANGUAGE,
        created_at=now,
    )
    s.add(user)
    try:
        s.flush()  # users.email is unique: a second office creating the same address fails here
    except IntegrityError as exc:
        raise ConcurrentChange(
            "Diese Person wurde gerade eben angelegt. Bitte senden Sie das Formular noch einmal ab."
        ) from exc
    data: dict[str, object] = {"user_id": user.id, **({"paper": True} if paper else {})}
    record(s, actor=actor, role="manager", action="create_user", at=now, fund_id=fund_id, data=data)
    return user.id


def invite_to_role(
    fonds: Engine, actor: Actor, *, fund_id: str, email: str, name: str, role: str, group: str | None = None
) -> int:
    """The office gives a role to a person by e-mail address, in one transaction: an existing account
    gets the role; for an unknown address an account without password is created (the person sets it
    with the invitation link). Returns the person's user id."""
    if role not in MEMBERSHIP_ROLES:
        raise InvalidInput("Bitte wählen Sie eine Rolle.", field="role")
    if not email.strip():
        raise InvalidInput("Bitte geben Sie die E-Mail-Adresse der Person an.", field="email")
    addr = normalise_email(email)
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        authz.require_fund_role(s, actor, fund_id, local_date(now), "manager")
        user_id = s.scalar(select(User.id).where(User.email == addr))
        if user_id is None:
            if not name.strip():
                raise InvalidInput("Bitte geben Sie den Namen der neuen Person an.", field="name")
            user_id = add_person(s, actor, now, name=name, email=addr, fund_id=fund_id)
        jury_group = group if role == "jury_member" else None
        grant_role_in(s, actor, now, user_id=user_id, fund_id=fund_id, role=role, group=jury_group)
        uow.commit()
        return int(user_id)


def revoke_role(fonds: Engine, actor: Actor, *, user_id: int, fund_id: str, role: str) -> None:
    """Remove a role; takes effect with the next request (roles are read on every use case)."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        if not actor.system:
            authz.require_fund_role(s, actor, fund_id, local_date(now), "manager")
        row = _membership(s, user_id, fund_id, role)
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


@dataclass(frozen=True)
class RoleHolder:
    """A person's role in a fund, as the office's list of people shows it."""

    user_id: int
    name: str
    email: str | None
    role: str
    group: str | None
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True)
class FundRoles:
    """Everyone holding a role in a fund, and the jury groups its guideline names (id -> label)."""

    holders: list[RoleHolder]
    jury_groups: dict[str, str]


def roles_of_fund(fonds: Engine, actor: Actor, fund_id: str) -> FundRoles:
    """The fund's people and roles by name (one query), for the fund's managers."""
    with fonds.db.read() as s:
        authz.require_fund_role(s, actor, fund_id, local_date(fonds.clock.now()), "manager")
        rows = s.execute(
            select(
                User.id,
                User.name,
                User.email,
                Membership.role,
                Membership.group,
                Membership.valid_from,
                Membership.valid_to,
            )
            .join(User, User.id == Membership.user_id)
            .where(Membership.fund_id == fund_id)
            .order_by(User.name, Membership.role)
        ).all()
        guideline = fonds.catalog.current(s, fund_id)[2]
    return FundRoles(
        [RoleHolder(r.id, r.name, r.email, r.role, r.group, r.valid_from, r.valid_to) for r in rows],
        {g.id: g.label for g in guideline.jury.groups},
    )
