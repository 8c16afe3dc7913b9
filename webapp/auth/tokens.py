"""Signed, timed tokens for the confirmation and password reset links (itsdangerous)."""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM_HOURS = 48
RESET_HOURS = 2
INVITE_HOURS = 7 * 24
EMAIL_CHANGE_HOURS = 24


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def confirm_token(user_id: int) -> str:
    """Token for the e-mail confirmation link."""
    return _serializer("confirm-email").dumps({"u": user_id})


def read_confirm_token(token: str) -> int | None:
    """The user id of a valid confirmation token, else None."""
    try:
        data = _serializer("confirm-email").loads(token, max_age=CONFIRM_HOURS * 3600)
    except (BadSignature, SignatureExpired):
        return None
    return int(data["u"])


def reset_token(user_id: int, password_hash: str | None) -> str:
    """Token for the reset link; it stops working once the password changed (single use)."""
    return _serializer("reset-password").dumps({"u": user_id, "h": _fingerprint(password_hash)})


def invite_token(user_id: int, password_hash: str | None) -> str:
    """Token for an invitation's set-password link (a week; single use like a reset token)."""
    return _serializer("invite").dumps({"u": user_id, "h": _fingerprint(password_hash)})


def read_reset_token(token: str) -> tuple[int, str] | None:
    """(user id, password fingerprint) of a valid reset or invitation token, else None."""
    for salt, hours in (("reset-password", RESET_HOURS), ("invite", INVITE_HOURS)):
        try:
            data = _serializer(salt).loads(token, max_age=hours * 3600)
        except (BadSignature, SignatureExpired):
            continue
        return int(data["u"]), str(data["h"])
    return None


def fingerprint_matches(password_hash: str | None, fingerprint: str) -> bool:
    """True while the password is still the one the token was issued for."""
    return _fingerprint(password_hash) == fingerprint


def email_change_token(user_id: int, new_email: str, password_hash: str | None) -> str:
    """Token for the link that confirms a new address (it dies when the password changes)."""
    return _serializer("change-email").dumps({"u": user_id, "e": new_email, "h": _fingerprint(password_hash)})


def read_email_change_token(token: str) -> tuple[int, str, str] | None:
    """(user id, new address, password fingerprint) of a valid address-change token, else None."""
    try:
        data = _serializer("change-email").loads(token, max_age=EMAIL_CHANGE_HOURS * 3600)
    except (BadSignature, SignatureExpired):
        return None
    return int(data["u"]), str(data["e"]), str(data["h"])
