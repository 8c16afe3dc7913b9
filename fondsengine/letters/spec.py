"""The shape of one letter kind: its data type, its placeholders and its structured sections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from fondsengine.guidelines.model import Guideline, LetterText
from fondsengine.letters.model import LetterContext
from fondsengine.letters.stored import LetterSnapshot

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

D = TypeVar("D")


def mail_msgid(message: str) -> str:
    """Mark a German msgid of a mail for the catalogue (fondsengine/translations, domain mails);
    the mail code translates it when the mail is built."""
    return message


COMMON_PLACEHOLDERS: tuple[str, ...] = (
    "recipient_name",
    "applicant_name",
    "project_title",
    "title",  # alias of project_title
    "fund_name",
    "file_number",
    "date",
    "office_name",
    "office_email",
    "office_phone",
    "contact_person",
    "city_name",
    "guideline_version",
    "issuer_name",  # who issues the decision (issuance.issuer.name, else the office)
    "authority_file_number",  # the granting authority's file number (issuance.file_number_scheme)
)


# What a letter's snapshot may need beyond the application row itself (lifecycle/effects.py writes
# these keys only for the kinds that declare them, and loads each fact at most once per step):
# "balance": paid_cents (the application's bookings); "proof": eligible_cents and receipts (the latest
# proof of use); "review_failures": the review items not fulfilled; "cost_lines": the cost plan;
# "decision": decided_on and lapse_due_on; "lifted_limits": the soft limits lifted with their reasons.
LetterFact = Literal["balance", "proof", "review_failures", "cost_lines", "decision", "lifted_limits"]


@dataclass(frozen=True)
class LetterKind(Generic[D]):
    """One registered letter kind: everything about it lives here and nowhere else (docs/letters.md).

    Its stored snapshot is read into `snapshot` (the typed keys the kind reads) and turned into the
    letter's data by `from_snapshot`; its German label, the name of its PDF and the subject of the
    mail that carries it are read from here by the web pages, the outbox and the to-do list."""

    kind: str  # the id stored in Letter.kind and in the guideline's letters section
    label: str  # German name of the letter
    data_type: type[D]
    placeholders: tuple[str, ...]  # kind-specific placeholder names (besides the common ones)
    values: Callable[[D], dict[str, str]]  # kind-specific placeholder values
    sections: Callable[[LetterContext, D], list[Flowable]]  # tables and lists after the body
    snapshot: type[LetterSnapshot]  # the stored keys this kind reads, typed (letters/stored.py)
    from_snapshot: Callable[[Any, Guideline, date], D]  # its snapshot and guideline -> its data
    file_name: str  # the PDF's name before the file number, ASCII only: Bewilligungsbescheid-QF-2026-0001.pdf
    mail_subject: str | None  # msgid of the mail carrying it (%(title)s); None: the decision mail
    default_text: LetterText  # subject, body and closing when the guideline brings no text of its own
    objection: bool = False  # ends with the Rechtsbehelfsbelehrung
    approves: bool = False  # its decision mail (mail_subject None) tells an approval, else a rejection
    guideline_text: bool = True  # a guideline may bring its own text (letters.<kind>)
    needs: frozenset[LetterFact] = frozenset()  # the facts its snapshot stores besides the application's

    def all_placeholders(self) -> tuple[str, ...]:
        """Every placeholder this kind's texts may use."""
        return COMMON_PLACEHOLDERS + self.placeholders
