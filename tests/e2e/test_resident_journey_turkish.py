"""The resident's journey in Turkish in a real Chromium: switch the language without JavaScript, register,
confirm, log in, apply, submit and read the status; axe-core clean at 390 and 1280 px on every page.
The guideline's own texts (applicant kinds, declarations) stay German: they are the fund's legal data."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from fondsengine.accounts.service import account_by_email
from tests.e2e.conftest import Checker
from tests.web.builders import World

pytestmark = pytest.mark.e2e

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _check_both_widths(page: Page, a11y: Checker, shot: str) -> None:
    """axe at phone and desktop width, and nothing wider than the phone (longer Turkish words)."""
    for width, height in ((390, 844), (1280, 900)):
        page.set_viewport_size({"width": width, "height": height})
        a11y.check(f"tr-{shot}-{width}")
        assert page.evaluate(OVERFLOW) <= 0, f"{page.url} is wider than {width} px"
    assert page.locator("html").get_attribute("lang") == "tr"
    assert page.locator("html").get_attribute("dir") == "ltr"


def test_a_resident_registers_applies_and_reads_her_status_in_turkish(
    page: Page, world: World, a11y: Checker
) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.get_by_role("button", name="Türkçe").click()  # a plain form: works without JavaScript
    expect(page.get_by_role("heading", name="Mahalledeki fikriniz için para")).to_be_visible()
    expect(page.get_by_role("button", name="Türkçe")).to_have_attribute("aria-pressed", "true")
    _check_both_widths(page, a11y, "start")

    page.get_by_role("link", name="Kayıt ol").click()
    expect(page.get_by_role("heading", name="Hesap oluştur")).to_be_visible()
    page.get_by_role("button", name="Hesap oluştur").click()  # all empty: each error names its field
    expect(page.get_by_role("alert")).to_contain_text("Lütfen “Adınız” alanını doldurun.")
    _check_both_widths(page, a11y, "register-errors")
    page.get_by_label("Adınız").fill("Ayşe Yılmaz")
    page.get_by_label("E-posta adresi").fill("ayse@example.org")
    page.get_by_label("Şifre (en az 12 karakter)").fill("uzun-ve-guvenli-sifre")
    page.get_by_label("Şifreyi tekrarlayın").fill("uzun-ve-guvenli-sifre")
    page.get_by_role("button", name="Hesap oluştur").click()
    expect(page.get_by_role("heading", name="Lütfen e-posta kutunuza bakın")).to_be_visible()
    _check_both_widths(page, a11y, "check-mail")

    (mail,) = world.mailer.to("ayse@example.org")
    assert mail.subject == "E-posta adresinizi onaylayın"
    link = re.search(r"/bestaetigen/\S+", mail.text)
    assert link is not None
    page.goto(link.group(0))
    expect(page.get_by_text("E-posta adresiniz onaylandı")).to_be_visible()
    page.get_by_label("E-posta adresi").fill("ayse@example.org")
    page.get_by_label(re.compile(r"^Şifre")).fill("uzun-ve-guvenli-sifre")
    page.get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_role("heading", name="Başvurularım")).to_be_visible()
    account = account_by_email(world.fonds, "ayse@example.org")
    assert account is not None and account.language == "tr"  # her mails follow

    page.goto("/")
    page.get_by_role("link", name=re.compile("„Quartiersfonds.*“ için başvur|“Quartiersfonds.*” için başvur")).click()
    expect(page.get_by_role("heading", name="Yeni başvuru")).to_be_visible()
    _check_both_widths(page, a11y, "form")
    page.get_by_label("Bewohnerin oder Bewohner").check()  # the guideline's own wording
    page.get_by_label("Proje kâr amacı gütmüyor: kimse bundan para kazanmıyor.").check()
    page.get_by_label("Posta adresi: sokak ve bina numarası").fill("Ruhrstraße 12")
    page.get_by_label("Posta kodu", exact=True).fill("58452")
    page.get_by_label("Şehir", exact=True).fill("Witten")
    page.get_by_label("Proje adı").fill("Mahalle kahvaltısı")
    page.get_by_label("Ne yapmayı planlıyorsunuz?").fill("Sokakta herkes için bir kahvaltı.")
    page.get_by_label("Proje yerinin sokak ve bina numarası").fill("Ruhrstraße 10")
    page.get_by_label("Proje yerinin posta kodu").fill("58452")
    page.get_by_label("Proje başlangıcı").fill("2026-05-01")
    page.get_by_label("Proje bitişi").fill("2026-05-02")
    page.get_by_label("Kaç kişiye ulaşmak istiyorsunuz (yaklaşık)?").fill("80")
    page.get_by_label("Was hat die Innenstadt davon?").fill("Komşular tanışır.")
    page.get_by_label("Fon ofisiyle danışma görüşmenizin tarihi").fill("2026-01-05")
    page.get_by_label("Masraf türü (kalem 1)").select_option("material")
    page.get_by_label("Açıklama (kalem 1)").fill("Masa ve sandalye")
    page.get_by_label("Tutar, Euro (kalem 1)").fill("400,00")
    page.get_by_label("Talep edilen hibe (Euro)").fill("400,00")
    for text in ("noch nicht begonnen", "keine anderen öffentlichen Fördermittel", "weise auf allen Materialien"):
        page.get_by_label(re.compile(text)).check()
    page.get_by_role("button", name="Taslağı kaydet").first.click()
    expect(page.get_by_text("Taslağınız kaydedildi.")).to_be_visible()
    expect(page.get_by_text("Taslak", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Sırada ne var?")).to_be_visible()
    _check_both_widths(page, a11y, "status-draft")

    page.get_by_role("button", name="Başvuruyu gönder").click()
    expect(page.get_by_text(re.compile(r"Başvurunuz gönderildi\. Dosya numaranız: WQ-2026-\d{4}\."))).to_be_visible()
    expect(page.get_by_text("Gönderildi", exact=True)).to_be_visible()
    expect(page.get_by_text("Fon ofisi başvurunuzun eksiksiz olup olmadığını kontrol ediyor.")).to_be_visible()
    expect(page.get_by_role("region", name="Geçmiş")).to_contain_text("Başvuruyu gönder")
    _check_both_widths(page, a11y, "status-submitted")

    page.get_by_role("link", name="Hesabım").click()
    expect(page.get_by_role("radio", name="Türkçe")).to_be_checked()
    _check_both_widths(page, a11y, "account")
