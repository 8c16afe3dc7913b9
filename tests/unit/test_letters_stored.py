"""A letter's stored snapshot is read into its kind's typed snapshot; older snapshots still render."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path

import pytest

from fondsengine.guidelines.loader import load_guideline
from fondsengine.letters import LETTER_KINDS, letter_kind, render_letter
from fondsengine.letters.kinds_decision import ApprovalSnapshot, RefundSnapshot
from fondsengine.letters.kinds_notice import PaymentSnapshot
from fondsengine.letters.model import PaymentData, RefundData
from fondsengine.letters.snapshot import context_for, letter_data
from fondsengine.letters.stored import LetterSnapshot, read_snapshot
from fondsengine.letters.template import empty_placeholders
from fondsengine.letters.values import letter_values

ROOT = Path(__file__).resolve().parents[2]
QF = load_guideline(ROOT / "richtlinien" / "witten-quartiersfonds.yaml")
ON = date(2026, 6, 1)


def test_the_stored_keys_are_read_typed_and_a_missing_or_wrong_key_reads_empty() -> None:
    s = read_snapshot(
        ApprovalSnapshot,
        {
            "approved_cents": 150000,
            "requested_cents": "viel",  # not an amount: 0, as the untyped reading did
            "cost_lines": [["material", "Bühne", 150000]],
            "proof_due_on": "2026-09-30",
            "project_start": "",
            "conditions": ["Auflage"],
            "own_funds_cents": None,
            "unknown_key": 1,
        },
    )
    assert s.approved_cents == 150000 and s.requested_cents == 0
    assert s.cost_lines == (("material", "Bühne", 150000),)
    assert s.proof_due_on == date(2026, 9, 30) and s.project_start is None
    assert s.conditions == ("Auflage",) and s.own_funds_cents is None
    assert s.title == "" and s.address == () and s.reason is None


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_every_kind_reads_its_snapshot_class_and_every_field_has_a_default(kind: str) -> None:
    spec = letter_kind(kind)
    assert issubclass(spec.snapshot, LetterSnapshot)
    assert read_snapshot(spec.snapshot, {}) == spec.snapshot()  # an empty snapshot reads
    assert all(f.name in spec.snapshot.__dataclass_fields__ for f in fields(LetterSnapshot))


def _old_snapshot(kind: str) -> dict[str, object]:
    """A snapshot as an earlier version stored it: the basic keys only, no legal entity, no extras."""
    return {
        "kind": kind,
        "date": ON.isoformat(),
        "file_number": "QF-2025-0007",
        "title": "Hoffest",
        "applicant_name": "Ayşe Yılmaz",
        "address": ["Ruhrstraße 1", "58452 Witten"],
        "requested_cents": 120000,
        "approved_cents": 100000,
        "settled_cents": 90000,
        "paid_cents": 100000,
        "amount_cents": 10000,
        "reason": "Begründung der Entscheidung",
        "submitted_on": "2026-03-01",
        "approved_on": "2026-04-01",
        "trigger": "record_final_payment",
    }


@pytest.mark.parametrize("kind", LETTER_KINDS)
def test_a_snapshot_of_an_earlier_version_still_builds_its_letter(kind: str) -> None:
    d = _old_snapshot(kind)
    data = letter_data(kind, d, QF, ON)
    assert isinstance(data, letter_kind(kind).data_type)
    ctx = context_for(QF, d, ON)
    assert ctx.file_number == "QF-2025-0007" and ctx.recipient_address == ("Ruhrstraße 1", "58452 Witten")
    values = letter_values(letter_kind(kind), ctx, data)
    assert empty_placeholders("{file_number} {title}", values) == []


def test_an_old_final_payment_letter_without_its_label_is_named_by_its_trigger() -> None:
    data = letter_data("payment", _old_snapshot("payment"), QF, ON)
    assert isinstance(data, PaymentData)
    assert data.payment_label == "Schlusszahlung" and data.approved_cents == 90000
    assert data.total_paid_cents == 110000
    typed = read_snapshot(PaymentSnapshot, {"extra": {"payment_label": "Abschlag (80 %)"}})
    assert typed.extra == {"payment_label": "Abschlag (80 %)"}


def test_an_old_advance_letter_before_the_settled_grant_is_a_payment_of_the_approved_amount() -> None:
    d = _old_snapshot("payment") | {"settled_cents": None, "trigger": "record_payment"}
    data = letter_data("payment", d, QF, ON)
    assert isinstance(data, PaymentData)
    assert data.payment_label == "Auszahlung" and data.approved_cents == 100000
    assert data.total_paid_cents == 110000


def test_a_refund_without_the_recognised_grant_reads_it_as_paid_minus_the_refund() -> None:
    d = _old_snapshot("refund") | {"settled_cents": None}
    assert read_snapshot(RefundSnapshot, d).settled_cents is None
    data = letter_data("refund", d, QF, ON)
    assert isinstance(data, RefundData) and data.recognised_cents == 90000


def test_an_old_snapshot_renders_a_pdf() -> None:
    d = _old_snapshot("receipt")
    pdf = render_letter("receipt", context_for(QF, d, ON), letter_data("receipt", d, QF, ON))
    assert pdf.startswith(b"%PDF")
