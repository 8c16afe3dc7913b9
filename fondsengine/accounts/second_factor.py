"""Second factor: time-based one-time codes (TOTP, RFC 6238, pyotp) and recovery codes.

Set-up stores a fresh secret as pending; the person confirms it with a code from the app, then
gets ten recovery codes (stored as SHA-256 hashes, each usable once). After set-up the secret is
never shown again. A code is accepted for its 30-second step and one step either side, and
each step only once (``totp_last_step``): a copied or replayed code is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
from sqlalchemy import or_, update

from fondsengine.accounts.service import account_by_id
from fondsengine.accounts.users import verify_password
from fondsengine.engine import Actor, Engine
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.lifecycle.audit import record
from fondsengine.model import User

STEP_SECONDS = 30
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace("-", "").replace(" ", "").encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def required_for(roles: frozenset[str], is_admin: bool, required_roles: str) -> bool:
    """True when the configuration (``totp_required_roles``) asks a second factor of these roles."""
    wanted = {r.strip() for r in required_roles.split(",") if r.strip()}
    return bool(wanted & roles) or (is_admin and "admin" in wanted)


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    """The ``otpauth://`` address an authenticator app reads (as text or QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def start_setup(fonds: Engine, actor: Actor) -> str:
    """The pending secret of the actor (a new one unless a set-up is under way)."""
    with fonds.unit_of_work() as uow:
        user = uow.session.get(User, actor.user_id, with_for_update=True)
        if user is None:
            raise NotFound("Dieses Konto gibt es nicht.")
        if user.totp_enabled_at is not None:
            raise InvalidInput("Der zweite Faktor ist schon eingerichtet.")
        if not user.totp_secret:
            user.totp_secret = pyotp.random_base32()
        secret = user.totp_secret
        uow.commit()
        return secret


def _matching_step(secret: str, code: str, now: float) -> int | None:
    value = code.strip().replace(" ", "")
    if not (value.isascii() and value.isdigit() and len(value) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), value):
            return step
    return None


def _take_step(fonds: Engine, user_id: int, step: int, *, enable: bool) -> bool:
    """Record the step as used, atomically; False when it (or a later one) was used already."""
    now = fonds.clock.now()
    values: dict[str, object] = {"totp_last_step": step}
    if enable:
        values["totp_enabled_at"] = now
    with fonds.unit_of_work() as uow:
        done = uow.session.scalar(
            update(User)
            .where(User.id == user_id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(**values)
            .returning(User.id)
        )
        if done is None:
            return False
        record(
            uow.session,
            actor=Actor(user_id),
            role="user",
            action="totp_enabled" if enable else "totp_used",
            at=now,
            data={},
        )
        uow.commit()
        return True


def confirm_setup(fonds: Engine, actor: Actor, code: str) -> list[str]:
    """Switch the second factor on with a code from the app; the recovery codes (shown once)."""
    with fonds.db.read() as s:
        user = s.get(User, actor.user_id)
        if user is None:
            raise NotFound("Dieses Konto gibt es nicht.")
        if user.totp_enabled_at is not None:
            raise InvalidInput("Der zweite Faktor ist schon eingerichtet.")
        secret = user.totp_secret
    step = _matching_step(secret, code, fonds.clock.now().timestamp()) if secret else None
    if step is None or actor.user_id is None or not _take_step(fonds, actor.user_id, step, enable=True):
        raise InvalidInput("Der Code stimmt nicht. Bitte geben Sie den aktuellen Code aus der App ein.", field="code")
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    with fonds.unit_of_work() as uow:
        user = uow.session.get(User, actor.user_id, with_for_update=True)
        assert user is not None
        user.totp_recovery = [_hash_code(c) for c in codes]
        uow.commit()
    return codes


def check_code(fonds: Engine, user_id: int, code: str) -> str | None:
    """Check a login code: "totp" or "recovery" when accepted (each only once), else None."""
    with fonds.db.read() as s:
        user = s.get(User, user_id)
        if user is None or user.totp_enabled_at is None or not user.totp_secret:
            return None
        secret = user.totp_secret
    step = _matching_step(secret, code, fonds.clock.now().timestamp())
    if step is not None:
        return "totp" if _take_step(fonds, user_id, step, enable=False) else None
    wanted = _hash_code(code)
    with fonds.unit_of_work() as uow:
        user = uow.session.get(User, user_id, with_for_update=True)
        left = list(user.totp_recovery or []) if user is not None else []
        if user is None or not any(hmac.compare_digest(wanted, h) for h in left):
            return None
        user.totp_recovery = [h for h in left if h != wanted]
        record(
            uow.session,
            actor=Actor(user_id),
            role="user",
            action="totp_recovery_code_used",
            at=fonds.clock.now(),
            data={"left": len(user.totp_recovery)},
        )
        uow.commit()
        return "recovery"


def remove(fonds: Engine, actor: Actor, *, password: str) -> None:
    """Switch the second factor off (the password is asked again); not when the role requires it."""
    with fonds.db.read() as s:
        user = s.get(User, actor.user_id)
        if user is None:
            raise NotFound("Dieses Konto gibt es nicht.")
        password_hash = user.password_hash
    if not verify_password(password_hash, password):
        raise InvalidInput("Das Passwort stimmt nicht.", field="password")
    account = account_by_id(fonds, actor.user_id) if actor.user_id is not None else None
    if account and required_for(account.roles, account.is_admin, fonds.settings.totp_required_roles):
        raise InvalidInput("Für Ihre Rolle ist der zweite Faktor vorgeschrieben; Sie können ihn nicht entfernen.")
    with fonds.unit_of_work() as uow:
        user = uow.session.get(User, actor.user_id, with_for_update=True)
        assert user is not None
        user.totp_secret = None
        user.totp_enabled_at = None
        user.totp_last_step = None
        user.totp_recovery = None
        record(uow.session, actor=actor, role="user", action="totp_removed", at=fonds.clock.now(), data={})
        uow.commit()
