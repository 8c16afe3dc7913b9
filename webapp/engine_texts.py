"""German texts the engine hands to the resident's pages, marked here for the catalogue.

The engine speaks German only (it imports no Flask and keeps no page language). Where a resident
page shows one of these texts unchanged, the page translates it with the `tr` filter
(webapp/i18n.py); texts with values in them (a title, an amount) stay German until the engine
returns them as a message id with values (docs/i18n.md, "What is not translated yet")."""

from __future__ import annotations

from webapp.i18n import N_

NOTIFICATION_CHOICES = (  # fondsengine.accounts.notifications.CHOICES (the resident's ones)
    N_("Wenn sich der Stand meines Antrags ändert"),
    N_("Erinnerungen an den Verwendungsnachweis"),
    N_("Neue Nachrichten zu einem Antrag"),
    N_("Erinnerung an die Antragsfrist, solange ich einen Entwurf habe"),
    N_("Einladungen und Erinnerungen zu Jurysitzungen"),
)
PAYMENT_ALLOWANCE = (  # fondsengine.payments.service._allowance, lifecycle.guards.payable_now
    N_("Schlusszahlung"),
    N_("Abschlag"),
    N_("Raten vor dem Verwendungsnachweis"),
    N_("Nach der Förderrichtlinie wird erst nach Prüfung des Verwendungsnachweises ausgezahlt (Erstattungsprinzip)."),
    N_("Eine Auszahlung kann erst nach der Bewilligung angefordert werden."),
    N_("Zurzeit ist nichts zur Auszahlung offen."),
    N_("Es gibt bereits eine offene Auszahlungsanforderung."),
)
FORM_ERRORS = (  # fondsengine.applications.service / accounts / webapp.fields: the ones without values
    N_("Bitte geben Sie einen Projekttitel an."),
    N_("Der Projekttitel darf höchstens 300 Zeichen lang sein."),
    N_("Beträge dürfen nicht negativ sein."),
    N_("Das Projektende liegt vor dem Projektbeginn."),
    N_("Der Antrag kann in diesem Stand nicht mehr bearbeitet werden."),
    N_("Bitte geben Sie einen Namen an."),
    N_("Mit dieser E-Mail-Adresse gibt es schon ein Konto."),
    N_("Bitte geben Sie eine gültige E-Mail-Adresse an (Beispiel: name@example.org)."),
    N_("E-Mail-Adresse oder Passwort stimmen nicht."),
    N_("Bitte geben Sie eine gültige E-Mail-Adresse an."),
    N_("Das Passwort muss mindestens 12 Zeichen lang sein."),
    N_(
        "Dieses Passwort ist zu leicht zu erraten (es steht auf einer Liste häufiger Passwörter). "
        "Bitte wählen Sie ein anderes, zum Beispiel mehrere Wörter, die nichts miteinander zu tun haben."
    ),
    N_("Das Passwort darf nicht im Wesentlichen aus Ihrem Namen oder Ihrer E-Mail-Adresse bestehen."),
    N_("Bitte geben Sie Ihren Namen an."),
    N_("Die Postleitzahl hat fünf Ziffern."),
    N_("Bitte geben Sie die Anschrift vollständig an (Straße, Postleitzahl, Ort)."),
)
JURY_POOL = (  # fondsengine.jury.members: joining and leaving the volunteer pool from the account
    N_("Dieser Fonds lost seine Jury nicht aus Freiwilligen aus."),
    N_("Diese Person steht nicht im Los-Pool."),
)
