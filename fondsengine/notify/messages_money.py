"""Mails about money the applicant owes: the reminder of an overdue refund claim."""

from __future__ import annotations

from datetime import date

from fondsengine.i18n import gettext as _
from fondsengine.money import format_euro
from fondsengine.notify.compose import Block, Facts, Link, Para, compose, format_date, quoted
from fondsengine.notify.port import Message


def refund_overdue(
    to: str,
    *,
    name: str | None,
    title: str,
    reference: str,
    claimed_cents: int,
    received_cents: int,
    due_on: date,
    account_holder: str,
    iban: str,
    interest_note: str,
    status_url: str,
    office: str,
) -> Message:
    """Remind the applicant that a refund claim was not (fully) paid by its due date."""
    open_cents = claimed_cents - received_cents
    values = {"title": quoted(title), "day": format_date(due_on), "amount": format_euro(open_cents)}
    facts: list[tuple[str, str]] = [
        (_("Zurückgefordert"), format_euro(claimed_cents)),
        (_("Bisher eingegangen"), format_euro(received_cents)),
        (_("Noch offen"), format_euro(open_cents)),
        (_("Fällig war"), format_date(due_on)),
    ]
    if iban:
        facts += [(_("Kontoinhaber"), account_holder), (_("IBAN"), iban)]
    if reference:
        facts.append((_("Verwendungszweck"), reference))
    blocks: list[Block] = [
        Para(
            _(
                "für Ihr Projekt %(title)s haben wir einen Teil der Förderung zurückgefordert. Die Rückzahlung "
                "war bis zum %(day)s fällig; bei uns sind noch %(amount)s nicht eingegangen."
            )
            % values
        ),
        Facts(tuple(facts)),
        Para(
            _("Bitte überweisen Sie den offenen Betrag umgehend.")
            + (" " + _("Bitte geben Sie das Aktenzeichen als Verwendungszweck an.") if reference else "")
        ),
    ]
    if interest_note:
        blocks.append(Para(interest_note))
    blocks += [
        Link(_("Zum Stand Ihres Antrags"), status_url),
        Para(
            _(
                "Wenn Sie schon gezahlt haben, ist alles gut: Die Zahlung ist dann bei uns noch nicht verbucht. "
                "Wenn Sie nicht auf einmal zahlen können, melden Sie sich bitte bei uns."
            )
        ),
    ]
    return compose(to, _("Erinnerung: Rückzahlung für %(title)s ist fällig") % values, name, blocks, office)
