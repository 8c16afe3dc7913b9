"""The receipt checks of a proof of use against the Quartiersfonds guideline (pure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from fondsengine.guidelines.loader import load_guideline
from fondsengine.payments.receipt_checks import BLOCK, WARN, ReceiptLine, check_receipts, recognisable

ROOT = Path(__file__).resolve().parents[2]
G = load_guideline(ROOT / "richtlinien" / "witten-quartiersfonds.yaml")
PLAN = {"material", "fees", "catering"}
KW = {
    "plan_categories": PLAN,
    "project_start": date(2027, 4, 10),
    "project_end": date(2027, 9, 30),
    "approved_on": date(2027, 3, 10),
    "today": date(2027, 10, 15),
    "applicant_names": ("Anna Beispiel", "Nachbarschaftsinitiative Wiesenviertel"),
}


def _codes(receipts: list[ReceiptLine], **changes: object) -> dict[int, list[tuple[str, str, str | None]]]:
    out: dict[int, list[tuple[str, str, str | None]]] = {}
    for f in check_receipts(G, receipts, **{**KW, **changes}):  # type: ignore[arg-type]
        out.setdefault(f.position, []).append((f.code, f.severity, f.clause))
    return out


def test_a_clean_receipt_has_no_findings() -> None:
    assert _codes([ReceiptLine(1, date(2027, 5, 3), "Baumarkt", "material", 60_000)]) == {}


def test_each_problem_of_the_issue_is_found_with_its_clause() -> None:
    receipts = [
        ReceiptLine(1, date(2027, 2, 1), "Baumarkt", "material", 10_000),  # before the approval
        ReceiptLine(2, date(2027, 5, 3), "Lohnbüro", "personnel", 30_000),  # not eligible
        ReceiptLine(3, date(2027, 5, 3), "Irgendwas", "yoga", 5_000),  # unknown category
        ReceiptLine(4, date(2027, 11, 3), "Baumarkt", "material", 5_000),  # in the future
        ReceiptLine(5, date(2027, 5, 4), "anna  beispiel", "fees", 20_000),  # own fee
        ReceiptLine(6, date(2027, 4, 1), "Druckerei", "publicity", 4_000),  # before the project, not planned
        ReceiptLine(7, date(2027, 10, 2), "Baumarkt", "material", 3_000),  # after the project
    ]
    got = _codes(receipts)
    assert got[1] == [("before_approval", BLOCK, "§ 9 Abs. 1")]
    assert got[2] == [("category_not_eligible", BLOCK, "§ 5 Abs. 5")]
    assert got[3] == [("category_unknown", BLOCK, "§ 5")]
    assert got[4] == [("date_in_future", BLOCK, "§ 9 Abs. 1")]
    assert got[5] == [("own_fee", BLOCK, "§ 5 Abs. 2")]
    assert sorted(got[6]) == [("before_project", WARN, "§ 9 Abs. 1"), ("category_not_planned", WARN, "§ 5")]
    assert got[7] == [("after_project", WARN, "§ 9 Abs. 1")]


def test_the_guideline_may_allow_receipts_from_before_the_approval() -> None:
    early = replace(G, proof=replace(G.proof, receipts_before_approval=True))
    findings = check_receipts(early, [ReceiptLine(1, date(2027, 2, 1), "Baumarkt", "material", 10_000)], **KW)  # type: ignore[arg-type]
    assert [(f.code, f.severity) for f in findings] == [("before_project", WARN)]


def test_catering_above_its_caps_is_recognised_only_up_to_the_cap() -> None:
    # eligible costs 3.000 €: catering at most 10 % (300 €) and at most 200 € per application
    receipts = [
        ReceiptLine(1, date(2027, 5, 3), "Baumarkt", "material", 270_000),
        ReceiptLine(2, date(2027, 5, 4), "Bäcker", "catering", 15_000),
        ReceiptLine(3, date(2027, 5, 5), "Getränke", "catering", 15_000),
        ReceiptLine(4, date(2027, 5, 6), "Getränke", "catering", 1_000),
    ]
    findings = check_receipts(G, receipts, **KW)  # type: ignore[arg-type]
    caps = {f.position: f for f in findings if f.code == "category_cap"}
    assert sorted(caps) == [3, 4] and 2 not in caps
    assert caps[3].recognisable_cents == 5_000 and "200,00 €" in caps[3].message and caps[3].clause == "§ 5 Abs. 3"
    assert caps[4].recognisable_cents == 0
    assert recognisable(findings, 3, 15_000) == 5_000
    assert recognisable(findings, 2, 15_000) == 15_000


def test_the_share_cap_binds_when_it_is_lower_than_the_amount_cap() -> None:
    receipts = [
        ReceiptLine(1, date(2027, 5, 3), "Baumarkt", "material", 90_000),
        ReceiptLine(2, date(2027, 5, 4), "Bäcker", "catering", 15_000),  # 10 % of 1.050 € = 105 €
    ]
    (cap,) = [f for f in check_receipts(G, receipts, **KW) if f.code == "category_cap"]  # type: ignore[arg-type]
    assert cap.recognisable_cents == 10_500 and "10 %" in cap.message
