"""Mails to applicants: account, application, decision, payment, proof of use.

German msgids; built inside `fondsengine.i18n.mail_language(lang)` they are in the applicant's
language (fondsengine/translations/<lang>/LC_MESSAGES/mails.po). Letters attached stay German.

Every function takes plain values (names, titles, dates, cents, URLs), never ORM objects,
and returns a Message with plain text and simple HTML. ``office`` is the sender's name
used as signature (e.g. "Innenstadt-Büro mitten@witten"). Mails to the jury and the
office are in ``fondsengine.notify.messages_office`` and re-exported here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fondsengine.i18n import DEFAULT_LANGUAGE, current_language, ngettext
from fondsengine.i18n import gettext as _
from fondsengine.money import format_euro
from fondsengine.notify.compose import (
    Block,
    Bullets,
    Facts,
    Link,
    Para,
    compose,
    format_date,
    quoted,
)
from fondsengine.notify.messages_office import (
    AgendaItem,
    DigestItem,
    DigestSection,
    application_corrected,
    approval_lapse_warning,
    daily_digest,
    jury_invitation,
    jury_reminder,
    proof_of_use_escalation,
    round_deadline_approaching,
)
from fondsengine.notify.port import Attachment, Message

__all__ = [
    "AgendaItem",
    "DigestItem",
    "DigestSection",
    "account_exists_notice",
    "account_locked",
    "application_corrected",
    "application_received",
    "approval_lapse_warning",
    "changes_requested",
    "daily_digest",
    "decision",
    "email_change_confirmation",
    "email_changed",
    "email_confirmation",
    "jury_invitation",
    "jury_reminder",
    "letter_note",
    "password_changed",
    "password_reset",
    "payment_made",
    "proof_of_use_due_soon",
    "proof_of_use_due_today",
    "proof_of_use_escalation",
    "proof_of_use_overdue",
    "round_deadline_approaching",
    "second_factor_changed",
]


def _hours(hours: int) -> str:
    """A link's validity in plain words: whole days from 24 hours on ('7 Tage', not '168 Stunden')."""
    if hours >= 24 and hours % 24 == 0:
        days = hours // 24
        return _("einen Tag") if days == 1 else _("%(num)s Tage") % {"num": days}
    return _("eine Stunde") if hours == 1 else _("%(num)s Stunden") % {"num": hours}


def letter_note() -> list[Block]:
    """The cover note of a letter mail outside German: the attached letter is the German legal text."""
    if current_language() == DEFAULT_LANGUAGE:
        return []
    return [
        Para(
            _(
                "Das Schreiben im Anhang ist auf Deutsch, denn nur der deutsche Text ist rechtlich verbindlich. "
                "Diese E-Mail sagt Ihnen in Ihrer Sprache, worum es geht. Bei Fragen helfen wir Ihnen gern."
            )
        )
    ]


def email_confirmation(to: str, *, name: str | None, confirm_url: str, office: str, valid_hours: int = 48) -> Message:
    """Ask a new user to confirm the e-mail address with a link."""
    return compose(
        to,
        _("Bestätigen Sie Ihre E-Mail-Adresse"),
        name,
        [
            Para(
                _(
                    "vielen Dank für Ihre Anmeldung. Bitte bestätigen Sie Ihre E-Mail-Adresse "
                    "mit einem Klick auf diesen Link:"
                )
            ),
            Link(_("E-Mail-Adresse bestätigen"), confirm_url),
            Para(
                _(
                    "Der Link ist %(valid)s gültig. Wenn Sie sich nicht angemeldet "
                    "haben, können Sie diese Nachricht einfach löschen."
                )
                % {"valid": _hours(valid_hours)}
            ),
        ],
        office,
    )


def password_reset(to: str, *, name: str | None, reset_url: str, office: str, valid_hours: int = 2) -> Message:
    """Send a link to choose a new password."""
    return compose(
        to,
        _("Neues Passwort festlegen"),
        name,
        [
            Para(_("Sie haben ein neues Passwort angefordert. Über diesen Link können Sie es festlegen:")),
            Link(_("Neues Passwort festlegen"), reset_url),
            Para(
                _(
                    "Der Link ist %(valid)s gültig und funktioniert nur einmal. "
                    "Wenn Sie kein neues Passwort angefordert haben, ignorieren Sie diese "
                    "Nachricht; Ihr bisheriges Passwort bleibt gültig."
                )
                % {"valid": _hours(valid_hours)}
            ),
        ],
        office,
    )


def invitation(
    to: str, *, name: str | None, role: str, fund_name: str, set_password_url: str, office: str, valid_hours: int
) -> Message:
    """Invite a person the office gave a role to: choose a password to log in."""
    return compose(
        to,
        f"Einladung: {role} im {fund_name}",
        name,
        [
            Para(f"die Geschäftsführung hat Sie als {role} im {fund_name} eingetragen."),
            Para("Bitte legen Sie über diesen Link Ihr Passwort fest; danach können Sie sich anmelden:"),
            Link("Passwort festlegen", set_password_url),
            Para(f"Der Link ist {_hours(valid_hours)} gültig und funktioniert nur einmal."),
        ],
        office,
    )


def application_received(
    to: str,
    *,
    name: str | None,
    title: str,
    reference: str,
    fund_name: str,
    requested_cents: int,
    submitted_on: date,
    status_url: str,
    office: str,
) -> Message:
    """Confirm that an application was submitted, with the amount requested."""
    return compose(
        to,
        _("Ihr Antrag %(title)s ist eingegangen") % {"title": quoted(title)},
        name,
        [
            Para(
                _("vielen Dank! Ihr Antrag für den Fonds %(fund)s ist bei uns eingegangen.")
                % {"fund": quoted(fund_name)}
            ),
            Facts(
                (
                    (_("Projekt"), title),
                    (_("Aktenzeichen"), reference),
                    (_("Beantragt"), format_euro(requested_cents)),
                    (_("Eingereicht am"), format_date(submitted_on)),
                )
            ),
            Para(
                _(
                    "Wir prüfen jetzt, ob der Antrag vollständig ist, und melden uns, falls "
                    "etwas fehlt. Den Stand Ihres Antrags sehen Sie jederzeit hier:"
                )
            ),
            Link(_("Antrag ansehen"), status_url),
        ],
        office,
    )


def changes_requested(
    to: str,
    *,
    name: str | None,
    title: str,
    reference: str,
    changes: Sequence[str],
    respond_by: date | None,
    edit_url: str,
    office: str,
) -> Message:
    """Ask the applicant to complete or change the application (Nachforderung)."""
    blocks: list[Block] = [
        Para(
            _(
                "wir haben Ihren Antrag %(title)s (Aktenzeichen %(reference)s) geprüft. "
                "Bevor er weiterbearbeitet werden kann, brauchen wir noch Folgendes:"
            )
            % {"title": quoted(title), "reference": reference}
        ),
        Bullets(tuple(changes)),
    ]
    if respond_by is not None:
        blocks.append(Para(_("Bitte ergänzen Sie den Antrag bis zum %(day)s.") % {"day": format_date(respond_by)}))
    blocks += [
        Link(_("Antrag ergänzen"), edit_url),
        Para(_("Bei Fragen antworten Sie einfach auf diese Nachricht oder rufen Sie uns an.")),
    ]
    return compose(to, _("Bitte ergänzen Sie Ihren Antrag %(title)s") % {"title": quoted(title)}, name, blocks, office)


def decision(
    to: str,
    *,
    name: str | None,
    title: str,
    reference: str,
    fund_name: str,
    approved: bool,
    granted_cents: int | None,
    letter: Attachment | None,
    status_url: str,
    office: str,
    proof_due_on: date | None = None,
) -> Message:
    """Tell the applicant the decision (approved or rejected), with the letter attached (German, with a
    cover note in her language)."""
    letter_text = (
        _("Den Bescheid finden Sie im Anhang (%(file)s).") % {"file": letter.filename}
        if letter is not None
        else _("Den schriftlichen Bescheid erhalten Sie gesondert.")
    )
    if approved:
        if granted_cents is None:
            raise ValueError("an approval needs granted_cents")
        subject = _("Ihr Antrag %(title)s wurde bewilligt") % {"title": quoted(title)}
        facts: list[tuple[str, str]] = [
            (_("Aktenzeichen"), reference),
            (_("Bewilligt"), format_euro(granted_cents)),
        ]
        if proof_due_on is not None:
            facts.append((_("Verwendungsnachweis bis"), format_date(proof_due_on)))
        blocks: list[Block] = [
            Para(
                _("gute Nachrichten: Ihr Projekt %(title)s wird aus dem Fonds %(fund)s gefördert.")
                % {"title": quoted(title), "fund": quoted(fund_name)}
            ),
            Facts(tuple(facts)),
            Para(
                letter_text
                + " "
                + _(
                    "Bitte lesen Sie ihn sorgfältig: Er nennt die Bedingungen, "
                    "die Auszahlung und was Sie nach dem Projekt einreichen müssen."
                )
            ),
        ]
    else:
        subject = _("Entscheidung über Ihren Antrag %(title)s") % {"title": quoted(title)}
        blocks = [
            Para(
                _(
                    "leider kann Ihr Antrag %(title)s (Aktenzeichen %(reference)s) aus dem "
                    "Fonds %(fund)s nicht gefördert werden."
                )
                % {"title": quoted(title), "reference": reference, "fund": quoted(fund_name)}
            ),
            Para(
                letter_text
                + " "
                + _(
                    "Er nennt die Gründe. Gern besprechen wir mit Ihnen, ob und wie ein neuer Antrag Erfolg haben kann."
                )
            ),
        ]
    if letter is not None:
        blocks += letter_note()
    blocks.append(Link(_("Antrag ansehen"), status_url))
    attachments = (letter,) if letter is not None else ()
    return compose(to, subject, name, blocks, office, attachments=attachments)


def payment_made(
    to: str,
    *,
    name: str | None,
    title: str,
    reference: str,
    amount_cents: int,
    paid_on: date,
    office: str,
    remaining_cents: int = 0,
) -> Message:
    """Tell the applicant that money was transferred (and what is still outstanding)."""
    facts: list[tuple[str, str]] = [
        (_("Aktenzeichen"), reference),
        (_("Betrag"), format_euro(amount_cents)),
        (_("Angewiesen am"), format_date(paid_on)),
    ]
    if remaining_cents > 0:
        facts.append((_("Noch offen"), format_euro(remaining_cents)))
    note = (
        _("Den Rest zahlen wir nach Prüfung Ihres Verwendungsnachweises aus.")
        if remaining_cents > 0
        else _("Das Geld ist in der Regel in ein bis drei Bankarbeitstagen auf Ihrem Konto.")
    )
    return compose(
        to,
        _("Auszahlung für %(title)s: %(amount)s") % {"title": quoted(title), "amount": format_euro(amount_cents)},
        name,
        [
            Para(_("wir haben Geld für Ihr Projekt %(title)s angewiesen.") % {"title": quoted(title)}),
            Facts(tuple(facts)),
            Para(note),
        ],
        office,
    )


def _proof_blocks(title: str, reference: str, due_on: date, proof_url: str) -> list[Block]:
    return [
        Facts(((_("Projekt"), title), (_("Aktenzeichen"), reference), (_("Fällig am"), format_date(due_on)))),
        Para(_("Dazu gehören ein kurzer Sachbericht, die Belegliste mit den Rechnungen und einige Fotos.")),
        Link(_("Verwendungsnachweis einreichen"), proof_url),
    ]


def proof_of_use_due_soon(
    to: str,
    *,
    name: str | None,
    title: str,
    reference: str,
    due_on: date,
    days_left: int,
    proof_url: str,
    office: str,
) -> Message:
    """Remind the applicant that the proof of use is due in a few days (usually 14)."""
    values = {"title": quoted(title), "day": format_date(due_on), "num": days_left}
    return compose(
        to,
        _("Verwendungsnachweis für %(title)s fällig am %(day)s") % values,
        name,
        [
            Para(
                ngettext(
                    "in %(num)s Tag, am %(day)s, ist der Verwendungsnachweis für Ihr Projekt %(title)s fällig.",
                    "in %(num)s Tagen, am %(day)s, ist der Verwendungsnachweis für Ihr Projekt %(title)s fällig.",
                    days_left,
                )
                % values
            ),
            *_proof_blocks(title, reference, due_on, proof_url),
        ],
        office,
    )


def proof_of_use_due_today(
    to: str,
    *,
    name: str | None,
    title: str,
    reference: str,
    due_on: date,
    proof_url: str,
    office: str,
) -> Message:
    """Remind the applicant that the proof of use is due today."""
    values = {"title": quoted(title), "day": format_date(due_on)}
    return compose(
        to,
        _("Heute fällig: Verwendungsnachweis für %(title)s") % values,
        name,
        [
            Para(
                _(
                    "heute, am %(day)s, ist der Verwendungsnachweis für Ihr Projekt "
                    "%(title)s fällig. Falls Sie ihn schon eingereicht haben, ist alles gut."
                )
                % values
            ),
            *_proof_blocks(title, reference, due_on, proof_url),
        ],
        office,
    )


def proof_of_use_overdue(
    to: str,
    *,
    name: str | None,
    title: str,
    reference: str,
    due_on: date,
    days_overdue: int,
    proof_url: str,
    office: str,
) -> Message:
    """Tell the applicant that the proof of use is overdue and what that can mean."""
    values = {"title": quoted(title), "day": format_date(due_on), "num": days_overdue}
    return compose(
        to,
        _("Überfällig: Verwendungsnachweis für %(title)s") % values,
        name,
        [
            Para(
                ngettext(
                    "der Verwendungsnachweis für Ihr Projekt %(title)s war am %(day)s fällig und ist seit "
                    "einem Tag überfällig.",
                    "der Verwendungsnachweis für Ihr Projekt %(title)s war am %(day)s fällig und ist seit "
                    "%(num)s Tagen überfällig.",
                    days_overdue,
                )
                % values
                + " "
                + _(
                    "Bitte reichen Sie ihn so bald wie möglich ein. Ohne Nachweis müssen wir die Förderung "
                    "möglicherweise zurückfordern. Wenn Sie mehr Zeit brauchen, melden Sie sich bitte bei uns."
                )
            ),
            *_proof_blocks(title, reference, due_on, proof_url),
        ],
        office,
    )


def account_exists_notice(to: str, *, name: str | None, login_url: str, reset_url: str, office: str) -> Message:
    """Someone tried to register with an address that already has an account."""
    return compose(
        to,
        _("Ihr Konto besteht schon"),
        name,
        [
            Para(
                _(
                    "jemand hat eben versucht, mit Ihrer E-Mail-Adresse ein neues Konto anzulegen. "
                    "Mit dieser Adresse gibt es aber schon ein Konto, deshalb haben wir kein zweites angelegt."
                )
            ),
            Para(_("Wenn Sie das waren: Melden Sie sich einfach mit Ihrem Konto an.")),
            Link(_("Anmelden"), login_url),
            Para(_("Wenn Sie Ihr Passwort vergessen haben, legen Sie hier ein neues fest:")),
            Link(_("Neues Passwort festlegen"), reset_url),
            Para(_("Wenn Sie das nicht waren, können Sie diese Nachricht löschen; an Ihrem Konto ändert sich nichts.")),
        ],
        office,
    )


def account_locked(to: str, *, name: str | None, minutes: int, reset_url: str, office: str) -> Message:
    """The login was locked for a while after too many wrong passwords."""
    return compose(
        to,
        "Ihr Konto ist vorübergehend gesperrt",
        name,
        [
            Para(
                "für Ihr Konto wurde mehrmals hintereinander ein falsches Passwort eingegeben. "
                f"Zu Ihrem Schutz ist die Anmeldung deshalb für {minutes} Minuten gesperrt; "
                "danach können Sie sich wieder wie gewohnt anmelden."
            ),
            Para(
                "Wenn Sie das nicht waren, versucht vielleicht jemand, Ihr Passwort zu erraten. "
                "Legen Sie am besten ein neues, langes Passwort fest (das hebt die Sperre auch sofort auf):"
            ),
            Link("Neues Passwort festlegen", reset_url),
        ],
        office,
    )


def password_changed(to: str, *, name: str | None, reset_url: str, office: str) -> Message:
    """The password of the account was changed (by the person, or with a reset link)."""
    return compose(
        to,
        "Ihr Passwort wurde geändert",
        name,
        [
            Para(
                "Ihr Passwort wurde geändert. Alle anderen Anmeldungen mit Ihrem Konto (zum Beispiel "
                "auf einem anderen Gerät) sind damit beendet."
            ),
            Para(
                "Wenn Sie das nicht waren, legen Sie bitte sofort über diesen Link ein neues Passwort "
                "fest und melden Sie sich bei uns:"
            ),
            Link("Neues Passwort festlegen", reset_url),
        ],
        office,
    )


def second_factor_changed(to: str, *, name: str | None, enabled: bool, reset_url: str, office: str) -> Message:
    """The second factor (authenticator app) was set up or removed."""
    what = "eingerichtet" if enabled else "entfernt"
    return compose(
        to,
        f"Zweiter Faktor {what}",
        name,
        [
            Para(f"für Ihr Konto wurde eben die Anmeldung mit einer Authenticator-App {what}."),
            Para(
                "Wenn Sie das nicht waren, legen Sie bitte sofort über diesen Link ein neues Passwort "
                "fest und melden Sie sich bei uns:"
            ),
            Link("Neues Passwort festlegen", reset_url),
        ],
        office,
    )


def email_change_confirmation(to: str, *, name: str | None, confirm_url: str, office: str, valid_hours: int) -> Message:
    """Confirm a new address for an existing account (sent to the new address)."""
    return compose(
        to,
        "Bestätigen Sie Ihre neue E-Mail-Adresse",
        name,
        [
            Para("Sie möchten Ihr Konto künftig mit dieser E-Mail-Adresse nutzen. Bitte bestätigen Sie das:"),
            Link("Neue E-Mail-Adresse bestätigen", confirm_url),
            Para(
                f"Der Link ist {_hours(valid_hours)} gültig. Wenn Sie das nicht waren, löschen Sie diese "
                "Nachricht einfach; es ändert sich nichts."
            ),
        ],
        office,
    )


def email_changed(to: str, *, name: str | None, new_email: str, reset_url: str, office: str) -> Message:
    """Tell the old address that the account now uses another one."""
    return compose(
        to,
        "Ihre E-Mail-Adresse wurde geändert",
        name,
        [
            Para(
                f"Ihr Konto verwendet ab jetzt die E-Mail-Adresse {new_email}. Alle anderen Anmeldungen mit "
                "Ihrem Konto sind damit beendet."
            ),
            Para(
                "Wenn Sie das nicht waren, melden Sie sich bitte sofort bei uns; über diesen Link können "
                "Sie außerdem ein neues Passwort festlegen:"
            ),
            Link("Neues Passwort festlegen", reset_url),
        ],
        office,
    )
