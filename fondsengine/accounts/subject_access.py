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


def _shown(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def render_personal_data(data: dict[str, Any]) -> bytes:
    """The Art. 15 information as a readable PDF: the same content as the JSON, one table per record."""
    from reportlab.lib.units import mm

    from fondsengine.letters.pages import build_report, report_text_width
    from fondsengine.letters.styles import TITLE, data_table, heading, para

    width = report_text_width()

    def record_table(row: dict[str, Any]) -> Any:
        cells = [[key, _shown(value)] for key, value in row.items() if not isinstance(value, list) or not value
                 or not isinstance(value[0], dict)]  # fmt: skip
        return data_table(["Feld", "Inhalt"], cells, [55 * mm, width - 55 * mm], wrap={0, 1})

    meta = data["Auskunft nach Art. 15 DSGVO"]
    responsible = f" · Verantwortlich: {meta['verantwortlich']}" if meta.get("verantwortlich") else ""
    story: list[Any] = [
        para("Auskunft über Ihre gespeicherten Daten (Art. 15 DSGVO)", TITLE),
        para(f"Erstellt am {meta['erstellt_am']}{responsible}"),
        para("Die Feldnamen sind die der Datenbank; dieselben Daten erhalten Sie maschinenlesbar als JSON-Datei. "
             "Interne Notizen der Geschäftsführung sind nicht enthalten (§ 34 BDSG)."),
        heading("Ihr Benutzerkonto"),
        record_table(data["account"]),
    ]
    for app in data["applications"]:
        title = app.get("file_number") or "Entwurf"
        story += [heading(f"Antrag {title}: {app.get('title', '')}"), record_table(app)]
        for key, label in (("cost_items", "Kostenplan"), ("publication_consents", "Einwilligungen zur "
                           "Veröffentlichung"), ("attachments", "Anhänge"), ("payments", "Auszahlungen"),
                           ("letters", "Schreiben")):  # fmt: skip
            for i, row in enumerate(app.get(key) or [], start=1):
                story += [para(f"{label} {i}"), record_table(row)]
        for i, proof in enumerate(app.get("proofs_of_use") or [], start=1):
            story += [para(f"Verwendungsnachweis {i}"), record_table(proof)]
            for j, receipt in enumerate(proof.get("receipts") or [], start=1):
                story += [para(f"Beleg {j}"), record_table(receipt)]
    story.append(heading(f"Protokolleinträge über Sie ({len(data['audit_events'])})"))
    rows = [[_shown(e.get("at")), _shown(e.get("action")), _shown(e.get("application_id"))]
            for e in data["audit_events"]]  # fmt: skip
    if rows:
        story.append(data_table(["Zeitpunkt", "Vorgang", "Antrag"], rows, [55 * mm, width - 85 * mm, 30 * mm]))
    return build_report("Auskunft nach Art. 15 DSGVO", "Auskunft über gespeicherte Daten", story)
