"""The German names of the engine's own ids, each written once, with a variant per place that words it
differently: the applicant's links to the area (guideline `area.link_kinds`), the kinds and statuses of
a payment, the results of a review item, the kinds of a ledger entry.

The pages read these tables through `webapp/labels.py`; the engine's findings, letters, notes and cash
book read them here. `tests/unit/test_one_label_place.py` forbids a module-level label dict of German
text anywhere else (outside `webapp/labels.py` and an allowance list); `tests/web/test_area_link_texts.py`
pins the area-link texts on the pages that show them.

A text the resident reads in her language is marked with `N_`: `make extract-messages` extracts this
file into the web app's catalogue (`webapp/translations`, docs/i18n.md), and her page translates it.
The other texts are for the office, the jury, the letters and the cash book, which stay German.
"""

from __future__ import annotations

from typing import NamedTuple


def N_(message: str) -> str:
    """Mark a German text for the web app's catalogue; the resident's page translates it."""
    return message


class AreaLink(NamedTuple):
    """One link to the area, in the three ways the pages and the pre-check say it."""

    choice: str  # the resident's form offers it in the first person (a msgid)
    fact: str  # the office's and the jury's papers state it in the third person
    example: str  # the pre-check's finding lists it as an example ("zum Beispiel: wohnt dort, …")


class PaymentKind(NamedTuple):
    """One kind of payment: its name on the office's pages, in letters and notes, and as the
    resident's choice when she requests a payment."""

    name: str  # office pages (application, payment orders, the step's form)
    letter: str  # letters, the ledger entry's note, the payment letter's data
    choice: str  # the resident's payment page (a msgid)


# The links to the area a guideline may accept: the loader takes its ids from here (read_rules.LINK_KINDS).
AREA_LINK_NAMES: dict[str, AreaLink] = {
    "lives": AreaLink(N_("Ich wohne dort"), "wohnt im Gebiet", "wohnt dort"),
    "works": AreaLink(N_("Ich arbeite dort"), "arbeitet im Gebiet", "arbeitet dort"),
    "owns_property": AreaLink(
        N_("Ich besitze dort eine Immobilie"), "Eigentum im Gebiet", "besitzt dort eine Immobilie"
    ),
    "based": AreaLink(N_("Unsere Gruppe / unser Verein hat dort ihren Sitz"), "Sitz im Gebiet", "hat dort den Sitz"),
}

# The kinds of a payment (fondsengine.payments.service.PAYMENT_KINDS). An instalment is a "Rate" on the
# pages and a "Teilzahlung" in letters and notes, as before this table; the wording is kept apart here
# instead of changing letters that are already stored.
PAYMENT_KIND_NAMES: dict[str, PaymentKind] = {
    "advance": PaymentKind("Abschlag", "Abschlag", N_("Abschlag vor dem Projekt")),
    "instalment": PaymentKind("Rate", "Teilzahlung", N_("Rate")),
    "final": PaymentKind("Schlusszahlung", "Schlusszahlung", N_("Schlusszahlung")),
    "reimbursement": PaymentKind("Erstattung", "Erstattung", N_("Erstattung nach dem Projekt (gegen Belege)")),
}

# The status of a payment (the CHECK constraint `status_known` of `payments`), as the office reads it.
PAYMENT_STATUS_NAMES: dict[str, str] = {
    "requested": "angefordert",
    "ordered": "angewiesen",
    "paid": "ausgezahlt",
    "cancelled": "storniert",
}

# The result of one item of the formal review (fondsengine.applications.decisions.REVIEW_RESULTS).
REVIEW_RESULT_NAMES: dict[str, str] = {
    "fulfilled": "erfüllt",
    "not_fulfilled": "nicht erfüllt",
    "not_applicable": "entfällt",
}

# The kind of a ledger entry (fondsengine.model.money.LEDGER_KINDS), as the cash book names it.
LEDGER_KIND_NAMES: dict[str, str] = {
    "allocation": "Budget",
    "carry_over": "Übertrag",
    "expiry": "Verfall zum Jahresende",
    "commitment": "Bewilligung (gebunden)",
    "release": "Freigabe",
    "payment": "Auszahlung",
    "refund": "Rückzahlung",
}
