"""Attachments, letters, 'my applications', idempotent drafts and account use cases."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from fondsengine.accounts import service as accounts
from fondsengine.accounts.users import verify_password
from fondsengine.applications import records
from fondsengine.applications import service as apps
from fondsengine.applications.records import AttachmentInput
from fondsengine.engine import Engine
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.files import files_in
from fondsengine.letters import access as letters_access
from fondsengine.payments.proofs import ReceiptInput
from tests.support.factories import QF, person, quartiersfonds_input


def pdf(name: str = "angebot.pdf") -> AttachmentInput:
    return AttachmentInput("cost_estimate", name, "application/pdf", b"%PDF-1.4\n" + name.encode() + b"\n%%EOF\n")


def test_only_the_applicant_and_the_office_may_attach_files_and_strangers_get_not_found(fonds: Engine) -> None:
    anna = person(fonds, "Anna", "anna@example.org")
    bernd = person(fonds, "Bernd", "bernd@example.org")
    office = person(fonds, "Büro", "buero@example.org", (QF, "manager"))
    app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    records.add_attachment(fonds, anna, app_id, pdf())
    records.add_attachment(fonds, office, app_id, pdf("zweites.pdf"))
    with pytest.raises(NotFound):
        records.add_attachment(fonds, bernd, app_id, pdf("fremd.pdf"))
    with pytest.raises(InvalidInput, match="PDF-, JPEG- und PNG"):
        records.add_attachment(
            fonds, anna, app_id, AttachmentInput("other", "x.exe", "application/x-dosexec", b"MZ...")
        )
    assert [a.original_name for a in records.attachments_of(fonds, anna, app_id)] == ["angebot.pdf", "zweites.pdf"]
    with pytest.raises(NotFound):
        records.attachments_of(fonds, bernd, app_id)


def test_my_applications_lists_only_my_own_with_the_state_label(fonds: Engine) -> None:
    anna = person(fonds, "Anna", "anna@example.org")
    bernd = person(fonds, "Bernd", "bernd@example.org")
    mine = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    apps.submit(fonds, anna, mine)
    apps.create_draft(fonds, bernd, QF, quartiersfonds_input(title="Bernds Projekt"))
    listed = records.applications_of(fonds, anna)
    assert [(a.id, a.state, a.title) for a in listed] == [(mine, "submitted", "Repair-Café im Wiesenviertel")]
    assert listed[0].state_label and listed[0].file_number


def test_the_receipt_letter_is_listed_for_the_applicant_and_not_for_others(fonds: Engine) -> None:
    anna = person(fonds, "Anna", "anna@example.org")
    bernd = person(fonds, "Bernd", "bernd@example.org")
    app_id = apps.create_draft(fonds, anna, QF, quartiersfonds_input())
    apps.submit(fonds, anna, app_id)
    letters = letters_access.letters_of_application(fonds, anna, app_id)
    assert [(x.kind, x.rendered) for x in letters] == [("receipt", False)]
    info, pdf = letters_access.letter_pdf(fonds, anna, letters[0].id)  # rendered on first download
    assert info.kind == "receipt" and pdf.startswith(b"%PDF")
    with pytest.raises(NotFound):
        letters_access.letters_of_application(fonds, bernd, app_id)
    with pytest.raises(NotFound):
        letters_access.letter_pdf(fonds, bernd, letters[0].id)


def test_a_repeated_form_post_with_the_same_token_creates_one_draft_even_concurrently(fonds: Engine) -> None:
    anna = person(fonds, "Anna", "anna@example.org")
    results: list[int] = []
    barrier = threading.Barrier(4)

    def post() -> None:
        barrier.wait()
        results.append(apps.create_draft(fonds, anna, QF, quartiersfonds_input(), client_token="form-token-1"))

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and len(set(results)) == 1
    assert len(records.applications_of(fonds, anna)) == 1
    other = apps.create_draft(fonds, anna, QF, quartiersfonds_input(), client_token="form-token-2")
    assert other != results[0]


def test_receipt_files_of_a_refused_proof_are_not_kept(fonds: Engine) -> None:
    from tests.integration.test_lifecycle import on_agenda

    cast = {
        "anna": person(fonds, "Anna", "anna@example.org"),
        "office": person(fonds, "Büro", "buero@example.org", (QF, "manager")),
    }
    app_id = on_agenda(fonds, cast)
    upload = AttachmentInput("receipt", "beleg.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")
    receipt = ReceiptInput(date(2027, 5, 1), "Baumarkt", "Material", "material", 10_000, attachment=upload)
    from fondsengine.errors import TransitionNotAllowed
    from fondsengine.payments.proofs import submit_proof

    with pytest.raises(TransitionNotAllowed):  # not approved yet: refused, and the file row is not kept
        submit_proof(fonds, cast["anna"], app_id, report="Bericht", receipts=[receipt], confirmed=True)
    assert records.attachments_of(fonds, cast["anna"], app_id) == []
    assert files_in(fonds.settings.effective_upload_dir) == []  # the staged file is gone too


def test_accounts_are_found_by_email_confirmed_once_and_passwords_reset(fonds: Engine) -> None:
    from fondsengine.accounts.users import create_user

    uid = create_user(fonds, name="Neu", email="Neu@Example.org", password="erstes-passwort")
    acc = accounts.account_by_email(fonds, " neu@example.ORG ")
    assert acc is not None and (acc.id, acc.confirmed) == (uid, False)
    assert accounts.account_by_email(fonds, "kein-mail") is None
    accounts.confirm_email(fonds, uid)
    accounts.confirm_email(fonds, uid)
    assert accounts.account_by_id(fonds, uid).confirmed  # type: ignore[union-attr]
    with pytest.raises(InvalidInput, match="mindestens 12 Zeichen"):
        accounts.set_password(fonds, uid, "kurz")
    accounts.set_password(fonds, uid, "ein-neues-passwort")
    acc = accounts.account_by_id(fonds, uid)
    assert acc is not None and verify_password(acc.password_hash, "ein-neues-passwort")
    assert not verify_password(acc.password_hash, "erstes-passwort")
