"""After approval: requesting payments and submitting the proof of use."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required

from fondsengine.errors import FondsError, InvalidInput
from fondsengine.guidelines.asks import receipt_vat_rates
from fondsengine.guidelines.calc import counts_net
from fondsengine.guidelines.model import PaymentMode
from fondsengine.inputs import MAX_TEXT
from fondsengine.lifecycle.views import application_data
from fondsengine.payments.proofs import ReceiptInput, submit_proof
from fondsengine.payments.service import payment_allowance, payments_of, request_payment
from webapp import fields
from webapp.applicant import bp, proof_totals
from webapp.applicant.common import load
from webapp.applicant.page_forms import PaymentForm, ProofForm
from webapp.errors import CSRF_MESSAGE, csrf_failed, rerender_on_csrf
from webapp.extensions import actor, fonds
from webapp.form_errors import engine_errors, refusal_lines, summary_errors
from webapp.labels import FINANCING_SOURCES, PAYMENT_CHOICES
from webapp.uploads import as_input, check, clean_name

KIND_OF_MODE = {
    PaymentMode.REIMBURSEMENT: "reimbursement",
    PaymentMode.ADVANCE: "advance",
    PaymentMode.INSTALMENTS: "instalment",
}


@bp.route("/antraege/<int:application_id>/auszahlung", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def payment(application_id: int) -> ResponseReturnValue:
    """Request (part of) the grant and enter the bank details; list the payments."""
    loaded = load(application_id)
    app, g = loaded.app, loaded.guideline
    kinds = [KIND_OF_MODE[m] for m in g.payment.modes if m in KIND_OF_MODE]
    allowance = payment_allowance(fonds(), actor(), application_id)
    form = PaymentForm()
    values = {
        "kind": form.kind.data or "",
        "amount": form.amount.typed,
        "iban": form.iban.typed,
        "account_holder": form.account_holder.data or "",
    }
    if request.method == "GET":
        values.update(
            kind=kinds[0] if kinds else "",
            account_holder=app.account_holder or app.contact_name,
            iban=app.iban or "",
        )
    errors: list[tuple[str | None, str]] = []
    if request.method == "POST" and csrf_failed():
        errors.append((None, CSRF_MESSAGE))
    elif request.method == "POST" and not form.validate():
        errors = summary_errors(form)
    elif request.method == "POST":
        try:
            amount = form.amount.data or 0
            if amount <= 0:
                raise InvalidInput("Bitte geben Sie den Betrag an, den Sie abrufen möchten.", field="amount")
            request_payment(
                fonds(),
                actor(),
                application_id,
                amount_cents=amount,
                kind=values["kind"],
                iban=values["iban"],
                account_holder=values["account_holder"],
            )
        except InvalidInput as exc:
            errors += engine_errors(form, exc, default="amount")
        except FondsError as exc:
            errors += engine_errors(form, exc)
        else:
            flash(
                _("Ihre Auszahlung ist angefordert. Die Geschäftsführung meldet sich, sobald das Geld überwiesen ist."),
                "success",
            )
            return redirect(url_for("applicant.detail", application_id=application_id))
    return render_template(
        "applicant/payment.html",
        app=app,
        g_=g,
        kinds=kinds,
        kind_label=PAYMENT_CHOICES,
        allowance=allowance,
        values=values,
        errors=errors,
        field_errors={k: m for k, m in errors if k},
        payments=payments_of(fonds(), actor(), application_id),
        can_request=allowance.reason is None,
    ), 400 if errors else 200


def _parse_receipts(  # type: ignore[no-untyped-def]
    form, categories: set[str], rates: tuple[int, ...] = ()
) -> tuple[list[dict[str, str]], list[tuple[str | None, str]]]:
    rows: list[dict[str, str]] = []
    errors: list[tuple[str | None, str]] = []
    indexes = sorted({i for k in form if k.startswith("receipt-") for i in [fields.ident(k.split("-")[1])] if i})
    for i in indexes[:500]:
        row = {
            k: str(form.get(f"receipt-{i}-{k}", "")).strip()
            for k in ("paid_on", "payee", "purpose", "category", "amount", "vat")
        }
        row["index"] = str(i)
        if not (row["payee"] or row["purpose"] or row["amount"]):
            continue
        rows.append(row)
        n = len(rows)
        try:
            row["cents"] = str(fields.euro(row, "amount", required="Bitte den Betrag angeben.") or 0)
            fields.day(row, "paid_on", label="Datum", required="Bitte das Datum angeben.")
        except InvalidInput as exc:
            row["cents"] = "0"
            errors.append((f"receipt-{i}-amount", f"Beleg {n}: {exc.message} (Beispiel: 49,90)"))
            continue
        try:
            fields.clean(row["payee"], label="Empfänger", max_len=200)
            fields.clean(row["purpose"], label="Zweck", max_len=300)
        except InvalidInput as exc:
            errors.append((f"receipt-{i}-amount", f"Beleg {n}: {exc.message}"))
        if row["category"] not in categories:
            errors.append((f"receipt-{i}-category", f"Beleg {n}: Bitte wählen Sie eine Kostenart."))
        if row["vat"] and (not rates or fields.choice(row, "vat", [str(r) for r in rates]) != row["vat"]):
            errors.append((f"receipt-{i}-amount", f"Beleg {n}: Bitte wählen Sie einen der angebotenen Steuersätze."))
    return rows, errors


@bp.route("/antraege/<int:application_id>/verwendungsnachweis", methods=["GET", "POST"])
@login_required
@rerender_on_csrf
def proof(application_id: int) -> ResponseReturnValue:
    """The proof of use: report, receipt list with receipts, photos."""
    loaded = load(application_id)
    app, g = loaded.app, loaded.guideline
    if "proof" not in loaded.state.waiting_for:
        flash(_("Den Verwendungsnachweis können Sie nach der Bewilligung einreichen."), "info")
        return redirect(url_for("applicant.detail", application_id=application_id))
    categories = {c.id for c in g.costs.categories}
    rates = receipt_vat_rates(g) if counts_net(application_data(app), g) else ()
    form = ProofForm()
    rows, errors = _parse_receipts(form.posted, categories, rates)
    values = {k: form[k].data or "" for k in ("report", "participants_reached", *proof_totals.FIELDS)}
    action = form.action.data or ""
    extra_rows = 1 if action == "add_row" else 0
    if request.method == "POST" and csrf_failed():
        errors.insert(0, (None, CSRF_MESSAGE))
    elif request.method == "POST" and action == "submit" and not errors:
        errors += _store_and_submit(application_id, form, rows, values)
        if not errors:
            flash(_("Ihr Verwendungsnachweis ist eingereicht. Vielen Dank!"), "success")
            return redirect(url_for("applicant.detail", application_id=application_id))
    spent = sum(int(r.get("cents", "0")) for r in rows)
    blanks = max(3 - len(rows), 1) + extra_rows
    chosen, photos = _chosen_files(form, rows) if request.method == "POST" else ({}, [])
    labels = {r["index"]: f"Beleg {n}" for n, r in enumerate(rows, start=1)}
    return render_template(
        "applicant/proof.html",
        app=app,
        g_=g,
        values=values,
        rows=rows + [{} for _ in range(blanks)],
        errors=errors,
        field_errors={k: m for k, m in errors if k},
        spent=spent,
        approved=app.approved_cents or 0,
        numerical=proof_totals.comparison(app, g, rows, values),
        sources=FINANCING_SOURCES,
        category_labels={c.id: c.label for c in g.costs.categories},
        checked=request.method == "POST",
        vat_rates=rates,
        vat_default=round(g.costs.vat_share * 100),
        chosen=chosen,
        chosen_photos=", ".join(f"„{p}“" for p in photos),
        chosen_again=[(labels.get(i, "Beleg"), n) for i, n in chosen.items()] + [("Foto", p) for p in photos],
        max_upload=fonds().settings.upload_max_bytes,
    ), 400 if errors else 200


def _chosen_files(form: ProofForm, rows: list[dict[str, str]]) -> tuple[dict[str, str], list[str]]:
    """The files that came with a post that is shown again ({receipt index: name}, photo names): the
    browser cannot keep them chosen, so the page names each one to choose again."""
    chosen = {}
    for row in rows:
        upload = form.files.get(f"receipt-{row['index']}-file")
        if upload is not None:
            chosen[row["index"]] = clean_name(upload.filename)
    photos = [clean_name(p.filename) for p in form.photos.data]
    return chosen, photos


PROOF_FIELDS = ("report", "participants_reached", *proof_totals.FIELDS)  # the proof's fields that show an error


def _store_and_submit(
    application_id: int, form: ProofForm, rows: list[dict[str, str]], values: dict[str, str]
) -> list[tuple[str | None, str]]:
    f, a = fonds(), actor()
    settings = f.settings
    try:
        participants = fields.whole(values, "participants_reached", label="Erreichte Menschen")
        actual = proof_totals.actual_financing(values)
        fields.clean(values["report"], label="Sachbericht", max_len=MAX_TEXT, multiline=True, field="report")
    except InvalidInput as exc:
        return refusal_lines(exc, PROOF_FIELDS)
    try:
        receipts: list[ReceiptInput] = []
        stored_files = []
        for row in rows:  # every file is checked in memory; the engine writes them only on commit
            upload = form.files.get(f"receipt-{row['index']}-file")
            stored_files.append(check(upload, settings) if upload is not None else None)
        photos = [check(p, settings) for p in form.photos.data[: settings.upload_max_files_per_application + 1]]
        for row, stored in zip(rows, stored_files, strict=True):
            att = None
            if stored is not None:
                att = as_input(stored, "receipt")
            receipts.append(
                ReceiptInput(
                    fields.day(row, "paid_on") or date.min,
                    row["payee"],
                    row["purpose"],
                    row["category"],
                    int(row["cents"]),
                    attachment=att,
                    vat_percent=int(row["vat"]) if row.get("vat") else None,
                )
            )
        submit_proof(
            f,
            a,
            application_id,
            report=values["report"],
            receipts=receipts,
            participants_reached=participants,
            photos=[as_input(p, "photo") for p in photos],
            actual=actual,
            confirmed=values[proof_totals.CONFIRM_FIELD] == "1",
        )
    except FondsError as exc:
        return refusal_lines(exc, PROOF_FIELDS, files_again=True)
    return []
