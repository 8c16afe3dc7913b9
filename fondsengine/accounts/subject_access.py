"""DSGVO Art. 15: everything the system holds about the acting person, as plain JSON-ready data.

Only the person's own rows: the account (without password hash, second-factor secret and recovery
hashes), the applications they own with cost plan, publication consents, attachment metadata,
payments, proofs of use with receipts, letters (metadata), and the audit events about them.
Internal notes of the office are left out (Art. 15 Abs. 4 / § 34 BDSG may apply; the office decides).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fondsengine.engine import Actor, Engine
from fondsengine.errors import PermissionDenied
from fondsengine.model import (
    Application,
    Attachment,
    AuditEvent,
    CostItem,
    Letter,
    Payment,
    ProofOfUse,
    PublicationConsent,
    Receipt,
    User,
)

SECRET_COLUMNS = frozenset({"password_hash", "totp_secret", "totp_recovery", "totp_last_step", "session_generation"})
SKIPPED_COLUMNS = frozenset({"pdf", "content", "row_hash", "prev_hash", "chain_seq"})


def _value(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, bytes):
        return None
    return v


def _row(obj: Any, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    return {
        c.key: _value(getattr(obj, c.key))
        for c in obj.__table__.columns
        if c.key not in skip and c.key not in SKIPPED_COLUMNS
    }


def _all(s: Session, model: Any, *where: Any) -> list[dict[str, Any]]:
    return [_row(r) for r in s.scalars(select(model).where(*where).order_by(model.id))]


def personal_data(fonds: Engine, actor: Actor) -> dict[str, Any]:
    """All data about the acting user (Art. 15 DSGVO), as JSON-ready values."""
    if actor.user_id is None:
        raise PermissionDenied("Auskunft gibt es nur für ein Benutzerkonto.")
    with fonds.db.read() as s:
        user = s.get(User, actor.user_id)
        if user is None:
            raise PermissionDenied("Dieses Benutzerkonto gibt es nicht.")
        apps = list(s.scalars(select(Application).where(Application.applicant_id == user.id).order_by(Application.id)))
        ids = [a.id for a in apps]
        proofs = list(s.scalars(select(ProofOfUse).where(ProofOfUse.application_id.in_(ids)).order_by(ProofOfUse.id)))
        applications = []
        for a in apps:
            applications.append(
                {
                    **_row(a),
                    "cost_items": _all(s, CostItem, CostItem.application_id == a.id),
                    "publication_consents": _all(s, PublicationConsent, PublicationConsent.application_id == a.id),
                    "attachments": [
                        {k: v for k, v in d.items() if k != "stored_name"}
                        for d in _all(s, Attachment, Attachment.application_id == a.id)
                    ],
                    "payments": _all(s, Payment, Payment.application_id == a.id),
                    "proofs_of_use": [
                        {**_row(p), "receipts": _all(s, Receipt, Receipt.proof_id == p.id)}
                        for p in proofs
                        if p.application_id == a.id
                    ],
                    "letters": _all(s, Letter, Letter.application_id == a.id),
                }
            )
        events = _all(
            s,
            AuditEvent,
            or_(
                AuditEvent.actor_id == user.id,
                AuditEvent.on_behalf_of_id == user.id,
                AuditEvent.application_id.in_(ids),
            ),
        )
        return {
            "Auskunft nach Art. 15 DSGVO": {
                "erstellt_am": fonds.clock.now().isoformat(),
                "verantwortlich": fonds.settings.legal_operator or None,
            },
            "account": _row(user, SECRET_COLUMNS),
            "applications": applications,
            "audit_events": events,
        }
