"""Logging in and out: password check, lock-out, session generation, password change, login events.

The lock-out counts failed logins per login name (the normalised address, whether an account
has it or not, so the answers do not reveal which addresses exist). After
``login_max_failures`` failures within ``login_failure_window_minutes`` the name is locked for
``login_lock_minutes``; during the lock even the right password is refused. Counters live in the
database (``throttle_counters``) and hold across every worker process.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import update

from fondsengine.accounts import throttle
from fondsengine.accounts.service import Account, account_by_email, account_by_id
from fondsengine.accounts.users import check_password_strength, hash_password, verify_password
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.lifecycle.audit import record
from fondsengine.model import User

Outcome = Literal["ok", "second_factor", "refused", "locked", "unconfirmed"]


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt came to; ``account`` only when the password was right."""

    outcome: Outcome
    account: Account | None = None
    wait_minutes: int = 0  # for "locked"
    locked_now: Account | None = None  # this attempt started a lock-out of that account: mail its owner


def _keys(email: str) -> tuple[str, str]:
    return throttle.subject_key("login-fail", email), throttle.subject_key("login-lock", email)


def _event(fonds: Engine, user_id: int | None, action: str, data: dict[str, object]) -> None:
    with fonds.unit_of_work() as uow:
        record(
            uow.session,
            actor=Actor(user_id) if user_id is not None else Actor.scheduler(),
            role="user" if user_id is not None else "anonymous",
            action=action,
            at=fonds.clock.now(),
            data=dict(data),
        )
        uow.commit()


def lock_remaining(fonds: Engine, email: str) -> int:
    """Minutes (rounded up) until a lock-out of the login name ends; 0 when it is not locked."""
    lock = throttle.get(fonds.db.engine, _keys(email)[1], fonds.clock.now().timestamp())
    if lock is None:
        return 0
    return max(1, math.ceil((lock.expires_at - fonds.clock.now().timestamp()) / 60))


def authenticate(fonds: Engine, email: str, password: str, *, client: str) -> LoginResult:
    """Check a login; count a failure, lock the name after too many, record the event."""
    now = fonds.clock.now().timestamp()
    account = account_by_email(fonds, email)
    # the hash is always checked (a dummy one without an account): same time for every answer
    ok = verify_password(account.password_hash if account else None, password)
    who = account.id if account else None
    wait = lock_remaining(fonds, email)
    if wait:
        _event(fonds, who, "login_refused_locked", {"client": client})
        return LoginResult("locked", wait_minutes=wait)
    if not (account and ok and account.active):
        return _failed(fonds, account, email, client=client, now=now)
    if not account.confirmed:
        return LoginResult("unconfirmed", account=account)
    if account.totp_enabled:  # the failures are forgotten only once the code is right, too
        return LoginResult("second_factor", account=account)
    record_login(fonds, account.id, client=client, method="password")
    return LoginResult("ok", account=account)


def _failed(
    fonds: Engine, account: Account | None, email: str, *, client: str, now: float, action: str = "login_failed"
) -> LoginResult:
    """Count a failed login and lock the name when it was one too many (one transaction)."""
    settings = fonds.settings
    fail_key, lock_key = _keys(email)
    who = account.id if account else None
    actor = Actor(who) if who is not None else Actor.scheduler()
    role = "user" if who is not None else "anonymous"
    at = fonds.clock.now()
    with fonds.unit_of_work() as uow:
        conn = uow.session.connection()
        failures = throttle.hit_on(conn, fail_key, settings.login_failure_window_minutes * 60, now)
        data: dict[str, object] = {"client": client, "failures": failures.count, "login": fail_key[-12:]}
        record(uow.session, actor=actor, role=role, action=action, at=at, data=data)
        locked = failures.count >= settings.login_max_failures
        if locked:
            throttle.hit_on(conn, lock_key, settings.login_lock_minutes * 60, now)
            throttle.clear_on(conn, fail_key)
            data = {"client": client, "minutes": settings.login_lock_minutes, "login": fail_key[-12:]}
            record(uow.session, actor=actor, role=role, action="login_locked", at=at, data=data)
        uow.commit()
    if not locked:
        return LoginResult("refused")
    return LoginResult("locked", wait_minutes=settings.login_lock_minutes, locked_now=account)


def record_login(fonds: Engine, user_id: int, *, client: str, method: str) -> None:
    """Record a successful login (after the password, or after password and second factor).

    The failed attempts of the login name are forgotten.
    """
    account = account_by_id(fonds, user_id)
    if account is not None and account.email:
        throttle.clear(fonds.db.engine, _keys(account.email)[0])
    _event(fonds, user_id, "login", {"client": client, "method": method})


def code_failed(fonds: Engine, account: Account | None, email: str, *, client: str) -> LoginResult:
    """A wrong second-factor code: recorded, and counted like a wrong password (lock-out)."""
    return _failed(fonds, account, email, client=client, now=fonds.clock.now().timestamp(), action="login_code_failed")


def end_sessions(fonds: Engine, actor: Actor, *, action: str = "logout", client: str = "") -> int:
    """End every session of the actor's account (logout everywhere); the new session generation."""
    if actor.user_id is None:
        raise NotFound("Dieses Konto gibt es nicht.")
    with fonds.unit_of_work() as uow:
        generation = uow.session.scalar(
            update(User)
            .where(User.id == actor.user_id)
            .values(session_generation=User.session_generation + 1)
            .returning(User.session_generation)
        )
        if generation is None:
            raise NotFound("Dieses Konto gibt es nicht.")
        record(
            uow.session,
            actor=actor,
            role="user",
            action=action,
            at=fonds.clock.now(),
            data={"client": client},
        )
        uow.commit()
        return int(generation)


def change_password(fonds: Engine, actor: Actor, *, current: str, new: str, client: str = "") -> int:
    """Change the password of a logged-in person (the current one is asked again).

    Every other session ends; returns the new session generation for the session in use.
    """
    account = account_by_id(fonds, actor.user_id) if actor.user_id is not None else None
    if account is None:
        raise NotFound("Dieses Konto gibt es nicht.")
    if not verify_password(account.password_hash, current):
        raise InvalidInput("Das bisherige Passwort stimmt nicht.", field="current")
    if current == new:
        raise InvalidInput("Das neue Passwort muss sich vom bisherigen unterscheiden.", field="password")
    check_password_strength(new, email=account.email, name=account.name)
    new_hash = hash_password(new)
    with fonds.unit_of_work() as uow:
        user = uow.session.get(User, account.id, with_for_update=True)
        if user is None:
            raise NotFound("Dieses Konto gibt es nicht.")
        user.password_hash = new_hash
        user.session_generation += 1
        record(
            uow.session,
            actor=actor,
            role="user",
            action="change_password",
            at=fonds.clock.now(),
            data={"client": client},
        )
        uow.commit()
        return user.session_generation


def account_mail_allowed(fonds: Engine, kind: str, address: str) -> bool:
    """Count one account mail (reset, confirmation, notice) to an address; False over the limit."""
    return throttle.allow(
        fonds.db.engine,
        throttle.subject_key(f"mail-{kind}", address),
        fonds.settings.account_mails_per_hour,
        3600,
        fonds.clock.now().timestamp(),
    )
