"""German mails to the jury, to residents with drafts, and to the office (Geschäftsführung).

Plain values in, Message out; see ``fondsengine.notify.messages`` for the conventions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from fondsengine.clock import local_date
from fondsengine.money import format_euro
from fondsengine.notify.compose import (
    Block,
    Bullets,
    Facts,
    Link,
    Para,
    compose,
    format_date,
    format_datetime,
    quoted,
)
from fondsengine.notify.port import Message


@dataclass(frozen=True)
class AgendaItem:
    """One application on a jury session's agenda."""

    title: str
    applicant: str
    requested_cents: int
    reference: str = ""


@dataclass(frozen=True)
class DigestItem:
    """One line of the daily digest, optionally with a link to act on it."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class DigestSection:
    """A heading of the daily digest ('Formale Prüfung') with its lines."""

    heading: str
    items: tuple[DigestItem, ...]
    total: int | None = None  # all there are, when only the first items are listed
    capped: bool = False  # there are more than `total` (the to-do list counts a long group only so far)

    @property
    def count(self) -> int:
        """How many things to do: the total, or the items listed."""
        return self.total if self.total is not None else len(self.items)

    @property
    def count_label(self) -> str:
        """The count as the mail writes it: "17", or "mehr als 100"."""
        return f"mehr als {self.count}" if self.capped else str(self.count)


def proof_of_use_escalation(
    to: Sequence[str],
    *,
    title: str,
    reference: str,
    applicant_name: str,
    applicant_email: str,
    due_on: date,
    days_overdue: int,
    granted_cents: int,
    manage_url: str,
    office: str,
) -> Message:
    """Tell the office that a proof of use is overdue by many days (escalation)."""
    return compose(
        tuple(to),
        f"Verwendungsnachweis {days_overdue} Tage überfällig: {quoted(title)} ({reference})",
        None,
        [
            Para(
                "ein Verwendungsnachweis ist trotz Erinnerungen nicht eingegangen. Bitte "
                "nehmen Sie Kontakt auf und entscheiden Sie, ob eine Rückforderung nötig ist."
            ),
            Facts(
                (
                    ("Projekt", title),
                    ("Aktenzeichen", reference),
                    ("Antragsteller:in", f"{applicant_name} <{applicant_email}>"),
                    ("Bewilligt", format_euro(granted_cents)),
                    ("Fällig seit", format_date(due_on)),
                    ("Überfällig", f"{days_overdue} Tage"),
                )
            ),
            Link("Antrag in der Verwaltung öffnen", manage_url),
        ],
        office,
        reply_to=applicant_email,
    )


def jury_invitation(
    to: str,
    *,
    name: str | None,
    fund_name: str,
    starts_at: datetime,
    location: str,
    agenda: Sequence[AgendaItem],
    papers_url: str,
    office: str,
) -> Message:
    """Invite a jury member to a session, with the agenda and the link to the papers."""
    total = sum(item.requested_cents for item in agenda)
    lines = tuple(
        f"{number}. {quoted(item.title)} von {item.applicant}: {format_euro(item.requested_cents)}"
        + (f" ({item.reference})" if item.reference else "")
        for number, item in enumerate(agenda, start=1)
    )
    blocks: list[Block] = [
        Para(
            f"hiermit laden wir Sie herzlich zur Sitzung der Jury des Fonds {quoted(fund_name)} "
            "ein."
        ),
        Facts((("Wann", format_datetime(starts_at)), ("Wo", location))),
        Para(f"Tagesordnung ({len(agenda)} Anträge, zusammen {format_euro(total)} beantragt):"),
        Bullets(lines) if lines else Para("Es liegen noch keine Anträge vor."),
        Para(
            "Die Anträge und Unterlagen finden Sie hier. Bitte sagen Sie uns Bescheid, wenn "
            "Sie nicht kommen können oder bei einem Antrag befangen sind (zum Beispiel, weil "
            "Sie selbst oder Ihnen nahestehende Personen ihn gestellt haben)."
        ),
        Link("Unterlagen zur Sitzung", papers_url),
    ]
    return compose(
        to,
        f"Einladung zur Jurysitzung am {format_date(local_date(starts_at))}",
        name,
        blocks,
        office,
    )


def jury_reminder(
    to: str,
    *,
    name: str | None,
    fund_name: str,
    starts_at: datetime,
    location: str,
    item_count: int,
    papers_url: str,
    office: str,
) -> Message:
    """Remind a jury member of a session the day before."""
    when = format_datetime(starts_at)
    return compose(
        to,
        f"Erinnerung: Jurysitzung am {when}",
        name,
        [
            Para(
                f"zur Erinnerung: Die Jury des Fonds {quoted(fund_name)} tagt am {when} "
                f"({location}). Auf der Tagesordnung stehen {item_count} Anträge."
            ),
            Link("Unterlagen zur Sitzung", papers_url),
            Para("Wir freuen uns auf Sie!"),
        ],
        office,
    )


def round_deadline_approaching(
    to: str,
    *,
    name: str | None,
    fund_name: str,
    draft_title: str,
    deadline: date,
    edit_url: str,
    office: str,
) -> Message:
    """Remind a resident with an unsent draft that the submission round ends soon."""
    return compose(
        to,
        f"Einreichungsfrist endet am {format_date(deadline)}",
        name,
        [
            Para(
                f"Ihr Antrag {quoted(draft_title)} für den Fonds {quoted(fund_name)} ist noch "
                f"nicht eingereicht. Die Frist für die nächste Jurysitzung endet am "
                f"{format_date(deadline)}. Anträge, die später eingehen, kommen erst in die "
                "folgende Runde."
            ),
            Link("Antrag fertigstellen und einreichen", edit_url),
            Para("Wir beraten Sie gern, falls Sie unsicher sind."),
        ],
        office,
    )


def daily_digest(
    to: str,
    *,
    name: str | None,
    day: date,
    sections: Sequence[DigestSection],
    dashboard_url: str,
    office: str,
) -> Message:
    """The daily overview for an office user of what needs attention."""
    count = sum(section.count for section in sections)
    blocks: list[Block] = []
    for section in sections:
        if not section.items:
            continue
        blocks.append(Para(f"{section.heading} ({section.count_label}):"))
        blocks.append(
            Bullets(tuple(i.text for i in section.items), tuple(i.url for i in section.items))
        )
        if section.count > len(section.items):
            more = f"{'mehr als ' if section.capped else ''}{section.count - len(section.items)}"
            blocks.append(Para(f"… und {more} weitere in der Übersicht."))
    if not blocks:
        blocks.append(Para("Heute steht nichts an."))
    points = "1 Punkt" if count == 1 else f"{count} Punkte"
    if any(section.capped for section in sections):
        points = f"mehr als {count} Punkte"
    return compose(
        to,
        f"Tagesübersicht {format_date(day)}: {points}",
        name,
        [
            Para(f"das steht am {format_date(day)} an:"),
            *blocks,
            Link("Zur Übersicht", dashboard_url),
        ],
        office,
    )


def approval_lapse_warning(
    to: str,
    *,
    name: str | None,
    title: str,
    reference: str,
    lapse_on: date,
    rule: str,
    status_url: str,
    office: str,
) -> Message:
    """Warn the applicant that the approval lapses soon unless the grant is called."""
    ref = f" ({reference})" if reference else ""
    return compose(
        to,
        f"Ihre Bewilligung erlischt am {format_date(lapse_on)}",
        name,
        [
            Para(
                f"für Ihr Projekt {quoted(title)}{ref} wurde noch keine Auszahlung angefordert. {rule} "
                "Danach steht das Geld wieder anderen Projekten zur Verfügung."
            ),
            Link("Auszahlung anfordern oder Verwendungsnachweis einreichen", status_url),
            Para("Wenn sich Ihr Projekt verzögert, sprechen Sie uns bitte vor diesem Tag an."),
        ],
        office,
    )


def application_corrected(
    to: str, *, name: str | None, title: str, reference: str, reason: str, status_url: str, office: str
) -> Message:
    """Tell the applicant that the office corrected their application before the decision."""
    ref = f" ({reference})" if reference else ""
    return compose(
        to,
        f"Ihr Antrag {quoted(title)} wurde korrigiert",
        name,
        [
            Para(
                f"die Geschäftsführung hat Ihren Antrag {quoted(title)}{ref} vor der Entscheidung "
                f"korrigiert: {reason}"
            ),
            Link("Antrag und Änderungen ansehen", status_url),
            Para("Wenn etwas nicht stimmt, melden Sie sich bitte bei uns."),
        ],
        office,
    )
