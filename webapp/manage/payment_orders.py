"""Payment orders: the open payment requests of a fund, exported for the city's treasury, marked as paid."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required
from flask_wtf import FlaskForm

from fondsengine.errors import FondsError
from fondsengine.money import to_decimal
from fondsengine.payments import service as payments
from fondsengine.payments.orders import PaymentOrder, open_payment_requests
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.fields import IdField
from webapp.labels import PAYMENT_KINDS
from webapp.manage import bp
from webapp.manage.common import Errors, chosen_fund, error_list, require_any_fund
from webapp.manage.downloads import csv_download, xlsx_download

HEADER = ("Aktenzeichen", "Empfänger/in", "IBAN", "Betrag (EUR)", "Verwendungszweck", "Art", "Angefordert am")


def open_requests(fund_id: str) -> list[PaymentOrder]:
    """The fund's payment requests not yet paid, oldest first (the engine checks the office role)."""
    return open_payment_requests(fonds(), actor(), fund_id)


def _fund() -> str:
    return chosen_fund()[1]


def _rows(fund_id: str) -> list[list[Any]]:
    return [
        [
            r.file_number or "",
            r.account_holder or "",
            r.iban or "",
            to_decimal(r.amount_cents),
            r.purpose,
            PAYMENT_KINDS.get(r.kind, r.kind),
            r.requested_at.date().isoformat(),
        ]
        for r in open_requests(fund_id)
    ]


class PaidForm(FlaskForm):
    """One open payment request to book as paid (its amount and kind are the request's)."""

    payment_id = IdField("Anforderung")


@bp.route("/auszahlungen", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def payment_orders() -> ResponseReturnValue:
    """Open payment requests; record one as paid (the engine checks the amount and the guideline)."""
    fund_id = _fund()
    errors: Errors = []
    if request.method == "POST":
        if csrf_failed():
            errors = [(None, CSRF_MESSAGE)]
        else:
            chosen = {r.id: r for r in open_requests(fund_id)}.get(PaidForm().payment_id.data or 0)
            if chosen is None:
                errors = [(None, "Diese Auszahlungsanforderung ist nicht mehr offen.")]
            else:
                try:
                    payments.record_payment(
                        fonds(),
                        actor(),
                        chosen.application_id,
                        amount_cents=chosen.amount_cents,
                        kind=chosen.kind,
                        payment_id=chosen.id,
                    )
                except FondsError as exc:
                    errors = [(None, f"{chosen.file_number}: {m}") for _f, m in error_list(exc)]
                else:
                    flash(f"Die Auszahlung für {chosen.file_number} ist als ausgezahlt gebucht.", "success")
                    return redirect(url_for("manage.payment_orders", fonds=fund_id))
    rows = open_requests(fund_id)
    return render_template(
        "manage/payment_orders.html",
        funds=require_any_fund(),
        fund_id=fund_id,
        rows=rows,
        total=sum(r.amount_cents for r in rows),
        kinds=PAYMENT_KINDS,
        errors=errors,
    ), 400 if errors else 200


@bp.route("/auszahlungen.csv")
@login_required
def payment_orders_csv() -> ResponseReturnValue:
    """The payment order list as CSV for the treasury (semicolon, decimal comma, UTF-8 with BOM)."""
    fund_id = _fund()
    return csv_download(HEADER, _rows(fund_id), f"auszahlungen-{fund_id}.csv")


@bp.route("/auszahlungen.xlsx")
@login_required
def payment_orders_xlsx() -> ResponseReturnValue:
    """The payment order list as an Excel workbook."""
    fund_id = _fund()
    return xlsx_download(HEADER, _rows(fund_id), f"auszahlungen-{fund_id}.xlsx", "Auszahlungen")
