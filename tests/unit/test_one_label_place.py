"""Every German name of an id has one place: the engine's label table `fondsengine/labels.py` (links to
the area, payment kinds and statuses, review results, ledger kinds, with a variant per place that words
them differently) and the pages' `webapp/labels.py` (recorded events, the jury papers' fields, the
sources of money, and the engine's tables as the pages read them).

A module-level dict of German labels anywhere else is a second source that drifts: the area links were
written three times, in three persons, and the jury's papers once showed the raw key `owns_property`.
This test reads the syntax tree of every module of `fondsengine/` and `webapp/` and fails on a
module-level dict literal (or `dict(...)` call) from string keys to labels (string values, also marked
with `N_`/`_l`), unless the module is one of the two places or the dict is in ALLOWED with its reason.
A label is a short name: no sentence (sentences, e.g. descriptions and messages, are not labels), no
code value (a path, an endpoint, a format). Dicts built from the tables (`{k: v.fact for ...}`) pass.

The values the pages show are pinned in tests/web/test_area_link_texts.py.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from sqlalchemy import CheckConstraint, Table

from fondsengine.applications.decisions import REVIEW_RESULTS
from fondsengine.guidelines.read_rules import LINK_KINDS
from fondsengine.labels import (
    AREA_LINK_NAMES,
    LEDGER_KIND_NAMES,
    PAYMENT_KIND_NAMES,
    PAYMENT_STATUS_NAMES,
    REVIEW_RESULT_NAMES,
)
from fondsengine.model import Payment
from fondsengine.model.money import LEDGER_KINDS, PAYMENT_KIND_LABELS
from fondsengine.payments.service import PAYMENT_KINDS

ROOT = Path(__file__).resolve().parents[2]
LABEL_PLACES = frozenset({"fondsengine/labels.py", "webapp/labels.py"})
MARKERS = frozenset({"N_", "_l", "_", "gettext", "lazy_gettext"})

# (file, name): the label dicts that were there before this test, each with the reason it stays (to be
# moved into the label places when its module is next worked on). Do not add to it: put a new label
# into fondsengine/labels.py (engine) or webapp/labels.py (pages only).
ALLOWED: dict[tuple[str, str], str] = {
    # not labels: ids mapped to other ids
    ("fondsengine/applications/steps.py", "PAPER_RESULT"): "jury outcome word -> the office's result id",
    ("fondsengine/letters/html.py", "_STYLE_KINDS"): "paragraph style name -> block kind",
    # the file formats' own vocabulary, documented and checked against docs/ by their tests
    ("fondsengine/workflow/loader.py", "PHASES"): "workflow format vocabulary (docs/workflows.md)",
    ("fondsengine/workflow/loader.py", "ASKS"): "workflow format vocabulary (docs/workflows.md)",
    ("fondsengine/workflow/names.py", "ROLES"): "the role names the workflow files use (one place already)",
    # engine read models and reports, out of the scope of issue 11's R7 clean-up (moved later)
    ("fondsengine/jury/reads.py", "STATUS_LABELS"): "jury session status; jury read models are being reworked",
    ("fondsengine/jury/reads.py", "CHOICE_LABELS"): "vote choices; jury read models are being reworked",
    ("fondsengine/jury/minutes.py", "OUTCOME_LABELS"): "outcome words of the minutes; being reworked",
    ("fondsengine/integrity/audit_view.py", "EVENT_LABELS"): "the audit protocol's event names (own wording)",
    ("fondsengine/integrity/audit_view.py", "ROLE_LABELS"): "short column words of the audit protocol",
    ("fondsengine/accounts/organisations.py", "KINDS"): "kinds of an organisation",
    ("fondsengine/applications/todo.py", "GROUPS"): "the to-do list's group headings",
    ("fondsengine/letters/defaults.py", "FINANCING_LABELS"): "financing kinds in letters",
    ("fondsengine/reports/figures.py", "LABELS"): "the one name of each money figure (pages, exports, reports)",
    ("webapp/applicant/proof_totals.py", "LABELS"): "the proof's income rows",
    ("webapp/jury/views_chair.py", "OUTCOME_DONE"): "flash texts after a decision",
    ("webapp/manage/queue.py", "SORT_LABELS"): "the queue's sort keys (a test checks every key has one)",
    ("webapp/manage/revisions.py", "LABELS"): "field names of the revision history",
}

SOURCES = sorted(
    p for base in ("fondsengine", "webapp") for p in (ROOT / base).rglob("*.py") if "migrations" not in p.parts
)


def _text(node: ast.AST | None) -> str | None:
    """The string of a literal, or of a marker call on a literal (`N_("…")`), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS:
        return _text(node.args[0]) if len(node.args) == 1 and not node.keywords else None
    return None


def is_label(value: str) -> bool:
    """A short name: not a sentence, not a code value (path, endpoint, format, id with an underscore)."""
    code = " " not in value and re.search(r"[./%_]", value) is not None
    sentence = value.rstrip().endswith((".", "!", "?")) or len(value.split()) > 6
    return bool(value.strip()) and not code and not sentence


def _pairs(value: ast.AST) -> list[tuple[str | None, str | None]] | None:
    """The (key, value) strings of a dict literal or of a `dict(key=…)` call, else None."""
    if isinstance(value, ast.Dict):
        return [(_text(k), _text(v)) for k, v in zip(value.keys, value.values, strict=True)]
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" and not value.args:
        return [(k.arg, _text(k.value)) for k in value.keywords]
    return None


def label_dicts(source: str) -> list[tuple[str, int]]:
    """(name, line) of each module-level dict from string keys to labels (more than half of its values)."""
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        pairs = _pairs(value)
        if not pairs or not isinstance(target, ast.Name):
            continue
        if any(k is None or v is None for k, v in pairs):
            continue  # not a plain table of strings (built from another, or values of another kind)
        if 2 * sum(is_label(v) for _k, v in pairs if v is not None) > len(pairs):
            found.append((target.id, node.lineno))
    return found


def test_no_label_dict_outside_the_label_places() -> None:
    stray = []
    for path in SOURCES:
        rel = path.relative_to(ROOT).as_posix()
        if rel in LABEL_PLACES:
            continue
        for name, line in label_dicts(path.read_text(encoding="utf-8")):
            if (rel, name) not in ALLOWED:
                stray.append(f"{rel}:{line} {name}")
    assert stray == [], "label dicts outside fondsengine/labels.py and webapp/labels.py: " + ", ".join(stray)


def test_every_allowance_still_names_a_label_dict() -> None:
    """The list only shrinks: an entry whose dict moved or went is removed with it."""
    present = {
        (rel, name)
        for rel in {r for r, _n in ALLOWED}
        for name, _line in label_dicts((ROOT / rel).read_text(encoding="utf-8"))
    }
    assert sorted(set(ALLOWED) - present) == []


def test_the_check_finds_the_label_dicts_this_issue_moved_and_passes_code_and_derived_tables() -> None:
    before = """
REVIEW_RESULTS = {"fulfilled": "erfüllt", "not_fulfilled": "nicht erfüllt", "not_applicable": "entfällt"}
PAYMENT_STATUS = {"requested": "angefordert", "ordered": "angewiesen", "paid": "ausgezahlt", "cancelled": "storniert"}
KIND_LABEL = {"reimbursement": N_("Erstattung nach dem Projekt (gegen Belege)"), "rate": N_("Rate")}
AREA_LINK_TEXT: dict[str, str] = {"lives": "wohnt im Gebiet", "owns_property": "Eigentum im Gebiet"}
KINDS = dict(lives="wohnt dort", works="arbeitet dort")
"""
    assert [name for name, _line in label_dicts(before)] == [
        "REVIEW_RESULTS", "PAYMENT_STATUS", "KIND_LABEL", "AREA_LINK_TEXT", "KINDS",
    ]  # fmt: skip
    after = """
AREA_LINK_TEXT = {kind: names.fact for kind, names in AREA_LINK_NAMES.items()}
PAYMENT_STATUS = dict(PAYMENT_STATUS_NAMES)
PAGES = {"withdrawal": "applicant.withdraw", "proof": "applicant.proof"}
SUFFIXES = {".pdf": "application/pdf"}
REQUIRED = {"income": "Bitte geben Sie die Einnahmen des Projekts an (0 wenn es keine gab)."}
def f():
    local = {"lives": "wohnt dort"}
"""
    assert label_dicts(after) == []


def test_each_label_table_names_exactly_the_ids_the_engine_knows() -> None:
    assert frozenset(AREA_LINK_NAMES) == LINK_KINDS
    assert set(PAYMENT_KIND_NAMES) == set(PAYMENT_KINDS)
    assert set(REVIEW_RESULT_NAMES) == set(REVIEW_RESULTS)
    assert set(LEDGER_KIND_NAMES) == set(LEDGER_KINDS)
    table = Payment.__table__
    assert isinstance(table, Table)
    (status,) = [c for c in table.constraints if isinstance(c, CheckConstraint) and "status IN" in str(c.sqltext)]
    assert set(PAYMENT_STATUS_NAMES) == set(re.findall(r"'(\w+)'", str(status.sqltext)))
    assert PAYMENT_KIND_LABELS == {"advance": "Abschlag", "instalment": "Teilzahlung", "final": "Schlusszahlung",
                                   "reimbursement": "Erstattung"}  # fmt: skip
