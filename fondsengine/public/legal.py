"""Legal pages from configuration: Impressum (§ 5 DDG), privacy notice (DSGVO Art. 13), accessibility
statement (BITV 2.0 § 7). Values come from the settings; empty ones fall back to the office named in the
first active fund's guideline. Retention is stated per fund from its guideline."""

from __future__ import annotations

from dataclasses import dataclass

from fondsengine.engine import Engine
from fondsengine.public.fund import active_fund_ids, current_guideline

STATUS_TEXT = {
    "full": "Diese Website ist mit der BITV 2.0 vollständig vereinbar.",
    "partial": "Diese Website ist mit der BITV 2.0 teilweise vereinbar. Die Ausnahmen stehen unten.",
    "none": "Diese Website ist mit der BITV 2.0 nicht vereinbar. Die Mängel stehen unten.",
}
DEFAULT_GAPS = (
    "Hochgeladene Dokumente der Antragstellenden (z. B. Kostenvoranschläge, Belege) sind nicht "
    "immer barrierefrei; sie werden nur der Geschäftsführung gezeigt.",
    "Die Karte der Projektorte ist eine schematische Grafik; dieselben Angaben stehen in der Liste darunter.",
    "Die Bescheide als PDF sind noch nicht als getaggtes PDF (PDF/UA) erzeugt; "
    "der Text steht auch auf der Antragsseite.",
)


@dataclass(frozen=True)
class Retention:
    """How long one fund keeps personal data, from its guideline."""

    fund_name: str
    years: int
    clause: str | None


@dataclass(frozen=True)
class LegalInfo:
    """Everything the three legal pages show."""

    operator: str
    address: tuple[str, ...]
    email: str
    phone: str
    representative: str
    register: str
    vat_id: str
    supervisory_authority: str
    dpo: str
    privacy_authority: str
    retention: tuple[Retention, ...]
    accessibility_status: str
    accessibility_status_text: str
    accessibility_gaps: tuple[str, ...]
    accessibility_contact: str
    accessibility_enforcement: str
    accessibility_checked_on: str


def legal_info(fonds: Engine) -> LegalInfo:
    """The legal pages' content from the settings and the funds' guidelines."""
    st = fonds.settings
    guidelines = [current_guideline(fonds, fid) for fid in active_fund_ids(fonds)]
    office = guidelines[0].office if guidelines else None
    address = tuple(a.strip() for a in st.legal_address.split(";") if a.strip()) or (
        tuple(office.address) if office else ()
    )
    email = st.legal_email or (office.email if office else "")
    status = st.accessibility_status if st.accessibility_status in STATUS_TEXT else "partial"
    gaps = tuple(g.strip() for g in st.accessibility_gaps.split(";") if g.strip()) or DEFAULT_GAPS
    return LegalInfo(
        operator=st.legal_operator or (office.name if office else ""),
        address=address,
        email=email,
        phone=st.legal_phone or ((office.phone or "") if office else ""),
        representative=st.legal_representative,
        register=st.legal_register,
        vat_id=st.legal_vat_id,
        supervisory_authority=st.legal_supervisory_authority or ((office.city_name or "") if office else ""),
        dpo=st.privacy_dpo,
        privacy_authority=st.privacy_supervisory_authority,
        retention=tuple(Retention(g.name, g.retention.years, g.retention.clause) for g in guidelines),
        accessibility_status=status,
        accessibility_status_text=STATUS_TEXT[status],
        accessibility_gaps=gaps if status != "full" else (),
        accessibility_contact=st.accessibility_contact or email,
        accessibility_enforcement=st.accessibility_enforcement,
        accessibility_checked_on=st.accessibility_checked_on,
    )
