"""Year end (expire or carry over the free money) and retention (anonymise old personal data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from fondsengine import files, ledger
from fondsengine.clock import local_date
from fondsengine.engine import Engine, UnitOfWork
from fondsengine.jobs.base import funds, once
from fondsengine.lifecycle import authz
from fondsengine.model import (
    Application,
    ApplicationMessage,
    ApplicationRevision,
    Attachment,
    BudgetYear,
    Letter,
    OutboxMessage,
    Payment,
    ProofOfUse,
    Receipt,
)

ANONYMISED = "anonymisiert"
PERSONAL_LETTER_KEYS = (
    "applicant_name", "organisation", "address", "iban_masked", "reason", "receipts", "representative",
)  # fmt: skip


def close_year(uow: UnitOfWork, fund_id: str, year: int, carry_over: bool, now: datetime) -> int:
    """Lock the year, book its free money as expiry or carry-over, mark it closed; returns the amount."""
    s = uow.session
    locked = ledger.lock_year(s, fund_id, year)  # the lock, then the totals read under it
    if locked.closed_at is not None:
        return 0
    free = locked.balance.free
    if free > 0 and carry_over:
        if s.scalar(select(BudgetYear.id).where(BudgetYear.fund_id == fund_id, BudgetYear.year == year + 1)) is None:
            s.add(BudgetYear(fund_id=fund_id, year=year + 1, lock_version=0))
            s.flush()
        note = f"Übertrag {year} -> {year + 1}"
        ledger.book(s, fund_id=fund_id, year=year, kind="carry_over", amount_cents=-free, at=now,
                    actor_id=None, note=note)  # fmt: skip
        ledger.book(s, fund_id=fund_id, year=year + 1, kind="carry_over", amount_cents=free, at=now,
                    actor_id=None, note=note)  # fmt: skip
    elif free > 0:
        ledger.book(s, fund_id=fund_id, year=year, kind="expiry", amount_cents=free, at=now,
                    actor_id=None, note=f"Verfall der freien Mittel {year}")  # fmt: skip
    s.execute(
        update(BudgetYear)
        .where(BudgetYear.fund_id == fund_id, BudgetYear.year == year)
        .values(closed_at=now)
        .execution_options(synchronize_session=False)
    )
    return max(free, 0)


def year_end(fonds: Engine, now: datetime) -> int:
    """After 31 December: close each open budget year per the guideline (expiry or carry-over)."""
    today, done = local_date(now), 0
    for fund_id, g in funds(fonds):
        with fonds.db.read() as s:
            years = list(s.scalars(select(BudgetYear.year).where(
                BudgetYear.fund_id == fund_id, BudgetYear.closed_at.is_(None), BudgetYear.year < today.year,
            ).order_by(BudgetYear.year)))  # fmt: skip
        for year in years:
            carry = g.budget.carry_over

            def action(uow: UnitOfWork, y: int = year, c: bool = carry, f: str = fund_id) -> None:
                close_year(uow, f, y, c, now)

            done += once(fonds, "year_end", f"year_end:{fund_id}:{year}", now, action)
    return done


def years_later(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def anonymise(uow: UnitOfWork, app: Application, now: datetime) -> None:
    """Remove personal data of one application; amounts, dates and states stay for statistics."""
    s = uow.session
    app.contact_name, app.contact_email, app.contact_phone = ANONYMISED, None, None
    app.contact_street, app.contact_postcode, app.contact_city = None, None, None
    app.iban, app.account_holder = None, None
    app.representative = None
    app.description, app.goals, app.target_group, app.approval_reason = "", "", "", None
    app.extra, app.anonymised_at = {}, now
    s.execute(update(Payment).where(Payment.application_id == app.id).values(iban=None, account_holder=None))
    s.execute(update(ApplicationRevision).where(ApplicationRevision.application_id == app.id)
              .values(snapshot={"anonymised": True}))  # fmt: skip
    s.execute(update(OutboxMessage).where(OutboxMessage.application_id == app.id)
              .values(recipient_email=None, payload={"anonymised": True}))  # fmt: skip
    s.execute(update(ApplicationMessage).where(ApplicationMessage.application_id == app.id)
              .values(text=ANONYMISED))  # fmt: skip
    for letter in s.scalars(select(Letter).where(Letter.application_id == app.id)):
        data = dict(letter.data)
        data.update({k: None for k in PERSONAL_LETTER_KEYS if k in data})
        letter.data, letter.pdf = data, None  # rendered_at and sha256 stay: proof it existed
    remove_files(uow, app)


def remove_files(uow: UnitOfWork, app: Application) -> int:
    """Delete the application's uploaded files (rows now, bytes once the transaction has committed)."""
    s = uow.session
    rows = list(s.execute(select(Attachment.id, Attachment.stored_name).where(Attachment.application_id == app.id)))
    if not rows:
        return 0
    ids = [r.id for r in rows]
    proofs = select(ProofOfUse.id).where(ProofOfUse.application_id == app.id).scalar_subquery()
    s.execute(update(Receipt).where(Receipt.proof_id.in_(proofs), Receipt.attachment_id.in_(ids))
              .values(attachment_id=None))  # fmt: skip
    s.execute(update(ApplicationMessage).where(ApplicationMessage.application_id == app.id)
              .values(attachment_id=None))  # fmt: skip
    s.execute(delete(Attachment).where(Attachment.id.in_(ids)))
    for r in rows:
        files.remove_after_commit(s, uow.fonds.storage, r.stored_name)
    return len(rows)


def retention(fonds: Engine, now: datetime) -> int:
    """Anonymise applications closed longer than the guideline's retention period."""
    with fonds.db.read() as s:
        candidates = s.execute(select(Application.id, Application.closed_at, Application.guideline_version_id)
                               .where(Application.closed_at.is_not(None), Application.anonymised_at.is_(None))
                               ).all()  # fmt: skip
        due = [
            app_id
            for app_id, closed, gv in candidates
            if closed is not None and years_later(closed, fonds.catalog.guideline(s, gv).retention.years) <= now
        ]
    done = 0
    for app_id in due:

        def action(uow: UnitOfWork, a: int = app_id) -> None:
            app = authz.lock_application(uow.session, a)
            if app is not None and app.anonymised_at is None:
                anonymise(uow, app, now)

        done += once(fonds, "retention", f"retention:{app_id}", now, action)
    return done
