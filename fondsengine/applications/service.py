"""Use cases of the applicant: drafts, submission, resubmission, withdrawal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from fondsengine import files
from fondsengine.accounts.users import add_person, normalise_email
from fondsengine.applications.messages import check_answer
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine, UnitOfWork
from fondsengine.errors import APPLICATION_CHANGED, ConcurrentChange, InvalidInput, NotFound, PermissionDenied
from fondsengine.guidelines.model import Guideline
from fondsengine.lifecycle import authz
from fondsengine.lifecycle.audit import enqueue, record
from fondsengine.lifecycle.fire import fire, workflow_of
from fondsengine.model import Application, ApplicationRevision, Attachment, CostItem, Fund, User
from fondsengine.workflow.model import Workflow
from fondsengine.workflow.use_cases import RESUBMIT, SUBMIT, WITHDRAW


@dataclass(frozen=True)
class CostItemInput:
    """One cost plan line as entered."""

    category: str
    description: str
    amount_cents: int
    hours: Decimal | None = None
    payee_is_applicant: bool = False
    payee: str | None = None  # who receives the money (fees: checked against the group members)
    vat_cents: int | None = None  # VAT included in the amount, if known (input tax deduction)


@dataclass(frozen=True)
class ApplicationInput:
    """Everything an applicant enters in the form, as plain values."""

    title: str
    applicant_kind: str
    contact_name: str
    requested_cents: int
    cost_items: tuple[CostItemInput, ...] = ()
    organisation: str | None = None
    nonprofit: bool = True
    area_link: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    contact_street: str | None = None
    contact_postcode: str | None = None
    contact_city: str | None = None
    description: str = ""
    goals: str = ""
    target_group: str = ""
    place: str = ""
    street: str | None = None
    postcode: str | None = None
    benefits_area: bool = False
    project_start: date | None = None
    project_end: date | None = None
    participants_expected: int | None = None
    own_funds_cents: int = 0
    volunteer_hours: Decimal = Decimal(0)
    other_funding_cents: int = 0
    prior_consultation_on: date | None = None
    declarations: frozenset[str] = frozenset()
    extra: dict[str, str] = field(default_factory=dict)
    repeat_count: int | None = None  # how often funded before, as declared; None keeps the stored count
    legal_form: str | None = None  # of the organisation, e.g. "e. V."
    representative: str | None = None  # who represents the organisation (Vorstand, Inhaber/in)
    group_members: tuple[str, ...] = ()  # members of the applicant's group (no fees for them)
    input_tax_deductible: bool = False  # entitled to deduct input tax: eligible costs are net
    de_minimis_prior_cents: int | None = None  # earlier de-minimis aid (businesses), None: none declared
    de_minimis_prior_on: date | None = None  # day of the latest earlier de-minimis aid
    continues_file_number: str | None = None  # file number of the earlier funded project this continues


def _validate(data: ApplicationInput) -> None:
    if not data.title.strip():
        raise InvalidInput("Bitte geben Sie einen Projekttitel an.", field="title")
    if len(data.title) > 300:
        raise InvalidInput("Der Projekttitel darf höchstens 300 Zeichen lang sein.", field="title")
    if not data.contact_name.strip():
        raise InvalidInput(
            "Bitte geben Sie den Namen der Antragstellerin / des Antragstellers an.",
            field="contact_name",
        )
    for name in ("requested_cents", "own_funds_cents", "other_funding_cents"):
        if getattr(data, name) < 0:
            raise InvalidInput("Beträge dürfen nicht negativ sein.", field=name)
    if not Decimal(data.volunteer_hours).is_finite():
        raise InvalidInput("Die ehrenamtlichen Stunden sind keine endliche Zahl.", field="volunteer_hours")
    if data.volunteer_hours < 0:
        raise InvalidInput("Die Zahl der ehrenamtlichen Stunden darf nicht negativ sein.", field="volunteer_hours")
    if data.project_start and data.project_end and data.project_start > data.project_end:
        raise InvalidInput("Das Projektende liegt vor dem Projektbeginn.", field="project_end")
    for i, item in enumerate(data.cost_items, start=1):
        if item.amount_cents <= 0:
            raise InvalidInput(f"Kostenposition {i}: Der Betrag muss größer als 0,00 € sein.", field="cost_items")
        if not item.description.strip():
            raise InvalidInput(f"Kostenposition {i}: Bitte beschreiben Sie die Kosten.", field="cost_items")
        if item.hours is not None and not (Decimal(item.hours).is_finite() and item.hours > 0):
            raise InvalidInput(f"Kostenposition {i}: Die Stunden müssen größer als 0 sein.", field="cost_items")
        if item.vat_cents is not None and not 0 <= item.vat_cents < item.amount_cents:
            raise InvalidInput(
                f"Kostenposition {i}: Die Umsatzsteuer muss kleiner als der Betrag sein.", field="cost_items"
            )
    if data.de_minimis_prior_cents is not None and data.de_minimis_prior_cents < 0:
        raise InvalidInput("Frühere De-minimis-Beihilfen dürfen nicht negativ sein.", field="de_minimis_prior_cents")


def validate_input(data: ApplicationInput) -> None:
    """Check an application's values without storing anything (InvalidInput in German)."""
    _validate(data)


def _apply(app: Application, data: ApplicationInput) -> None:
    simple = {k: v for k, v in vars(data).items() if k not in {"cost_items", "declarations", "extra", "group_members"}}
    for key, value in simple.items():
        if key == "repeat_count" and value is None:  # the form does not ask: an edit keeps what is stored
            continue
        setattr(app, key, value)
    app.declarations = sorted(data.declarations)
    app.extra = dict(data.extra)
    app.group_members = [m.strip() for m in data.group_members if m.strip()]
    app.cost_items.clear()
    for pos, item in enumerate(data.cost_items, start=1):
        app.cost_items.append(
            CostItem(
                position=pos,
                category=item.category,
                description=item.description.strip(),
                amount_cents=item.amount_cents,
                hours=item.hours,
                payee_is_applicant=item.payee_is_applicant,
                payee=item.payee.strip() if item.payee and item.payee.strip() else None,
                vat_cents=item.vat_cents,
            )
        )


def _budget_year_for(data: ApplicationInput, today: date) -> int:
    return data.project_start.year if data.project_start else today.year


def create_draft(
    fonds: Engine,
    actor: Actor,
    fund_id: str,
    data: ApplicationInput,
    *,
    on_behalf_of: int | None = None,
    client_token: str | None = None,
) -> int:
    """Create a draft application; the office may enter one on behalf of a resident.

    With a `client_token` (the form's one-time token) a repeated post returns the draft the first
    post created instead of a second one (a unique constraint decides, also across processes)."""
    _validate(data)
    if client_token is not None:
        existing = _draft_for_token(fonds, on_behalf_of or actor.user_id, client_token)
        if existing is not None:
            return existing
    try:
        return _create_draft(fonds, actor, fund_id, data, on_behalf_of, client_token)
    except ConcurrentChange:  # the unit of work reports the unique violation of a concurrent post
        existing = _draft_for_token(fonds, on_behalf_of or actor.user_id, client_token) if client_token else None
        if existing is None:
            raise
        return existing


def _draft_for_token(fonds: Engine, applicant_id: int | None, token: str) -> int | None:
    with fonds.db.read() as s:
        return s.scalar(
            select(Application.id).where(Application.applicant_id == applicant_id, Application.client_token == token)
        )


def _create_draft(
    fonds: Engine,
    actor: Actor,
    fund_id: str,
    data: ApplicationInput,
    on_behalf_of: int | PaperPerson | None,
    client_token: str | None,
) -> int:
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        today = local_date(now)
        fund, gv, guideline = fonds.catalog.current(s, fund_id)
        applicant_id = actor.user_id
        if on_behalf_of is not None:
            authz.require_fund_role(s, actor, fund_id, today, "manager")
            if isinstance(on_behalf_of, PaperPerson):
                on_behalf_of = _person_for(uow, actor, on_behalf_of)
            if s.get(User, on_behalf_of) is None:
                raise NotFound("Diese Person gibt es nicht.")
            applicant_id = on_behalf_of
        if applicant_id is None:
            raise PermissionDenied("Anträge stellen nur angemeldete Personen.")
        app = Application(
            fund_id=fund.id,
            budget_year=_budget_year_for(data, today),
            guideline_version_id=gv.id,
            workflow_version_id=gv.workflow_version_id,
            state=fonds.catalog.workflow(s, gv.workflow_version_id).initial.id,
            applicant_id=applicant_id,
            entered_by_id=actor.user_id if on_behalf_of is not None else None,
            created_at=now,
            updated_at=now,
            row_version=1,
            client_token=client_token,
        )
        _apply(app, data)
        s.add(app)
        s.flush()
        record(
            s,
            actor=actor,
            role="manager" if on_behalf_of is not None else "applicant",
            action="create_draft",
            at=now,
            fund_id=fund.id,
            application_id=app.id,
            to_state=app.state,
            on_behalf_of_id=on_behalf_of,
            guideline_hash=guideline.version_hash,
        )
        uow.commit()
        return app.id


def _editable(uow: UnitOfWork, actor: Actor, application_id: int) -> Application:
    s = uow.session
    today = local_date(uow.fonds.clock.now())
    app, roles = authz.load_visible_application(s, actor, application_id, today)
    if not roles & {"applicant", "manager"}:
        raise NotFound("Diesen Antrag gibt es nicht.")
    if not workflow_of(uow, app).state(app.state).editable:
        raise InvalidInput("Der Antrag kann in diesem Stand nicht mehr bearbeitet werden.")
    return app


def update_draft(
    fonds: Engine,
    actor: Actor,
    application_id: int,
    data: ApplicationInput,
    *,
    expected_version: int | None = None,
) -> None:
    """Save the form (draft, or changes requested by the office)."""
    _validate(data)
    with fonds.unit_of_work() as uow:
        app = _editable(uow, actor, application_id)
        if expected_version is not None and app.row_version != expected_version:
            raise ConcurrentChange(APPLICATION_CHANGED)
        now = fonds.clock.now()
        _apply(app, data)
        if workflow_of(uow, app).state(app.state).initial:
            app.budget_year = _budget_year_for(data, local_date(now))
        app.updated_at = now
        app.row_version += 1
        record(
            uow.session,
            actor=actor,
            role="applicant" if actor.user_id == app.applicant_id else "manager",
            action="save",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
        )
        uow.commit()


CORRECTABLE_WHILE = ("review", "decision", "jury")  # states waiting for these: before the decision


def correctable(workflow: Workflow, state_id: str) -> bool:
    """The office may still correct an application in this state (submitted, before the decision)."""
    return bool(set(workflow.state(state_id).waiting_for) & set(CORRECTABLE_WHILE))


def _changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def correct_application(
    fonds: Engine,
    actor: Actor,
    application_id: int,
    data: ApplicationInput,
    *,
    reason: str,
) -> list[str]:
    """The office corrects a submitted application before the decision (e.g. a field missing on a
    paper form). The correction is a new revision (the diff against the previous one shows on the
    office page), audited with the changed fields and the reason, and the applicant is told by mail.
    Returns the changed fields."""
    if not reason.strip():
        raise InvalidInput(
            "Bitte begründen Sie die Korrektur (die Antragstellerin / der Antragsteller liest sie).", field="reason"
        )
    _validate(data)
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        if "manager" not in roles:
            raise PermissionDenied("Anträge korrigiert nur die Geschäftsführung.")
        workflow = fonds.catalog.workflow(s, app.workflow_version_id)
        if not correctable(workflow, app.state):
            raise InvalidInput("Nach der Entscheidung kann der Antrag nicht mehr korrigiert werden.")
        before = _snapshot(app)
        _apply(app, data)
        s.flush()
        s.refresh(app)  # the values as stored (decimals, dates), so only real changes count
        after = _snapshot(app)
        changed = _changed_fields(before, after)
        if not changed:
            raise InvalidInput("Es wurde nichts geändert.")
        has_revision = s.scalar(select(ApplicationRevision.id).where(ApplicationRevision.application_id == app.id))
        if has_revision is None:  # keep what was submitted, so the diff has a base
            s.add(ApplicationRevision(application_id=app.id, number=1, snapshot=before, created_at=now))
            s.flush()
        _store_revision(uow, app)
        app.updated_at = now
        app.row_version += 1
        record(
            s,
            actor=actor,
            role="manager",
            action="office_correction",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            reason=reason.strip(),
            data={"fields": changed},
        )
        enqueue(
            s,
            dedup_key=f"corrected:{app.id}:{app.row_version}",
            topic="application_corrected",
            at=now,
            payload={
                "title": app.title,
                "reference": app.file_number or "",
                "reason": reason.strip(),
                "fields": changed,
            },
            recipient_id=app.applicant_id,
            recipient_email=app.contact_email,
            application_id=app.id,
        )
        uow.commit()
        return changed


def _file_prefix(fund_id: str) -> str:
    parts = [p for p in fund_id.split("-") if p]
    return "".join(p[0] for p in parts).upper() or "A"


def _snapshot(app: Application) -> dict[str, Any]:
    cols = {c.key: getattr(app, c.key) for c in Application.__table__.columns}
    out: dict[str, Any] = {}
    for key, value in cols.items():
        if key in {"id", "state", "row_version", "updated_at", "created_at", "submitted_at"}:
            continue
        out[key] = (
            value.isoformat() if hasattr(value, "isoformat") else (str(value) if isinstance(value, Decimal) else value)
        )
    out["cost_items"] = [
        {
            "category": c.category,
            "description": c.description,
            "amount_cents": c.amount_cents,
            "hours": str(c.hours) if c.hours is not None else None,
            "payee": c.payee,
            "vat_cents": c.vat_cents,
        }
        for c in app.cost_items
    ]
    return out


def _store_revision(uow: UnitOfWork, app: Application) -> None:
    s = uow.session
    number = (
        s.scalar(select(func.max(ApplicationRevision.number)).where(ApplicationRevision.application_id == app.id)) or 0
    ) + 1
    s.add(
        ApplicationRevision(
            application_id=app.id,
            number=number,
            snapshot=_snapshot(app),
            created_at=uow.fonds.clock.now(),
        )
    )


def require_postal_address(app: Application, guideline: Guideline) -> None:
    """A guideline whose decisions go out as letters needs the applicant's postal address."""
    issuance = guideline.issuance
    if issuance is None or not issuance.address_required:
        return
    for name, label in (
        ("contact_street", "Straße und Hausnummer"),
        ("contact_postcode", "Postleitzahl"),
        ("contact_city", "Ort"),
    ):
        if not (getattr(app, name) or "").strip():
            raise InvalidInput(
                f"Bitte geben Sie die Postanschrift der Antragstellerin / des Antragstellers an "
                f"({label} fehlt): Der Bescheid wird an diese Anschrift gerichtet.",
                field=name,
            )


def submit(fonds: Engine, actor: Actor, application_id: int) -> str:
    """Submit a draft: binds it to the guideline and workflow version in force now; returns the file number."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, _roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        # file numbers are max + 1 per fund and year: the fund's row lock serialises concurrent submissions
        # (the row, read with the lock, is the one the catalog asks for below: no second read)
        if app.file_number is None:
            locked = s.scalar(
                select(Fund).where(Fund.id == app.fund_id).with_for_update().execution_options(populate_existing=True)
            )
            if locked is None:
                raise NotFound(f"Den Fonds „{app.fund_id}“ gibt es nicht.")
        if workflow_of(uow, app).state(app.state).initial:
            _fund, gv, _g = fonds.catalog.current(s, app.fund_id)  # the locked row when just locked
            app.guideline_version_id = gv.id
            app.workflow_version_id = gv.workflow_version_id
            require_postal_address(app, _g)
        if app.file_number is None:
            prefix = f"{_file_prefix(app.fund_id)}-{app.budget_year}-"
            last = s.scalar(select(func.max(Application.file_number)).where(Application.file_number.like(prefix + "%")))
            seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
            app.file_number = f"{prefix}{seq:04d}"
        app.submitted_at = now
        s.flush()
        fire(uow, actor, app, SUBMIT, now=now)
        _store_revision(uow, app)
        uow.commit()
        return app.file_number


def resubmit(fonds: Engine, actor: Actor, application_id: int, answer: str | None = None) -> None:
    """Submit again after the office asked for changes (the previous version is kept); the optional
    answer to the request is the step's reason and shows among the application's messages."""
    text = check_answer(answer)
    with fonds.unit_of_work() as uow:
        app, _ = authz.load_visible_application(uow.session, actor, application_id, local_date(fonds.clock.now()))
        fire(uow, actor, app, RESUBMIT, reason=text)
        _store_revision(uow, app)
        uow.commit()


def withdraw(fonds: Engine, actor: Actor, application_id: int, reason: str | None = None) -> None:
    """Withdraw an application before it is approved."""
    with fonds.unit_of_work() as uow:
        app, _ = authz.load_visible_application(uow.session, actor, application_id, local_date(fonds.clock.now()))
        fire(uow, actor, app, WITHDRAW, reason=reason)
        uow.commit()


DELETED_DRAFT = "Entwurf gelöscht"


def delete_draft(fonds: Engine, actor: Actor, application_id: int) -> None:
    """The applicant throws away a draft that was never submitted: its files are deleted (after commit),
    the draft is closed by the workflow's withdrawal and no longer listed (the audit trail keeps the row)."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        app = _editable(uow, actor, application_id)
        if not workflow_of(uow, app).state(app.state).initial or app.file_number is not None:
            raise InvalidInput("Nur ein Entwurf, der noch nie eingereicht wurde, kann gelöscht werden.")
        for row in s.scalars(select(Attachment).where(Attachment.application_id == app.id)):
            files.remove_after_commit(s, fonds.storage, row.stored_name)
            s.delete(row)
        s.flush()
        fire(uow, actor, app, WITHDRAW, reason=DELETED_DRAFT)
        uow.commit()


def confirm_consultation(fonds: Engine, actor: Actor, application_id: int, on: date) -> None:
    """The office confirms the prior consultation took place."""
    with fonds.unit_of_work() as uow:
        s = uow.session
        now = fonds.clock.now()
        app, roles = authz.load_visible_application(s, actor, application_id, local_date(now))
        if "manager" not in roles:
            raise PermissionDenied("Nur die Geschäftsführung kann die Beratung bestätigen.")
        app.prior_consultation_on = on
        app.consultation_confirmed_by_id = actor.user_id
        app.updated_at = now
        record(
            s,
            actor=actor,
            role="manager",
            action="confirm_consultation",
            at=now,
            fund_id=app.fund_id,
            application_id=app.id,
            data={"on": on.isoformat()},
        )
        uow.commit()


@dataclass(frozen=True)
class PaperPerson:
    """The person a paper application is for, as the office typed it (e-mail optional)."""

    name: str
    email: str | None = None


def enter_paper_application(
    fonds: Engine,
    actor: Actor,
    fund_id: str,
    data: ApplicationInput,
    person: PaperPerson,
    *,
    client_token: str | None = None,
) -> int:
    """The office enters an application received on paper: the person (the account with that
    e-mail address, else a new one without login) and the draft in ONE unit of work, so a refused
    application leaves no person behind. A repeated post with the same form token returns the
    draft the first one created."""
    _validate(data)
    if client_token is not None and actor.user_id is not None:
        with fonds.db.read() as s:
            existing = s.scalar(
                select(Application.id).where(
                    Application.entered_by_id == actor.user_id, Application.client_token == client_token
                )
            )
        if existing is not None:
            return int(existing)
    return _create_draft(fonds, actor, fund_id, data, person, client_token)


def _person_for(uow: UnitOfWork, actor: Actor, person: PaperPerson) -> int:
    s = uow.session
    addr = normalise_email(person.email) if person.email and person.email.strip() else None
    if addr is not None:
        existing = s.scalar(select(User.id).where(User.email == addr))
        if existing is not None:
            return int(existing)
    if not person.name.strip():
        raise InvalidInput(
            "Bitte geben Sie den Namen der Person an, für die Sie den Antrag erfassen.", field="person_name"
        )
    return add_person(s, actor, uow.fonds.clock.now(), name=person.name, email=addr, paper=True)
