"""What a proposed guideline would change: each past application's findings and money, and totals per state.

For every submitted application of the fund, the eligibility checks and the amount rule run twice,
under the guideline it was decided by and under the proposal, with the same context (the day it
was submitted, the budget free now). The amount an application gets under a guideline is

- the amount asked of it (the approved amount once decided, the requested amount before), cut to
  the most the guideline allows (`calc.max_grant_cents`, every cap with its clause: so also net
  costs for applicants who deduct input tax, no fees for the group's own members, the de-minimis
  rest, the falling share of a linked repeat and a maximum of repeats), and to a soft limit the
  office has not lifted for it (`rules_money.soft_cap_cents`);
- nothing for a refused, withdrawn or lapsed application (only its findings are compared);
- 0, "nicht förderfähig", when a blocking finding remains that a lower amount does not resolve
  (anything but the amount limits of `rules_money.LIMIT_CODES`), or when the cut amount is 0 or
  below the guideline's minimum.

So the difference per application says whether the proposal would cut it ("gekürzt auf X"),
exclude it, allow more, or leave it as it is, and the totals say how much more or less the fund
would grant, per state of the applications. No Flask; the CLI prints it or writes it as CSV.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from fondsengine import ledger
from fondsengine.clock import local_date
from fondsengine.engine import Engine
from fondsengine.errors import NotFound
from fondsengine.guidelines.calc import max_grant_cents
from fondsengine.guidelines.findings import ApplicationData, CheckContext, Finding
from fondsengine.guidelines.loader import load_guideline_text
from fondsengine.guidelines.model import Guideline
from fondsengine.guidelines.rules import check
from fondsengine.guidelines.rules_money import LIMIT_CODES, soft_cap_cents
from fondsengine.lifecycle.views import application_data, check_context, pending_states
from fondsengine.model import Application, Fund
from fondsengine.money import format_euro
from fondsengine.public.projects import FUNDED_OUTCOMES
from fondsengine.reports.cells import csv_amount, csv_text

# German verdicts, one source for the terminal and the CSV
NOT_ELIGIBLE = "nicht förderfähig"
NOW_ELIGIBLE = "förderfähig"
CUT = "gekürzt auf"
MORE = "mehr möglich:"
SAME = "Betrag unverändert"


@dataclass(frozen=True)
class Change:
    """How one application's findings and money differ under the proposed guideline."""

    application_id: int
    file_number: str | None
    title: str
    state_label: str  # German label of the application's state
    blocking_before: bool  # not eligible under its own guideline
    blocking_after: bool  # not eligible under the proposal
    added: tuple[str, ...]  # findings only under the new guideline (cited)
    removed: tuple[str, ...]  # findings only under the old guideline
    cents_before: int  # what it gets under its own guideline
    cents_after: int  # what it would get under the proposal
    pending: bool = False  # not decided yet (the proposal could still apply to its decision)

    @property
    def difference_cents(self) -> int:
        """Positive: the proposal grants more; negative: less."""
        return self.cents_after - self.cents_before

    @property
    def verdict(self) -> str:
        """In German: not eligible any more, cut to an amount, more possible, or the same amount."""
        if self.blocking_after and not self.blocking_before:
            return NOT_ELIGIBLE
        if self.blocking_before and not self.blocking_after:
            return f"{NOW_ELIGIBLE}, bis {format_euro(self.cents_after)}"
        if self.cents_after < self.cents_before:
            return f"{CUT} {format_euro(self.cents_after)}"
        if self.cents_after > self.cents_before:
            return f"{MORE} {format_euro(self.cents_after)}"
        return SAME


@dataclass(frozen=True)
class StateTotal:
    """The money of the applications in one state, under the old rules and the proposal."""

    state_label: str
    applications: int
    cents_before: int
    cents_after: int

    @property
    def difference_cents(self) -> int:
        """Positive: the proposal grants more in this state."""
        return self.cents_after - self.cents_before


@dataclass(frozen=True)
class Totals:
    """Count and money of a group of applications under the old rules and the proposal."""

    count: int = 0
    before_cents: int = 0
    after_cents: int = 0

    @property
    def delta_cents(self) -> int:
        """Positive: the proposal grants more."""
        return self.after_cents - self.before_cents


@dataclass(frozen=True)
class WhatIf:
    """The outcome of replaying a fund's applications under a proposed guideline."""

    fund_id: str
    changes: tuple[Change, ...]  # only applications whose findings or money change
    totals: tuple[StateTotal, ...]  # every state with submitted applications, all of them counted
    past: Totals = Totals()  # decided applications
    pending: Totals = Totals()  # submitted, not decided yet

    @property
    def cents_before(self) -> int:
        """All applications' money under their own guidelines."""
        return sum(t.cents_before for t in self.totals)

    @property
    def cents_after(self) -> int:
        """All applications' money under the proposal."""
        return sum(t.cents_after for t in self.totals)


def _grant(findings: list[Finding], asked: int, most: int, g: Guideline) -> tuple[int, bool]:
    """What an application gets under a guideline, and whether it is not eligible at all."""
    amount = max(0, min(asked, most))
    refused = any(f.blocking and f.code not in LIMIT_CODES for f in findings)
    if refused or (asked > 0 and (amount <= 0 or amount < g.amounts.min_cents)):
        return 0, True
    return amount, False


def _most(data: ApplicationData, g: Guideline, ctx: CheckContext) -> int:
    """The most an application can get under a guideline: every cap, and the soft limits not lifted."""
    most = max_grant_cents(data, g, ctx)
    soft = soft_cap_cents(data, g)
    return most if soft is None else min(most, soft)


def whatif(fonds: Engine, fund_id: str, proposal: str | Path) -> WhatIf:
    """Replay every submitted application of a fund under the guideline file `proposal`."""
    path = Path(proposal)
    return whatif_text(fonds, fund_id, path.read_text(encoding="utf-8"), source=str(path))  # names a missing file


def whatif_text(fonds: Engine, fund_id: str, text: str, *, source: str) -> WhatIf:
    """Replay every submitted application of a fund under a guideline text (NotFound for an unknown fund)."""
    with fonds.db.read() as s:
        if s.get(Fund, fund_id) is None:
            raise NotFound(f"Den Fonds „{fund_id}“ gibt es nicht.")
    new = load_guideline_text(text, source=source, fund_id=fund_id)
    with fonds.db.read() as s:
        return compare(fonds, s, fund_id, new)


def compare(fonds: Engine, s: Session, fund_id: str, new: Guideline) -> WhatIf:
    """The fund's submitted applications under their own guidelines and under `new`, in one read."""
    changes: list[Change] = []
    totals: dict[str, list[int]] = {}
    groups = {True: [0, 0, 0], False: [0, 0, 0]}
    apps = s.scalars(
        select(Application)
        .where(Application.fund_id == fund_id, Application.submitted_at.is_not(None))
        .order_by(Application.id)
    ).all()
    pending = pending_states(fonds.catalog, s)
    for app in apps:
        old: Guideline = fonds.catalog.guideline(s, app.guideline_version_id)
        state = fonds.catalog.workflow(s, app.workflow_version_id).state(app.state)
        label = state.label
        assert app.submitted_at is not None
        day = local_date(app.submitted_at)
        free = ledger.balance(s, app.fund_id, app.budget_year).free
        ctx = check_context(s, app, now_date=day, budget_free=free, pending_states=pending)
        data = application_data(app)
        before_findings, after_findings = check(data, old, ctx), check(data, new, ctx)
        before = {(f.code, f.cited()) for f in before_findings}
        after = {(f.code, f.cited()) for f in after_findings}
        asked = app.approved_cents if app.approved_cents is not None else app.requested_cents
        if state.outcome is not None and state.outcome not in FUNDED_OUTCOMES:
            asked = 0  # refused, withdrawn, lapsed: no money either way (the findings still compare)
        cents_before, blocking_before = _grant(before_findings, asked, _most(data, old, ctx), old)
        cents_after, blocking_after = _grant(after_findings, asked, _most(data, new, ctx), new)
        open_ = app.decided_at is None and state.outcome is None
        for row in (totals.setdefault(label, [0, 0, 0]), groups[open_]):
            row[0] += 1
            row[1] += cents_before
            row[2] += cents_after
        if before != after or blocking_before != blocking_after or cents_before != cents_after:
            changes.append(
                Change(
                    app.id,
                    app.file_number,
                    app.title,
                    label,
                    blocking_before,
                    blocking_after,
                    tuple(sorted(m for _, m in after - before)),
                    tuple(sorted(m for _, m in before - after)),
                    cents_before,
                    cents_after,
                    open_,
                )
            )
    return WhatIf(
        fund_id,
        tuple(changes),
        tuple(StateTotal(label, n, b, a) for label, (n, b, a) in totals.items()),
        past=Totals(*groups[False]),
        pending=Totals(*groups[True]),
    )


CSV_HEADER = (
    "Aktenzeichen",
    "Projekt",
    "Status",
    "Bisher (EUR)",
    "Neu (EUR)",
    "Differenz (EUR)",
    "Ergebnis",
    "Neue Hinweise",
    "Entfallene Hinweise",
)


def whatif_csv(result: WhatIf) -> str:
    """The changed applications, then one sum row per state and the total, for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for c in result.changes:
        writer.writerow(
            [
                csv_text(c.file_number or str(c.application_id)),
                csv_text(c.title),
                c.state_label,
                csv_amount(c.cents_before),
                csv_amount(c.cents_after),
                csv_amount(c.difference_cents),
                c.verdict,
                csv_text(" | ".join(c.added)),
                csv_text(" | ".join(c.removed)),
            ]
        )
    for t in result.totals:
        writer.writerow(
            [
                "Summe",
                f"{t.applications} {'Antrag' if t.applications == 1 else 'Anträge'}",
                t.state_label,
                csv_amount(t.cents_before),
                csv_amount(t.cents_after),
                csv_amount(t.difference_cents),
                "",
                "",
                "",
            ]
        )
    writer.writerow(
        [
            "Summe",
            "alle Anträge",
            "",
            csv_amount(result.cents_before),
            csv_amount(result.cents_after),
            csv_amount(result.cents_after - result.cents_before),
            "",
            "",
            "",
        ]
    )
    return out.getvalue()
