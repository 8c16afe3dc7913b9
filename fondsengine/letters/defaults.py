"""German default texts of the letters, used when the guideline brings no text of its own.

Bodies and closings may use {placeholders}; see docs/letters.md for the list per kind.
Paragraphs are separated by a blank line.
"""

from __future__ import annotations

from fractions import Fraction

from fondsengine.guidelines.model import LetterText, PaymentMode
from fondsengine.money import format_euro, share_of

_GREETING = "Mit freundlichen Grüßen"

# The default text of each letter kind (its registration, LetterKind.default_text, names it).
RECEIPT_TEXT = LetterText(
    subject="Eingangsbestätigung: Ihr Antrag „{project_title}“",
    body=(
        "Guten Tag {recipient_name},\n\n"
        "vielen Dank für Ihren Antrag auf Förderung aus dem {fund_name}. Er ist am "
        "{submitted_on} bei uns eingegangen und wird unter dem Aktenzeichen {file_number} "
        "geführt. Bitte geben Sie dieses Aktenzeichen bei allen Rückfragen an.\n\n"
        "Wir prüfen Ihren Antrag jetzt auf Vollständigkeit und auf die Voraussetzungen der "
        "Förderrichtlinie. Fehlt noch etwas, melden wir uns bei Ihnen. Bitte beginnen Sie "
        "mit Ihrem Projekt erst, wenn Sie die Bewilligung erhalten haben: Ausgaben vor der "
        "Bewilligung können wir nicht fördern."
    ),
    closing=_GREETING,
)

CHANGES_TEXT = LetterText(
    subject="Ihr Antrag „{project_title}“: Bitte ergänzen Sie noch etwas",
    body=(
        "Guten Tag {recipient_name},\n\n"
        "wir haben Ihren Antrag geprüft. Damit wir ihn weiter bearbeiten und zur "
        "Entscheidung vorlegen können, brauchen wir noch Folgendes von Ihnen:"
    ),
    closing="Bei Fragen helfen wir Ihnen gern weiter.\n\n" + _GREETING,
)

APPROVAL_TEXT = LetterText(
    subject="Bewilligungsbescheid: {project_title}",
    body=(
        "Guten Tag {recipient_name},\n\n"
        "wir freuen uns, Ihnen mitzuteilen: Ihr Projekt „{project_title}“ wird aus dem "
        "{fund_name} gefördert. Wir bewilligen Ihnen eine Zuwendung von {approved_amount} "
        "(beantragt: {requested_amount}).\n\n"
        "Die Zuwendung ist zweckgebunden. Sie darf nur für das genannte Projekt und die "
        "bewilligten Kosten verwendet werden. Bitte beachten Sie die folgenden Bestimmungen."
    ),
    closing="Wir wünschen Ihnen viel Erfolg mit Ihrem Projekt!\n\n" + _GREETING,
)

REJECTION_TEXT = LetterText(
    subject="Ihr Antrag „{project_title}“: Ablehnung",
    body=(
        "Guten Tag {recipient_name},\n\n"
        "vielen Dank für Ihren Antrag und Ihr Engagement für das Quartier. Leider können "
        "wir Ihr Projekt „{project_title}“ nicht aus dem {fund_name} fördern. Dafür gibt "
        "es folgende Gründe:"
    ),
    closing=(
        "Gern beraten wir Sie, ob Ihr Vorhaben in veränderter Form oder mit einer anderen "
        "Förderung möglich ist. Sprechen Sie uns einfach an.\n\n" + _GREETING
    ),
)

PAYMENT_TEXT = LetterText(
    subject="Auszahlungsmitteilung: {project_title}",
    body=(
        "Guten Tag {recipient_name},\n\n"
        "für Ihr Projekt „{project_title}“ haben wir am {paid_on} {payment_amount} zur "
        "Zahlung an Sie angewiesen. Das Geld sollte in den nächsten Tagen auf Ihrem Konto "
        "eingehen."
    ),
    closing=_GREETING,
)

PROOF_RESULT_TEXT = LetterText(
    subject="Prüfung Ihres Verwendungsnachweises: {project_title}",
    body=(
        "Guten Tag {recipient_name},\n\n"
        "vielen Dank für Ihren Verwendungsnachweis. Wir haben ihn geprüft und erkennen für "
        "Ihr Projekt „{project_title}“ eine Zuwendung von {recognised_amount} an."
    ),
    closing="Vielen Dank für Ihr Engagement im Quartier!\n\n" + _GREETING,
)

REFUND_TEXT = LetterText(
    subject="Rückforderung: {project_title}",
    body=(
        "Guten Tag {recipient_name},\n\n"
        "bei der Prüfung des Verwendungsnachweises für Ihr Projekt „{project_title}“ haben "
        "wir festgestellt, dass ein Teil der ausgezahlten Zuwendung nicht wie bewilligt "
        "verwendet wurde. Wir fordern daher {refund_amount} zurück. Bitte überweisen Sie den "
        "Betrag bis zum {refund_due}."
    ),
    closing=_GREETING,
)

LAPSE_TEXT = LetterText(
    subject="Ihre Bewilligung ist erloschen: {project_title}",
    body=(
        "Guten Tag {recipient_name},\n\n"
        "am {approved_on} haben wir Ihnen für Ihr Projekt „{project_title}“ eine Zuwendung "
        "von {approved_amount} bewilligt. Nach der Förderrichtlinie erlischt eine "
        "Bewilligung, wenn die Mittel nicht innerhalb von {lapse_after_days} Tagen "
        "abgerufen werden. Weil bis dahin kein Abruf eingegangen ist, ist die Bewilligung "
        "am {lapsed_on} erloschen. Das Geld steht nun wieder anderen Projekten im Quartier "
        "zur Verfügung."
    ),
    closing=(
        "Wenn Sie Ihr Projekt noch umsetzen möchten, sprechen Sie uns gern an: Sie können "
        "einen neuen Antrag stellen.\n\n" + _GREETING
    ),
)

RECOMMENDATION_TEXT = LetterText(
    subject="Empfehlung der Jury: {project_title}",
    body=(
        "Guten Tag {recipient_name},\n\n"
        "die Jury des {fund_name} hat Ihr Projekt „{project_title}“ in ihrer Sitzung am "
        "{session_date} beraten und empfiehlt eine Förderung von {recommended_amount} "
        "(beantragt: {requested_amount}).\n\n"
        "Die Empfehlung ist noch keine Bewilligung. Über die Förderung entscheidet "
        "{granting_body}; von dort erhalten Sie den Bewilligungsbescheid. Bitte beginnen "
        "Sie mit Ihrem Projekt erst, wenn Ihnen der Bescheid vorliegt."
    ),
    closing=_GREETING,
)

# Rechtsbehelfsbelehrung. The legally binding wording depends on whether the office acts as
# an authority (Verwaltungsakt) or under a private contract: the city's legal office should
# confirm it and put its own text into the guideline (letters: objection:).
DEFAULT_OBJECTION = (
    "Wenn Sie mit dieser Entscheidung nicht einverstanden sind, können Sie innerhalb eines "
    "Monats nach Zugang dieses Schreibens schriftlich oder per E-Mail an {office_email} "
    "Einwände erheben. Bitte geben Sie dabei das Aktenzeichen {file_number} an. Wir prüfen "
    "Ihre Einwände und legen sie, wenn wir ihnen nicht abhelfen können, der zuständigen "
    "Stelle zur Entscheidung vor."
)

PROOF_PART_LABELS: dict[str, str] = {
    "report": "Sachbericht: ein kurzer Bericht, was im Projekt passiert ist",
    "receipts": "Belegliste mit Kopien aller Rechnungen und Zahlungsnachweise",
    "photos": "Fotos vom Projekt",
    "participants": "Zahl der erreichten Teilnehmenden",
    "publicity_evidence": ("Nachweis der Öffentlichkeitsarbeit (z. B. Plakat oder Flyer mit Förderhinweis)"),
}


def proof_part_label(part: str) -> str:
    """German label of a proof-of-use part id; unknown ids are returned unchanged."""
    return PROOF_PART_LABELS.get(part, part)


def format_percent(share: Fraction) -> str:
    """A share as a German percentage without needless decimals: 4/5 -> '80 %'."""
    value = share * 100
    if value.denominator == 1:
        return f"{value.numerator} %"
    return f"{float(value):.2f}".replace(".", ",") + " %"


def payment_mode_text(
    mode: PaymentMode, *, approved_cents: int, advance_max_share: Fraction, instalments: int = 2
) -> str:
    """German sentence describing how an approved grant is paid out."""
    if mode is PaymentMode.ADVANCE:
        advance = share_of(approved_cents, advance_max_share)
        return (
            f"Vor Projektbeginn können Sie einen Abschlag von bis zu "
            f"{format_percent(advance_max_share)} der Zuwendung ({format_euro(advance)}) abrufen. "
            "Den Rest zahlen wir nach Prüfung des Verwendungsnachweises aus."
        )
    if mode is PaymentMode.INSTALMENTS:
        return (
            f"Die Zuwendung wird in {instalments} Teilbeträgen ausgezahlt, jeweils auf Abruf "
            "und gegen Nachweis der bis dahin entstandenen Ausgaben."
        )
    return (
        "Die Zuwendung wird nach Abschluss des Projekts gegen Vorlage der Belege erstattet "
        "(Erstattungsprinzip). Bitte rufen Sie die Mittel mit dem Verwendungsnachweis ab."
    )


# Revocation and interest note of an approval. For a Bescheid the Verwaltungsverfahrensgesetz NRW
# applies; for a grant agreement the contract's own withdrawal rule. Annahme – vom Rechtsamt der
# Stadt zu bestätigen; a guideline may set its own wording (issuance.revocation).
REVOCATION_BESCHEID = (
    "Dieser Bescheid kann nach §§ 48, 49 VwVfG NRW ganz oder teilweise, auch mit Wirkung für die "
    "Vergangenheit, zurückgenommen oder widerrufen werden, insbesondere wenn die Zuwendung nicht, "
    "nicht rechtzeitig oder nicht für den bewilligten Zweck verwendet wird oder Auflagen nicht "
    "erfüllt werden. Der dann zu erstattende Betrag ist nach § 49a Abs. 3 VwVfG NRW vom Eintritt "
    "der Unwirksamkeit an mit fünf Prozentpunkten über dem Basiszinssatz jährlich zu verzinsen."
)
REVOCATION_CONTRACT = (
    "Wird die Zuwendung nicht, nicht rechtzeitig oder nicht für den vereinbarten Zweck verwendet "
    "oder werden Auflagen nicht erfüllt, kann der Zuwendungsgeber vom Vertrag ganz oder teilweise "
    "zurücktreten und die Zuwendung zurückfordern. Der zurückzuzahlende Betrag ist vom Tag der "
    "Auszahlung an mit fünf Prozentpunkten über dem Basiszinssatz jährlich zu verzinsen."
)

FINANCING_LABELS: dict[str, str] = {
    "fixed_amount": "Festbetragsfinanzierung",
    "share": "Anteilfinanzierung",
    "deficit": "Fehlbedarfsfinanzierung",
}


def financing_text(financing: str, *, approved_cents: int, max_share: Fraction, cut_when_lower: bool) -> str:
    """German sentence on the type of financing (Finanzierungsart) of a grant."""
    amount = format_euro(approved_cents)
    if financing == "share":
        text = (
            f"Anteilfinanzierung: Die Zuwendung beträgt {format_percent(max_share)} der "
            f"zuwendungsfähigen Ausgaben, höchstens {amount}."
        )
    elif financing == "deficit":
        text = (
            "Fehlbedarfsfinanzierung: Die Zuwendung deckt den Betrag, den Ihre Eigenmittel und "
            f"die Mittel Dritter nicht decken, höchstens {amount}. Höhere Eigenmittel oder "
            "Mittel Dritter verringern die Zuwendung."
        )
    else:
        text = f"Festbetragsfinanzierung: Die Zuwendung wird als fester Betrag von {amount} gewährt."
    if cut_when_lower and financing != "deficit":
        text += " Sind die zuwendungsfähigen Ausgaben niedriger als geplant, wird die Zuwendung gekürzt."
    return text


def use_within_text(months: int) -> str:
    """The rule to use called money within the set time (Nr. 1.4 ANBest-P)."""
    unit = "eines Monats" if months == 1 else f"von {months} Monaten"
    return (
        f"Abgerufenes Geld muss innerhalb {unit} nach der Auszahlung für fällige Zahlungen "
        "verwendet werden. Rufen Sie deshalb nur so viel ab, wie Sie in dieser Zeit brauchen."
    )
