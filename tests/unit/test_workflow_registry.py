"""One registry each for guards and effects: the loader, the machine and the docs use it."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from fondsengine.workflow.loader import (
    CLAIM_BOOKING,
    REFUND_BOOKING,
    declares_refund_bookings,
    load_workflow,
    load_workflow_text,
    with_refund_bookings,
)
from fondsengine.workflow.machine import GuardResult, WorkflowMachine
from fondsengine.workflow.model import Workflow
from fondsengine.workflow.registry import EFFECTS, GUARDS, Registry

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8")


def _documented(section: str) -> dict[str, str]:
    """name -> meaning of the table under a docs heading line starting with `section`."""
    block = DOC.split(section, 1)[1].split("\n\n**", 1)[0]
    return dict(re.findall(r"^\| `([a-z_]+)` \| (.+?) \|$", block, flags=re.M))


def test_every_name_the_shipped_workflows_use_is_registered() -> None:
    for path in sorted((ROOT / "workflows").glob("*.yaml")):
        wf = load_workflow(path)
        assert {g for t in wf.transitions for g in t.guards} <= set(GUARDS)
        assert {e for t in wf.transitions for e in t.effects} <= set(EFFECTS)


def test_the_docs_list_exactly_the_registered_guards_and_effects_with_their_descriptions() -> None:
    assert _documented("**Guards**") == GUARDS.descriptions()
    assert _documented("**Effects**") == EFFECTS.descriptions()


def test_the_docs_list_exactly_the_registered_use_cases_with_their_descriptions() -> None:
    from fondsengine.applications import steps  # noqa: F401  (registers the use cases)
    from fondsengine.workflow.registry import USE_CASES

    assert _documented("**Use cases**") == USE_CASES.descriptions()
    used = {t.use_case for path in (ROOT / "workflows").glob("*.yaml") for t in load_workflow(path).transitions}
    assert set(USE_CASES) <= used, "a registered use case no workflow names"


def test_the_docs_list_exactly_the_step_meanings_with_their_descriptions() -> None:
    from fondsengine.workflow.loader import GRANTINGS, JURY_OUTCOMES

    assert _documented("**Jury outcomes**") == JURY_OUTCOMES
    assert _documented("**Granting meanings**") == GRANTINGS


def test_the_payment_booking_is_a_registered_effect_of_both_payment_steps() -> None:
    assert "book_payment" in EFFECTS
    for name in ("bewohnerfonds", "zweistufig"):
        wf = load_workflow(ROOT / "workflows" / f"{name}.yaml")
        booking = [t.trigger for t in wf.transitions if "book_payment" in t.effects]
        assert booking == ["record_payment", "record_final_payment"]


def test_the_refund_bookings_are_registered_effects_of_the_refund_steps() -> None:
    assert {"release_on_refund_claim", "book_refund"} <= set(EFFECTS)
    for name in ("bewohnerfonds", "zweistufig"):
        wf = load_workflow(ROOT / "workflows" / f"{name}.yaml")
        releasing = [t.trigger for t in wf.transitions if "release_on_refund_claim" in t.effects]
        assert releasing == ["claim_refund"]
        (claim,) = wf.steps("claim_refund")
        # the letter states the figures before the claim: the release (which fixes the amount due) after it
        assert claim.effects.index("letter_refund") < claim.effects.index("release_on_refund_claim")
        refunding = [(t.trigger, t.sources, t.target, t.guards) for t in wf.transitions if "book_refund" in t.effects]
        assert refunding == [
            ("record_refund", ("refund_claimed",), "documented", ("refund_received",)),  # the last part
            ("record_refund", ("refund_claimed",), "refund_claimed", ("refund_open",)),  # a part: the rest stays open
        ]


# the ledger's booking functions; a use case outside the effects calls none of them
BOOKING_CALLS = {"book", "book_row", "commit_grant", "commit_grant_row", "counter_book"}
# the packages whose bookings belong to workflow steps (their effects, fondsengine/lifecycle/effects.py)
STEP_PACKAGES = ("fondsengine/payments", "fondsengine/applications", "fondsengine/jury")


def test_no_use_case_of_an_application_books_the_ledger_itself() -> None:
    found = []
    for package in STEP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in BOOKING_CALLS
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "ledger"
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: ledger.{node.func.attr}")
                if isinstance(node, ast.ImportFrom) and node.module == "fondsengine.ledger":
                    found += [f"{path.relative_to(ROOT)}:{node.lineno}: {a.name}" for a in node.names
                              if a.name in BOOKING_CALLS]  # fmt: skip
    assert found == []


def test_a_version_stored_before_the_refund_bookings_were_declared_books_as_the_shipped_files_do() -> None:
    for name in ("bewohnerfonds", "zweistufig"):
        shipped = load_workflow(ROOT / "workflows" / f"{name}.yaml")
        bookings = {CLAIM_BOOKING, REFUND_BOOKING}
        older = replace(
            shipped,
            transitions=tuple(
                replace(t, effects=tuple(e for e in t.effects if e not in bookings))
                for t in shipped.transitions
                if t.target not in t.sources or t.trigger != "record_refund"
            ),
        )
        assert not declares_refund_bookings(older)
        upgraded = with_refund_bookings(older)
        assert upgraded.version_hash != older.version_hash
        assert with_refund_bookings(shipped) is shipped

        def refund_steps(wf: Workflow) -> list[tuple[str, tuple[str, ...], str, tuple[str, ...], frozenset[str]]]:
            return [
                (t.trigger, t.sources, t.target, t.guards, frozenset(t.effects))
                for t in wf.transitions
                if t.use_case in ("claim_refund", "record_refund")
            ]

        assert refund_steps(upgraded) == refund_steps(shipped)
        (claim,) = upgraded.steps("claim_refund")
        assert claim.effects[-1] == "release_on_refund_claim"  # as the code booked it then: after the step


def test_a_name_that_is_not_registered_is_refused_with_a_suggestion() -> None:
    text = """\
label: X
states:
  - {id: a, label: A, initial: true}
  - {id: b, label: B, terminal: true, outcome: completed}
transitions:
  - {trigger: go, label: Los, source: a, target: b, roles: [manager], guards: [budget_availabel],
     effects: [book_paymnet]}
"""
    with pytest.raises(Exception) as caught:
        load_workflow_text(text, source="x.yaml", workflow_id="x")
    assert str(caught.value).splitlines() == [
        "x.yaml:6: Unbekannte Bedingung (guard) 'budget_availabel' (meinten Sie 'budget_available'?)",
        "x.yaml:7: Unbekannte Wirkung (effect) 'book_paymnet' (meinten Sie 'book_payment'?)",
    ]


def test_a_registry_refuses_a_name_twice_and_an_input_without_an_offer() -> None:
    reg: Registry[Any] = Registry("Bedingung (guard)")

    @reg.register("Immer.")
    def always(_c: Any) -> GuardResult:
        return GuardResult(True)

    assert reg.descriptions() == {"always": "Immer."}
    assert reg["always"].fn is always
    with pytest.raises(ValueError, match="registered twice"):
        reg.add("always", "Nochmal.", always)
    with pytest.raises(ValueError, match="no offer function"):
        reg.add("amount_ok", "Betrag passt.", always, needs=("amount",))


def test_the_guards_that_judge_an_amount_declare_it() -> None:
    needing = {name for name in GUARDS if GUARDS[name].needs}
    assert needing == {"payment_mode_allowed", "overpaid", "refund_received"}
    assert all(GUARDS[n].needs == ("amount",) for n in needing)


class _Ctx:
    def __init__(self, amount: int | None) -> None:
        self.amount = amount

    def given(self, name: str) -> bool:
        assert name == "amount"
        return self.amount is not None


def test_a_guard_with_an_input_is_offered_by_its_offer_and_fired_by_itself() -> None:
    reg: Registry[Any] = Registry("Bedingung (guard)")
    reg.add(
        "amount_ok",
        "Der Betrag ist größer als 0.",
        lambda c: GuardResult(c.amount > 0, "Betrag fehlt oder ist 0."),
        needs=("amount",),
        offer=lambda _c: GuardResult(True),
    )
    wf = load_workflow_text(
        """\
label: X
states:
  - {id: a, label: A, initial: true}
  - {id: b, label: B, terminal: true, outcome: completed}
transitions:
  - {trigger: go, label: Los, source: a, target: b, roles: [manager]}
""",
        source="x.yaml",
        workflow_id="x",
    )
    guarded = type(wf.transitions[0])(**{**wf.transitions[0].__dict__, "guards": ("amount_ok",)})
    wf = type(wf)(**{**wf.__dict__, "transitions": (guarded,), "version_hash": "registry-test"})
    machine = WorkflowMachine(wf, reg)
    roles = frozenset({"manager"})
    assert machine.check("a", "go", roles, _Ctx(None)).allowed  # offered: no amount yet
    assert not machine.check("a", "go", roles, _Ctx(0)).allowed  # an amount given is judged
    assert [t.trigger for t in machine.available("a", roles, _Ctx(None))] == ["go"]
    assert machine.fire("a", "go", roles, _Ctx(5)).target == "b"
    with pytest.raises(Exception, match="Betrag fehlt oder ist 0"):
        machine.fire("a", "go", roles, _Ctx(0))


def test_the_applicant_pages_a_step_may_name_are_the_pages_the_status_page_links() -> None:
    from fondsengine.workflow.loader import APPLICANT_PAGES
    from webapp.applicant.views_status import PAGES

    assert set(PAGES) == set(APPLICANT_PAGES)
    for path in sorted((ROOT / "workflows").glob("*.yaml")):
        pages = {t.applicant_page: t for t in load_workflow(path).transitions if t.applicant_page}
        assert set(pages) == set(APPLICANT_PAGES)
        assert all("applicant" in t.roles for t in pages.values())
