"""Turn an outbox row (topic + payload) back into the mail it stands for, in the recipient's language.

Payloads hold plain JSON values only; links are built from ``Settings.base_url`` at send
time, so a changed host name never leaves stale links in queued mails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fondsengine.i18n import gettext as _
from fondsengine.i18n import mail_language
from fondsengine.letters.registry import LETTER_KINDS, letter_kind
from fondsengine.notify import links, messages
from fondsengine.notify.compose import Block, Facts, Link, Para, compose, quoted
from fondsengine.notify.links import WebPage
from fondsengine.notify.messages_money import refund_overdue
from fondsengine.notify.port import Attachment, Message
from fondsengine.workflow.messages import workflow_text


@dataclass(frozen=True)
class MailContext:
    """What a mail needs besides its payload: links, sender name, state label, letter PDF."""

    base_url: str
    office: str
    fund_name: str
    application_id: int | None = None
    state_label: str | None = None
    letter: Attachment | None = None

    def url(self, page: WebPage, id: int | None = None, *, anchor: str = "") -> str:
        """An absolute link to a page of the web app (fondsengine/notify/links.py)."""
        return page.url(self.base_url, id, anchor=anchor)

    def link(self, path: str) -> str:
        """An absolute link from a path written into a payload (the digest's items: `WebPage.path_for`)."""
        return self.base_url.rstrip("/") + path


def _n(message: str) -> str:
    """Mark a German msgid for the catalogue; it is translated when the mail is built."""
    return message


def _s(payload: dict[str, Any], key: str, default: str = "") -> str:
    value = payload.get(key)
    return default if value is None else str(value)


def _cents(payload: dict[str, Any], key: str) -> int | None:
    """An amount of the payload; None when missing (an approval mail then refuses to be built, never 0,00 €)."""
    value = payload.get(key)
    return None if value is None else int(value)


def _day_or_none(payload: dict[str, Any], key: str) -> date | None:
    value = payload.get(key)
    return date.fromisoformat(str(value)) if value else None


def _letter_mail(to: str, payload: dict[str, Any], ctx: MailContext, name: str | None) -> Message:
    kind, title = _s(payload, "kind"), _s(payload, "title")
    status_url = ctx.url(links.APPLICATION, ctx.application_id)
    spec = letter_kind(kind) if kind in LETTER_KINDS else None
    if spec is not None and spec.mail_subject is None:  # a decision: the mail says approved or rejected
        return messages.decision(
            to, name=name, title=title, reference=_s(payload, "file_number"),
            fund_name=ctx.fund_name, approved=spec.approves,
            granted_cents=_cents(payload, "approved_cents"), letter=ctx.letter,
            status_url=status_url, office=ctx.office, proof_due_on=_day_or_none(payload, "proof_due_on"),
        )  # fmt: skip
    # the subject of the kind's registration (fondsengine/letters/kinds_*.py)
    subject = _((spec.mail_subject if spec is not None else None) or _n("Ein Schreiben zu Ihrem Antrag %(title)s"))
    blocks: list[Block] = [
        Para(_("zu Ihrem Antrag %(title)s haben wir Ihnen ein Schreiben erstellt.") % {"title": quoted(title)}),
        Facts(((_("Aktenzeichen"), _s(payload, "file_number", "–")),)),
        Para(_("Sie finden es im Anhang dieser Nachricht und jederzeit bei Ihrem Antrag.")),
        *messages.letter_note(),
        Link(_("Antrag ansehen"), status_url),
    ]
    attachments = (ctx.letter,) if ctx.letter is not None else ()
    return compose(to, subject % {"title": quoted(title)}, name, blocks, ctx.office, attachments=attachments)


def _status_mail(to: str, payload: dict[str, Any], ctx: MailContext, name: str | None) -> Message:
    title = _s(payload, "title")
    blocks: list[Block] = [
        Para(
            _("Ihr Antrag %(title)s hat einen neuen Stand: %(state)s.")
            % {"title": quoted(title), "state": workflow_text(ctx.state_label) or "–"}
        ),
        *([Para(_("Begründung: %(reason)s") % {"reason": payload["reason"]})] if payload.get("reason") else []),
        Link(_("Antrag ansehen"), ctx.url(links.APPLICATION, ctx.application_id)),
    ]
    return compose(to, _("Neuer Stand Ihres Antrags %(title)s") % {"title": quoted(title)}, name, blocks, ctx.office)


def _office_mail(to: str, payload: dict[str, Any], ctx: MailContext, name: str | None) -> Message:
    title, ref = _s(payload, "title"), _s(payload, "file_number", "ohne Aktenzeichen")
    blocks: list[Block] = [
        Para(f"der Antrag {quoted(title)} ({ref}) braucht Ihre Aufmerksamkeit."),
        Facts((("Stand", ctx.state_label or _s(payload, "state")),)),
        Link("Antrag bearbeiten", ctx.url(links.OFFICE_APPLICATION, ctx.application_id)),
    ]
    return compose(to, f"Zu bearbeiten: {quoted(title)} ({ref})", name, blocks, ctx.office)


def _message_mail(to: str, payload: dict[str, Any], ctx: MailContext, name: str | None) -> Message:
    """A new message on an application: to the applicant when the office wrote, else to the office."""
    title, ref = _s(payload, "title"), _s(payload, "file_number", "ohne Aktenzeichen")
    if payload.get("from_office"):
        text = _("die Geschäftsführung hat Ihnen zu Ihrem Antrag %(title)s geschrieben.") % {"title": quoted(title)}
        page = links.APPLICATION
    else:
        text, page = f"zum Antrag {quoted(title)} ({ref}) ist eine Nachricht eingegangen.", links.OFFICE_APPLICATION
    blocks: list[Block] = [
        Para(text),
        Para(_("Aus Datenschutzgründen steht die Nachricht nicht in dieser E-Mail; Sie lesen sie beim Antrag.")),
        Link(_("Nachricht lesen"), ctx.url(page, ctx.application_id, anchor="nachrichten")),
    ]
    return compose(to, _("Neue Nachricht zum Antrag %(title)s") % {"title": quoted(title)}, name, blocks, ctx.office)


def _erasure_requested(to: str, p: dict[str, Any], ctx: MailContext, name: str | None) -> Message:
    """To the office: a person asked to have their data erased (Art. 17 DSGVO)."""
    blocks: list[Block] = [
        Para("eine Person hat die Löschung ihrer Daten beantragt (Art. 17 DSGVO)."),
        Para("Die Anwendung zeigt, was nach den Aufbewahrungsregeln gelöscht werden darf und was bleiben muss. "
             "Bitte bearbeiten Sie den Antrag ohne unangemessene Verzögerung, spätestens innerhalb eines Monats "
             "(Art. 12 Abs. 3 DSGVO)."),
        Link("Löschanträge öffnen", ctx.url(links.ERASURE_REQUESTS)),
    ]  # fmt: skip
    return compose(to, "Neuer Antrag auf Löschung (Art. 17 DSGVO)", name, blocks, ctx.office)


def _erasure_done(to: str, p: dict[str, Any], ctx: MailContext, name: str | None) -> Message:
    """To the person: what was erased and what is kept, and why."""
    steps = [s for s in p.get("steps", []) if isinstance(s, dict)]
    blocks: list[Block] = [
        Para("Ihr Antrag auf Löschung Ihrer Daten ist bearbeitet. Das ist mit Ihren Daten geschehen:"),
        Facts(tuple((str(s.get("what", "")), f"{s.get('result', '')} – {s.get('why', '')}") for s in steps)),
        Para("Was aufbewahrt werden muss, wird nach Ablauf der Frist automatisch anonymisiert. Beträge und Daten "
             "der Förderung bleiben ohne Bezug zu Ihrer Person für die Prüfung der öffentlichen Mittel erhalten."),
    ]  # fmt: skip
    return compose(to, "Ihr Antrag auf Löschung ist bearbeitet", _s(p, "name") or name, blocks, ctx.office)


def _day(payload: dict[str, Any], key: str) -> date:
    return date.fromisoformat(_s(payload, key))


def _proof_mail(
    topic: str, to: str, p: dict[str, Any], ctx: MailContext, name: str | None
) -> Message:
    common: dict[str, Any] = {
        "name": name, "title": _s(p, "title"), "reference": _s(p, "reference"),
        "due_on": _day(p, "due_on"), "office": ctx.office,
        "proof_url": ctx.url(links.APPLICATION, ctx.application_id),
    }  # fmt: skip
    if topic == "proof_due_soon":
        return messages.proof_of_use_due_soon(to, days_left=int(p["days"]), **common)
    if topic == "proof_due_today":
        return messages.proof_of_use_due_today(to, **common)
    return messages.proof_of_use_overdue(to, days_overdue=int(p["days"]), **common)


def _jury_mail(
    topic: str, to: str, p: dict[str, Any], ctx: MailContext, name: str | None
) -> Message:
    starts_at = datetime.fromisoformat(_s(p, "starts_at"))
    papers = ctx.url(links.JURY_SESSION, int(p["session_id"]))
    if topic == "jury_invitation":
        agenda = [messages.AgendaItem(t, a, int(c), r) for t, a, c, r in p.get("agenda") or []]
        return messages.jury_invitation(
            to, name=name, fund_name=ctx.fund_name, starts_at=starts_at,
            location=_s(p, "location"), agenda=agenda, papers_url=papers, office=ctx.office,
        )  # fmt: skip
    return messages.jury_reminder(
        to, name=name, fund_name=ctx.fund_name, starts_at=starts_at, location=_s(p, "location"),
        item_count=int(p.get("item_count") or 0), papers_url=papers, office=ctx.office,
    )  # fmt: skip


def _digest(to: str, p: dict[str, Any], ctx: MailContext, name: str | None) -> Message:
    sections = [
        messages.DigestSection(
            section[0], tuple(messages.DigestItem(text, ctx.link(path) if path else None)
                              for text, path in section[1]),
            int(section[2]) if len(section) > 2 else None,
            bool(section[3]) if len(section) > 3 else False,
        )
        for section in p.get("sections") or []
    ]  # fmt: skip
    return messages.daily_digest(
        to, name=name, day=_day(p, "day"), sections=sections,
        dashboard_url=ctx.url(links.OFFICE_START), office=ctx.office,
    )  # fmt: skip


def build_message(
    topic: str, payload: dict[str, Any], to: str, name: str | None, ctx: MailContext, language: str | None = None
) -> Message:
    """The mail for one outbox topic in the recipient's language (German when None; the resident mails
    are translated, the office's and the jury's stay German); ValueError for an unknown topic."""
    with mail_language(language):
        return _build(topic, payload, to, name, ctx)


def _build(topic: str, payload: dict[str, Any], to: str, name: str | None, ctx: MailContext) -> Message:
    p = payload
    if topic.startswith("letter_"):
        return _letter_mail(to, p, ctx, name)
    if topic == "status_changed":
        return _status_mail(to, p, ctx, name)
    if topic == "office_attention":
        return _office_mail(to, p, ctx, name)
    if topic in ("proof_due_soon", "proof_due_today", "proof_overdue"):
        return _proof_mail(topic, to, p, ctx, name)
    if topic in ("jury_invitation", "jury_reminder"):
        return _jury_mail(topic, to, p, ctx, name)
    if topic == "round_deadline":
        return messages.round_deadline_approaching(
            to, name=name, fund_name=ctx.fund_name, draft_title=_s(p, "title"),
            deadline=_day(p, "deadline"), office=ctx.office,
            edit_url=ctx.url(links.APPLICATION_EDIT, ctx.application_id),
        )  # fmt: skip
    if topic == "proof_escalation":
        return messages.proof_of_use_escalation(
            (to,), title=_s(p, "title"), reference=_s(p, "reference"),
            applicant_name=_s(p, "applicant_name"), applicant_email=_s(p, "applicant_email"),
            due_on=_day(p, "due_on"), days_overdue=int(p["days"]),
            granted_cents=int(p.get("granted_cents") or 0), office=ctx.office,
            manage_url=ctx.url(links.OFFICE_APPLICATION, ctx.application_id),
        )  # fmt: skip
    if topic == "daily_digest":
        return _digest(to, p, ctx, name)
    if topic == "application_corrected":
        return messages.application_corrected(
            to, name=name, title=_s(p, "title"), reference=_s(p, "reference"), reason=_s(p, "reason"),
            office=ctx.office, status_url=ctx.url(links.APPLICATION, ctx.application_id),
        )  # fmt: skip
    if topic == "lapse_warning":
        return messages.approval_lapse_warning(
            to, name=name, title=_s(p, "title"), reference=_s(p, "reference"), lapse_on=_day(p, "due_on"),
            rule=_s(p, "rule"), office=ctx.office, status_url=ctx.url(links.APPLICATION, ctx.application_id),
        )  # fmt: skip
    if topic == "refund_overdue":
        return refund_overdue(
            to, name=name, title=_s(p, "title"), reference=_s(p, "reference"),
            claimed_cents=int(p["claimed_cents"]), received_cents=int(p.get("received_cents") or 0),
            due_on=_day(p, "due_on"), account_holder=_s(p, "account_holder"), iban=_s(p, "iban"),
            interest_note=_s(p, "interest_note"), office=ctx.office,
            status_url=ctx.url(links.APPLICATION, ctx.application_id),
        )  # fmt: skip
    if topic == "application_message":
        return _message_mail(to, p, ctx, name)
    if topic == "erasure_requested":
        return _erasure_requested(to, p, ctx, name)
    if topic == "erasure_done":
        return _erasure_done(to, p, ctx, name)
    raise ValueError(f"unknown outbox topic {topic!r}")
