"""Account use cases: look-up, e-mail confirmation, password reset."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine.accounts import throttle
from fondsengine.accounts.users import check_password_strength, hash_password, normalise_email, verify_password
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.lifecycle.audit import record
from fondsengine.model import Membership, User


@dataclass(frozen=True)
class Account:
    """What the web layer needs to know about a person."""

    id: int
    name: str
    email: str | None
    password_hash: str | None
    confirmed: bool
    active: bool
    roles: frozenset[str]
    is_admin: bool = False
    session_generation: int = 0
    totp_enabled: bool = False
    language: str = "de"  # of pages and mails (fondsengine.i18n)


def _account(s: Session, user: User, roles: frozenset[str] | None = None) -> Account:
    if roles is None:
        roles = frozenset(s.scalars(select(Membership.role).where(Membership.user_id == user.id)).all())
    return Account(
        user.id,
        user.name,
        user.email,
        user.password_hash,
        user.email_confirmed_at is not None,
        user.active,
        roles,
        user.is_admin,
        user.session_generation,
        user.totp_enabled_at is not None,
        user.language,
    )


def account_by_id(fonds: Engine, user_id: int) -> Account | None:
    """The account of a user id, or None (one statement: the user with their roles; every request's login)."""
    with fonds.db.read() as s:
        rows = s.execute(
            select(User, Membership.role).outerjoin(Membership, Membership.user_id == User.id).where(User.id == user_id)
        ).all()
        if not rows:
            return None
        return _account(s, rows[0][0], frozenset(r[1] for r in rows if r[1] is not None))


def account_by_email(fonds: Engine, email: str) -> Account | None:
    """The account of an e-mail address, or None (also for malformed addresses)."""
    try:
        addr = normalise_email(email)
    except InvalidInput:
        return None
    with fonds.db.read() as s:
        user = s.scalar(select(User).where(User.email == addr))
        return _account(s, user) if user is not None else None


def confirm_email(fonds: Engine, user_id: int) -> None:
    """Mark the e-mail address of a user as confirmed (idempotent)."""
    with fonds.unit_of_work() as uow:
        user = uow.session.get(User, user_id)
        if user is None:
            raise NotFound("Dieses Konto gibt es nicht.")
        if user.email_confirmed_at is None:
            now = fonds.clock.now()
            user.email_confirmed_at = now
            record(
                uow.session,
                actor=Actor(user_id),
                role="applicant",
                action="confirm_email",
                at=now,
                data={"user_id": user_id},
            )
        uow.commit()


def set_password(fonds: Engine, user_id: int, password: str) -> int:
    """Set a new password (after a valid reset link); this also confirms the address.

    Every session of the account ends (the session generation goes up) and a lock-out of the
    login name is lifted: whoever reads the mailbox may log in again. Returns the new generation.
    """
    with fonds.db.read() as s:
        found = s.get(User, user_id)
        if found is None:
            raise NotFound("Dieses Konto gibt es nicht.")
        email, name = found.email, found.name
    check_password_strength(password, email=email, name=name)
    new_hash = hash_password(password)
    with fonds.unit_of_work() as uow:
        user = uow.session.get(User, user_id, with_for_update=True)
        if user is None:
            raise NotFound("Dieses Konto gibt es nicht.")
        now = fonds.clock.now()
        user.password_hash = new_hash
        user.email_confirmed_at = user.email_confirmed_at or now
        user.session_generation += 1
        generation = user.session_generation
        record(
            uow.session,
            actor=Actor(user_id),
            role="applicant",
            action="reset_password",
            at=now,
            data={"user_id": user_id},
        )
        uow.commit()
    if email:
        throttle.clear(fonds.db.engine, throttle.subject_key("login-fail", email))
        throttle.clear(fonds.db.engine, throttle.subject_key("login-lock", email))
    return generation


def change_email(fonds: Engine, actor: Actor, new_email: str) -> tuple[str | None, int]:
    """Give the actor's account a new (confirmed) address; every other session ends.

    Called once the link sent to the new address was opened. Returns (old address, new session
    generation) so that the old address can be told and the session in use kept.
    """
    addr = normalise_email(new_email)
    with fonds.unit_of_work() as uow:
        s = uow.session
        user = s.get(User, actor.user_id, with_for_update=True)
        if user is None:
            raise NotFound("Dieses Konto gibt es nicht.")
        old = user.email
        if addr != old:
            if s.scalar(select(User.id).where(User.email == addr)) is not None:
                raise InvalidInput("Diese E-Mail-Adresse gehört schon zu einem anderen Konto.", field="email")
            now = fonds.clock.now()
            user.email = addr
            user.email_confirmed_at = now
            user.session_generation += 1
            record(s, actor=actor, role="user", action="change_email", at=now, data={"user_id": user.id})
        generation = user.session_generation
        uow.commit()
        return old, generation


def check_email_change(fonds: Engine, actor: Actor, *, new_email: str, password: str) -> str | None:
    """Check a request for a new address (password asked again): the normalised address to send the
    confirmation link to, or None when another account has it (the answer looks the same)."""
    addr = normalise_email(new_email)
    with fonds.db.read() as s:
        user = s.get(User, actor.user_id)
        if user is None:
            raise NotFound("Dieses Konto gibt es nicht.")
        password_hash, old = user.password_hash, user.email
        taken = s.scalar(select(User.id).where(User.email == addr, User.id != user.id)) is not None
    if not verify_password(password_hash, password):
        raise InvalidInput("Das Passwort stimmt nicht.", field="email_password")
    if addr == old:
        raise InvalidInput("Das ist schon Ihre E-Mail-Adresse.", field="new_email")
    return None if taken else addr
