"""The shape of one letter kind: its data type, its placeholders and its structured sections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from fondsengine.letters.model import LetterContext

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

D = TypeVar("D")

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


@dataclass(frozen=True)
class LetterKind(Generic[D]):
    """One registered letter: the data it takes and how its parts are built."""

    kind: str  # receipt, changes, approval, ...
    label: str  # German name of the letter
    data_type: type[D]
    placeholders: tuple[str, ...]  # kind-specific placeholder names (besides the common ones)
    values: Callable[[D], dict[str, str]]  # kind-specific placeholder values
    sections: Callable[[LetterContext, D], list[Flowable]]  # tables and lists after the body
    objection: bool = False  # ends with the Rechtsbehelfsbelehrung

    def all_placeholders(self) -> tuple[str, ...]:
        """Every placeholder this kind's texts may use."""
        return COMMON_PLACEHOLDERS + self.placeholders
