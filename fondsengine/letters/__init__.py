"""Letters and reports as PDF: plain dataclasses in, deterministic PDF bytes out."""

from fondsengine.letters.model import (
    ApprovalData,
    ChangesData,
    CostLine,
    LapseData,
    LetterContext,
    PaymentData,
    ProofResultData,
    Reason,
    ReceiptData,
    ReceiptLine,
    RecommendationData,
    RefundData,
    RejectionData,
    letter_context,
)
from fondsengine.letters.registry import (
    LETTER_KINDS,
    check_template,
    letter_kind,
    placeholders_for,
    render_letter,
)

__all__ = [
    "LETTER_KINDS",
    "ApprovalData",
    "ChangesData",
    "CostLine",
    "LapseData",
    "LetterContext",
    "PaymentData",
    "ProofResultData",
    "Reason",
    "ReceiptData",
    "ReceiptLine",
    "RecommendationData",
    "RefundData",
    "RejectionData",
    "check_template",
    "letter_context",
    "letter_kind",
    "placeholders_for",
    "render_letter",
]
