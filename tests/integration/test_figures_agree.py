"""Every consumer of the money figures shows the same value for the same figure.

The figures are recomputed here from the raw rows (ledger bookings, refund claims, applications)
and compared with the engine read model (fondsengine.reports.figures), the dashboard and the yearly
overview (page, CSV), the annual report, the roll-up for the Land and `fondsengine budget`:
on the demo data and on randomised histories (a seeded random sequence of service calls), on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import random
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from fondsengine import demo
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.service import CostItemInput
from fondsengine.cli.main import main
from fondsengine.clock import local_date
from fondsengine.engine import Actor, Engine
from fondsengine.errors import FondsError
from fondsengine.integrity.check import verify
from fondsengine.model import Application, CostItem, LedgerEntry, ProofOfUse, Receipt, Refund
from fondsengine.notify import FakeMailer
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.payments.proofs import ReceiptInput
from fondsengine.public.stats import year_statistics
from fondsengine.reports import figures
from fondsengine.reports.data import annual_report_data, rollup_data
from fondsengine.reports.monitoring import monitoring_figures, monitoring_rows
from tests.support.factories import CF, QF, person, quartiersfonds_input, with_bank_account
from tests.support.jury import decide_on_paper
from webapp import create_app

PASSWORD = "geheim-genug-123"
IBAN = "DE89 3704 0044 0532 0130 00"


def expected(fonds: Engine, fund_id: str, year: int) -> dict[str, int]:
    """The figures recomputed from the raw rows, independently of fondsengine.reports.figures."""
    with fonds.db.read() as s:
        sums = dict(
            s.execute(
                select(LedgerEntry.kind, func.sum(LedgerEntry.amount_cents))
                .where(LedgerEntry.fund_id == fund_id, LedgerEntry.budget_year == year)
                .group_by(LedgerEntry.kind)
            ).all()
        )
        claims = [
            c
            for c, fid, y in s.execute(
                select(Refund.claimed_cents, Application.fund_id, Application.budget_year).join(
                    Application, Application.id == Refund.application_id
                )
            ).all()
            if fid == fund_id and y == year
        ]
        applied = [
            a.requested_cents
            for a in s.scalars(select(Application).where(Application.fund_id == fund_id))
            if a.budget_year == year and a.submitted_at is not None
        ]
    g = {k: int(v) for k, v in sums.items()}.get
    out = {
        "applied": sum(applied),
        "allocated": g("allocation", 0),
        "carried": g("carry_over", 0),
        "expired": g("expiry", 0),
        "approved": g("commitment", 0),
        "released": g("release", 0),
        "paid": g("payment", 0),
        "refund_claimed": sum(claims),
        "refund_received": g("refund", 0),
    }
    out["committed"] = out["approved"] - out["released"]
    out["paid_net"] = out["paid"] - out["refund_received"]
    out["refund_open"] = out["refund_claimed"] - out["refund_received"]
    out["free"] = out["allocated"] + out["carried"] - out["expired"] - out["committed"]
    return out


def _euro_to_cents(text: str) -> int:
    text = text.replace("\xa0", " ").replace("€", "").strip().replace(".", "")
    negative = text.startswith("-") or text.startswith("−")
    cents = int(text.lstrip("-−").replace(",", ""))
    return -cents if negative else cents


def _page_figures(html: str, within: str | None = None) -> dict[str, int]:
    if within is not None:
        html = html.split(within, 1)[1].split("</dl>", 1)[0]
    return {k: _euro_to_cents(v) for k, v in re.findall(r'data-figure="(\w+)">([^<]*)<', html)}


def web_client(fonds: Engine) -> FlaskClient:
    settings = dataclasses.replace(
        fonds.settings, secret_key="test-secret-key-0123456789abcdef-32+", secure_cookies=False, mail_backend="console"
    )
    app = create_app(settings, fonds=fonds, mailer=FakeMailer())
    app.config["WTF_CSRF_ENABLED"] = False
    return app.test_client()


def assert_consumers_agree(
    fonds: Engine, client: FlaskClient, office: Actor, fund_id: str, year: int, capsys: pytest.CaptureFixture[str]
) -> dict[str, int]:
    """All consumers against the recomputed figures; returns them."""
    want = expected(fonds, fund_id, year)
    fig = figures.read_year(fonds, fund_id, year)
    assert {k: getattr(fig, k) for k in want} == want
    assert fig.balance().free == fig.free and fig.balance().committed == fig.committed

    # dashboard
    dashboard = _page_figures(client.get(f"/verwaltung/?fonds={fund_id}&jahr={year}").get_data(as_text=True))
    names = {"refunded": "refund_received"}
    for key, cents in dashboard.items():
        if key != "pipeline":
            assert cents == want[names.get(key, key)], key
    assert {"applied", "approved", "committed", "paid", "refunded", "free"} <= set(dashboard)

    # yearly overview: the totals, and the rows by state add up to them
    html = client.get(f"/verwaltung/jahresuebersicht?fonds={fund_id}&jahr={year}").get_data(as_text=True)
    assert _page_figures(html, 'id="year-figures"') == {k: want[k] for k in figures.ROW_KEYS}
    text = client.get(f"/verwaltung/jahresuebersicht.csv?fonds={fund_id}&jahr={year}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    end = rows.index([])
    by_state = rows[1:end]
    for column, key in ((2, "applied"), (3, "approved"), (4, "committed"), (5, "paid_net")):
        assert header[column].startswith(figures.LABELS[key])
        assert sum(_euro_to_cents(r[column]) for r in by_state) == want[key], key
    start = rows.index(["Summen des Haushaltsjahres", "", "Betrag (EUR)"]) + 1
    section = rows[start : rows.index([], start)]
    totals = {r[0]: _euro_to_cents(r[2]) for r in section}
    assert totals == {figures.LABELS[k]: want[k] for k in figures.ROW_KEYS}

    # annual report
    report = annual_report_data(fonds, office, fund_id, year)
    assert (report.applied_cents, report.approved_cents, report.released_cents) == (
        want["applied"],
        want["approved"],
        want["released"],
    )
    assert (report.committed_cents, report.paid_cents, report.free_cents, report.expired_cents) == (
        want["committed"],
        want["paid"],
        want["free"],
        want["expired"],
    )
    assert (report.refund_claimed_cents, report.refunded_cents) == (want["refund_claimed"], want["refund_received"])
    assert report.allocated_cents == want["allocated"] + want["carried"]
    assert sum(p.approved_cents for p in report.projects) == want["committed"]
    assert sum(p.paid_cents for p in report.projects) == want["paid_net"]
    assert sum(r.approved_cents for r in report.by_category) == want["committed"]
    assert sum(m.committed_cents for m in report.monthly) == want["committed"]
    assert sum(m.paid_cents for m in report.monthly) == want["paid_net"]

    # roll-up: the projects holding money, with the amount approved for each
    rollup = rollup_data(fonds, office, fund_id, year)
    with fonds.db.read() as s:
        money = figures.application_money(s, fund_id, year)
    assert sum(p.approved_cents for p in rollup.projects) == sum(m.approved for m in money.values() if m.holds_money)
    assert len(rollup.projects) == len(report.projects) == sum(1 for m in money.values() if m.holds_money)
    assert sum(money.values(), figures.MoneyFigures()).committed == want["committed"]

    # the financing of the roll-up and of the annual report: the same figures, the projects adding up to
    # the totals, recomputed from the financing plans of the projects holding money
    fin = rollup.financing
    assert report.financing == fin
    holding = [i for i, m in money.items() if m.holds_money]
    with fonds.db.read() as s:
        plans = {a.id: a for a in s.scalars(select(Application).where(Application.id.in_(holding)))}
        costs = dict(
            s.execute(
                select(CostItem.application_id, func.sum(CostItem.amount_cents))
                .where(CostItem.application_id.in_(holding))
                .group_by(CostItem.application_id)
            ).all()
        )
    assert fin.total_cost_cents == sum(int(c) for c in costs.values())
    assert fin.total_cost_cents == sum(p.total_cost_cents for p in rollup.projects)
    with fonds.db.read() as s:
        proved = {
            p.application_id: p
            for p in s.scalars(
                select(ProofOfUse).where(ProofOfUse.status == "accepted", ProofOfUse.application_id.in_(holding))
            )
        }

    def stated(app_id: int, name: str) -> int:
        value = getattr(proved[app_id], name) if app_id in proved else None
        return int(getattr(plans[app_id], name) if value is None else value)

    assert fin.own_funds_cents == sum(stated(i, "own_funds_cents") for i in plans)
    assert fin.other_funding_cents == sum(stated(i, "other_funding_cents") for i in plans)
    for key in ("own_funds", "volunteer", "other_funding", "paid", "refund_claimed", "refund_received"):
        assert getattr(fin, f"{key}_cents") == sum(getattr(p, f"{key}_cents") for p in rollup.projects), key
    assert fin.approved_cents == sum(p.approved_cents for p in rollup.projects)
    assert fin.paid_cents == want["paid_net"]
    assert (fin.refund_claimed_cents, fin.refund_received_cents) == (want["refund_claimed"], want["refund_received"])
    if fin.split_approved:  # the fund's financing split adds up to the cent
        assert sum(c for _n, c in fin.split_approved) == fin.approved_cents
        assert sum(c for _n, c in fin.split_paid) == fin.paid_cents

    # public statistics, the open-data API and the monitoring figures
    st = year_statistics(fonds, fund_id, year)
    assert (st.requested_cents, st.approved_cents, st.committed_cents, st.paid_cents, st.refunded_cents) == (
        want["applied"], want["approved"], want["committed"], want["paid_net"], want["refund_received"],
    )  # fmt: skip
    api = client.get(f"/api/v1/funds/{fund_id}/statistics/{year}").get_json()
    assert [api[k]["cents"] for k in ("requested", "approved", "committed", "paid", "refunded")] == [
        want["applied"], want["approved"], want["committed"], want["paid_net"], want["refund_received"],
    ]  # fmt: skip
    shown = {(r.section, r.label): r.value for r in monitoring_rows(monitoring_figures(fonds, office, fund_id, year))}
    for key in ("applied", "approved", "committed", "paid_net", "refund_received"):
        assert shown[("Beträge", figures.LABELS[key])] == want[key], key

    # fondsengine budget
    capsys.readouterr()
    assert main(["--database", fonds.settings.effective_database_url, "budget", fund_id, "--year", str(year)]) == 0
    printed = {}
    for line in capsys.readouterr().out.splitlines()[1:]:
        label, amount = re.split(r"\s{2,}", line.strip())
        printed[label] = _euro_to_cents(amount)
    assert printed == {figures.LABELS[k]: want[k] for k in figures.ROW_KEYS}
    return want


def _login(client: FlaskClient, email: str, password: str) -> None:
    response = client.post("/anmelden", data={"email": email, "password": password})
    assert response.status_code == 302


def test_all_consumers_agree_on_the_demo_data(fonds: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.seed(fonds)
    client = web_client(fonds)
    _login(client, demo.LOGINS[0].email, demo.LOGINS[0].password)
    office = Actor.scheduler()
    qf = assert_consumers_agree(fonds, client, office, QF, 2026, capsys)
    assert_consumers_agree(fonds, client, office, QF, 2027, capsys)
    assert_consumers_agree(fonds, client, office, CF, 2026, capsys)
    # the cases of the issue: approved and bound differ by what was released (lapse, unspent parts),
    # and the 200 € claimed back is shown as claimed although nothing was received yet
    assert qf["approved"] - qf["released"] == qf["committed"] and qf["released"] > 0
    assert qf["refund_claimed"] == 20_000 and qf["refund_received"] == 0
    report = annual_report_data(fonds, office, QF, 2026)
    assert report.refund_claimed_cents == qf["refund_claimed"] > 0


class History:
    """A randomised history of one fund's year driven through the service functions."""

    def __init__(self, fonds: Engine, rnd: random.Random) -> None:
        self.fonds, self.rnd = fonds, rnd
        self.office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
        self.session = decisions.create_session(
            fonds, self.office, QF, datetime(2027, 3, 10, 17, tzinfo=UTC), "Rathaus"
        )
        with fonds.db.read() as s:
            self.checklist = fonds.catalog.current(s, QF)[2].review_checklist
        self.refused = 0
        self.done: list[str] = []

    def _try(self, name: str, step: Callable[[], Any]) -> bool:
        try:
            step()
        except FondsError:
            self.refused += 1
            return False
        self.done.append(name)
        return True

    def one(self, n: int) -> None:
        f, office, rnd = self.fonds, self.office, self.rnd
        who = person(f, f"Person {n}", f"p{n}@example.org")
        requested = rnd.randrange(20_000, 150_000, 500)
        costs = (CostItemInput("material", "Material", requested - 10_000), CostItemInput("publicity", "Flyer", 10_000))
        app_id = apps.create_draft(
            f, who, QF, quartiersfonds_input(contact_name=f"Person {n}", requested_cents=requested, cost_items=costs)
        )
        if rnd.random() < 0.1:
            return  # stays a draft
        apps.submit(f, who, app_id)
        if rnd.random() < 0.1:
            self._try("withdraw", lambda: apps.withdraw(f, who, app_id))
            return
        decisions.start_review(f, office, app_id)
        decisions.record_review(f, office, app_id, {i.id: ("fulfilled", "") for i in self.checklist})
        decisions.complete_review(f, office, app_id)
        if rnd.random() < 0.15:
            self._try("reject", lambda: decisions.decide_reject(f, office, app_id, "Passt nicht"))
            return
        decisions.schedule(f, office, app_id, self.session)
        amount = requested if rnd.random() < 0.6 else rnd.randrange(10_000, requested, 500)
        if not self._try(
            "approve",
            lambda: decide_on_paper(
                f, office, app_id, "approve", amount_cents=amount, reason="Teilbetrag" if amount < requested else None
            ),
        ):
            return
        if rnd.random() < 0.9:  # without a bank account on file the office cannot pay directly
            with_bank_account(f, office, app_id, f"Person {n}")
        roll = rnd.random()
        if roll < 0.15:
            self._try("lapse", lambda: proofs.lapse(f, Actor.scheduler(), app_id))
            return
        if roll < 0.3:
            return  # approved, nothing paid
        advance = rnd.randrange(5_000, amount + 1, 500) if rnd.random() < 0.7 else amount
        if rnd.random() < 0.5:
            paid = self._try(
                "request+pay",
                lambda: payments.request_payment(
                    f, who, app_id, amount_cents=advance, kind="advance", iban=IBAN, account_holder=f"Person {n}"
                ),
            )
            if paid:
                pid = payments.payments_of(f, office, app_id)[-1].id
                if rnd.random() < 0.8:
                    self._try(
                        "pay-request",
                        lambda: payments.record_payment(
                            f, office, app_id, amount_cents=advance, kind="advance", payment_id=pid
                        ),
                    )
        else:
            self._try("pay", lambda: payments.record_payment(f, office, app_id, amount_cents=advance, kind="advance"))
        if rnd.random() < 0.1:
            self._try(
                "early refund",
                lambda: proofs.claim_refund(f, office, app_id, amount_cents=min(advance, 5_000), reason="Zu viel"),
            )
        if rnd.random() < 0.25:
            return
        spent = rnd.randrange(5_000, amount + 20_000, 500)
        receipts = [
            ReceiptInput(local_date(f.clock.now()), "Baumarkt", "Material", "material", max(spent - 3_000, 1_000)),
            ReceiptInput(local_date(f.clock.now()), "Druckerei", "Flyer", "publicity", 3_000),
        ]
        if not self._try(
            "proof", lambda: proofs.submit_proof(f, who, app_id, report="Gemacht.", receipts=receipts, confirmed=True)
        ):
            return
        with f.db.read() as s:
            ids = list(
                s.scalars(
                    select(Receipt.id)
                    .join(ProofOfUse, ProofOfUse.id == Receipt.proof_id)
                    .where(ProofOfUse.application_id == app_id, ProofOfUse.status == "submitted")
                )
            )
        for rid in ids:
            ok = rnd.random() < 0.8
            proofs.review_receipt(f, office, rid, accepted=ok, reason=None if ok else "Nicht belegt")
        if rnd.random() < 0.15 or not self._try("accept", lambda: proofs.accept_proof(f, office, app_id)):
            return
        with f.db.read() as s:
            app = s.get(Application, app_id)
            assert app is not None
            state, settled = app.state, app.settled_cents or 0
        net = payments.payments_of(f, office, app_id)
        paid_net = sum(p.amount_cents for p in net if p.status == "paid")
        if state == "proof_accepted" and settled > paid_net:
            self._try(
                "final",
                lambda: payments.record_payment(f, office, app_id, amount_cents=settled - paid_net, kind="final"),
            )
        elif settled < paid_net and self._try(
            "claim", lambda: proofs.claim_refund(f, office, app_id, reason="Weniger ausgegeben")
        ):
            part = rnd.choice((0, (paid_net - settled) // 2, paid_net - settled))
            if part > 0:
                self._try("refund", lambda: proofs.record_refund(f, office, app_id, amount_cents=part))


@pytest.mark.parametrize("seed", [7, 2027])
def test_all_consumers_agree_on_a_randomised_history(
    fonds: Engine, seed: int, capsys: pytest.CaptureFixture[str]
) -> None:
    rnd = random.Random(seed)
    history = History(fonds, rnd)
    for n in range(14):
        history.one(n)
        if n % 5 == 4:
            fonds.clock.advance(days=rnd.randrange(1, 30))  # type: ignore[attr-defined]
    client = web_client(fonds)
    _login(client, "buero@example.org", PASSWORD)
    got = assert_consumers_agree(fonds, client, history.office, QF, 2027, capsys)
    # the running sums (ledger totals and the refund claims per year) equal their folds
    assert not [f.message for f in verify(fonds).findings if f.check == "summen"]
    # the history reached the interesting cases (so the comparison compared something)
    done = set(history.done)
    assert {"approve", "proof", "accept"} <= done and done & {"pay", "pay-request", "final"}
    assert got["approved"] > got["committed"] > 0 and got["paid"] > 0
