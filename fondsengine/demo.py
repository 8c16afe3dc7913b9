"""Realistic demo data for both Witten funds: applications in every state (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from fondsengine.accounts.users import create_user, grant_role
from fondsengine.applications import decisions
from fondsengine.applications import service as apps
from fondsengine.applications.service import ApplicationInput, CostItemInput
from fondsengine.clock import FixedClock, local_date
from fondsengine.demo_calendar import load_shifted_guidelines, year_shift
from fondsengine.demo_jury import catch_up, fill_pool, hold, seat_juries
from fondsengine.engine import Actor, Engine
from fondsengine.model import Application, ProofOfUse, Receipt, User
from fondsengine.payments import proofs
from fondsengine.payments import service as payments
from fondsengine.payments.proofs import ReceiptInput

QF = "witten-quartiersfonds"
CF = "witten-cityfonds"
DEMO_PASSWORD = "Demo-Passwort-2026"  # noqa: S105 - printed demo login, never used outside the demo


@dataclass(frozen=True)
class DemoLogin:
    """A demo account to print."""

    role: str
    email: str
    password: str


LOGINS = (
    DemoLogin("Geschäftsführung (Innenstadt-Büro)", "buero@mitten-witten.example", DEMO_PASSWORD),
    DemoLogin("Jurymitglied (Quartiersfonds)", "jana.jury@example.org", DEMO_PASSWORD),
    DemoLogin("Antragstellerin (Bewohnerin)", "anna@example.org", DEMO_PASSWORD),
    DemoLogin("Händler (Cityfonds)", "bernd@example.org", DEMO_PASSWORD),
    DemoLogin("Bewilligungsstelle der Stadt", "stadt@witten.example", DEMO_PASSWORD),
)


def _at(y: int, m: int, d: int, h: int = 9) -> datetime:
    return datetime(y, m, d, h, 0, tzinfo=UTC)


def _hours(description: str) -> Decimal | None:
    """Hours written in a description like 'Theatergruppe (30 h à 25 €)'."""
    if "(" in description and " h" in description:
        return Decimal(description.split("(")[1].split(" h")[0])
    return None


def _qf(
    title: str,
    name: str,
    start: date,
    end: date,
    costs: tuple[tuple[str, str, int], ...],
    **kw: object,
) -> ApplicationInput:
    total = sum(c[2] for c in costs)
    base = ApplicationInput(
        title=title,
        applicant_kind="resident",
        contact_name=name,
        contact_street="Wiesenstraße 5",
        contact_postcode="58452",
        contact_city="Witten",
        area_link="lives",
        description=f"{title}: ein Projekt von Nachbarinnen und Nachbarn für die Innenstadt.",
        goals="Begegnung und ein lebendiges Quartier",
        target_group="Menschen aus der Innenstadt",
        place="Innenstadt Witten",
        street="Ruhrstraße",
        postcode="58452",
        project_start=start,
        project_end=end,
        participants_expected=60,
        requested_cents=total,
        cost_items=tuple(CostItemInput(c, d, a, hours=_hours(d) if c == "fees" else None) for c, d, a in costs),
        prior_consultation_on=date(start.year if start.month > 3 else start.year - 1, 1 if start.month > 3 else 11, 20),
        declarations=frozenset({"not_started", "no_double_funding", "publicity"}),
        extra={"participants_expected": "60", "neighbourhood_benefit": "Offen für alle im Viertel"},
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def _cf(title: str, name: str, start: date, end: date, grant: int, **kw: object) -> ApplicationInput:
    base = ApplicationInput(
        title=title,
        applicant_kind="trader",
        organisation=f"{name} GmbH & Co. KG",
        contact_name=name,
        contact_street="Bahnhofstraße 20",
        contact_postcode="58452",
        contact_city="Witten",
        area_link="based",
        description=f"{title} in der Wittener Innenstadt.",
        goals="Belebung der Innenstadt",
        target_group="Kundschaft und Gäste der Innenstadt",
        place="Bahnhofstraße",
        street="Bahnhofstraße",
        postcode="58452",
        project_start=start,
        project_end=end,
        requested_cents=grant,
        own_funds_cents=grant,
        cost_items=(
            CostItemInput("material", "Ausstattung und Material", grant + grant // 2),
            CostItemInput("publicity", "Werbung", grant // 2),
        ),
        declarations=frozenset({"not_started", "no_double_funding", "own_contribution", "publicity"}),
        extra={
            "cooperation_partners": "Geschäfte der Bahnhofstraße",
            "own_funds_source": "Werbegemeinschaft",
        },
    )
    return replace(base, **kw)  # type: ignore[arg-type]


class _Seeder:
    def __init__(self, fonds: Engine, k: int = 0) -> None:
        self.k = k  # whole years the story is moved by, so that it ends just before today
        self.clock = FixedClock(_at(2026 + k, 1, 10))
        self.f = Engine(db=fonds.db, settings=fonds.settings, clock=self.clock)
        self.f._catalog = fonds.catalog
        self.office = Actor(0)
        self.juror = Actor(0)
        self.city = Actor(0)
        self.people: dict[str, Actor] = {}

    def at(self, when: datetime) -> None:
        self.clock.set(when)

    def t(self, y: int, m: int, d: int, h: int = 9) -> datetime:
        """A time of the story (written for 2026), moved to the years around today."""
        return _at(y + self.k, m, d, h)

    def day(self, y: int, m: int, d: int) -> date:
        """A day of the story (written for 2026), moved to the years around today."""
        return date(y + self.k, m, d)

    def user(self, name: str, email: str, *roles: tuple[str, str, str | None], admin: bool = False) -> Actor:
        uid = create_user(self.f, name=name, email=email, password=DEMO_PASSWORD, confirmed=True, is_admin=admin)
        for fund, role, group in roles:
            grant_role(self.f, Actor.scheduler(), user_id=uid, fund_id=fund, role=role, group=group)
        return Actor(uid)

    def resident(self, name: str) -> Actor:
        if name not in self.people:
            slug = name.lower().split()[0].replace("ü", "ue").replace("ö", "oe").replace("ä", "ae")
            self.people[name] = self.user(name, f"{slug}@example.org")
        return self.people[name]

    def submitted(self, fund: str, data: ApplicationInput) -> int:
        who = self.resident(data.contact_name)
        app_id = apps.create_draft(self.f, who, fund, data)
        apps.submit(self.f, who, app_id)
        return app_id

    def reviewed(self, fund: str, app_id: int) -> None:
        decisions.start_review(self.f, self.office, app_id)
        with self.f.db.read() as s:
            g = self.f.catalog.current(s, fund)[2]
        decisions.record_review(self.f, self.office, app_id, {i.id: ("fulfilled", "") for i in g.review_checklist})
        decisions.complete_review(self.f, self.office, app_id)

    def proof(self, app_id: int, spent: list[tuple[str, str, int]]) -> None:
        who = Actor(self._applicant(app_id))
        proofs.submit_proof(
            self.f,
            who,
            app_id,
            report="Das Projekt hat wie geplant stattgefunden. Fotos liegen bei.",
            participants_reached=70,
            receipts=[
                ReceiptInput(self.clock.now().date(), p, purpose, "material", amount) for p, purpose, amount in spent
            ],
            confirmed=True,
        )

    def check_receipts(self, app_id: int, reject_last: bool = False) -> None:
        with self.f.db.read() as s:
            proof_id = s.scalar(
                select(ProofOfUse.id).where(ProofOfUse.application_id == app_id).order_by(ProofOfUse.id.desc())
            )
            ids = list(s.scalars(select(Receipt.id).where(Receipt.proof_id == proof_id).order_by(Receipt.position)))
        for i, rid in enumerate(ids):
            rejected = reject_last and i == len(ids) - 1
            proofs.review_receipt(
                self.f,
                self.office,
                rid,
                accepted=not rejected,
                reason="Beleg betrifft nicht den bewilligten Zweck" if rejected else None,
            )

    def _applicant(self, app_id: int) -> int:
        with self.f.db.read() as s:
            app = s.get(Application, app_id)
            assert app is not None
            return app.applicant_id


def demo_iban(n: int) -> str:
    """A German IBAN with a correct check sum for demo account number n (bank code 37040044)."""
    bban = f"37040044{n:010d}"
    check = 98 - int("".join(str(int(ch, 36)) for ch in bban + "DE00")) % 97
    return f"DE{check:02d}{bban}"


def _holder(fonds: Engine, app_id: int) -> str:
    with fonds.db.read() as s:
        return str(s.scalar(select(Application.contact_name).where(Application.id == app_id)))


def already_seeded(fonds: Engine) -> bool:
    """True when the demo office account exists."""
    with fonds.db.read() as s:
        return s.scalar(select(User.id).where(User.email == LOGINS[0].email)) is not None


def seed(fonds: Engine) -> bool:
    """Seed the demo data unless it is there already; returns True when it seeded."""
    if already_seeded(fonds):
        return False
    now = fonds.clock.now()
    k = year_shift(local_date(now))
    load_shifted_guidelines(fonds, k)
    d = _Seeder(fonds, k)
    d.at(d.t(2026, 1, 5))
    d.office = d.user(
        "Innenstadt-Büro mitten@witten",
        LOGINS[0].email,
        (QF, "manager", None),
        (CF, "manager", None),
        admin=True,
    )
    d.juror = d.user("Jana Jury", LOGINS[1].email, (QF, "jury_member", "resident"))
    juries = seat_juries(d.user, QF, CF, d.juror)
    d.city = d.user("Stadt Witten, Amt für Stadtentwicklung", LOGINS[4].email, (CF, "city_approver", None))
    d.resident("Anna Beispiel")
    d.resident("Bernd Händler")

    # Round 2026-1 of the Quartiersfonds: approved in March, never called -> lapsed in September.
    d.at(d.t(2026, 1, 20))
    lapsing = d.submitted(
        QF,
        _qf(
            "Balkonkonzerte in der Johannisstraße",
            "Gustav Geiger",
            d.day(2026, 4, 18),
            d.day(2026, 6, 27),
            (("fees", "Musikerinnen (20 h à 25 €)", 50_000), ("publicity", "Plakate", 10_000)),
        ),
    )
    d.reviewed(QF, lapsing)
    spring = decisions.create_session(d.f, d.office, QF, d.t(2026, 3, 11, 17), "Rathaus Witten, Ratssaal")
    decisions.schedule(d.f, d.office, lapsing, spring)
    d.at(d.t(2026, 3, 11, 19))
    hold(d.f, d.office, juries[QF], spring)
    d.at(d.t(2026, 9, 10))
    proofs.lapse(d.f, Actor.scheduler(), lapsing)

    # Round 2026-2 of the Quartiersfonds.
    d.at(d.t(2026, 8, 3))
    specs = [
        (
            "Repair-Café im Wiesenviertel",
            "Anna Beispiel",
            (("material", "Werkzeug und Ersatzteile", 90_000), ("rental", "Saalmiete", 30_000)),
        ),
        (
            "Pflanzkübel für die Ruhrstraße",
            "Carla Grün",
            (
                ("purchases", "Sechs Pflanzkübel", 150_000),
                ("material", "Erde und Pflanzen", 50_000),
            ),
        ),
        (
            "Kindertheater auf dem Kornmarkt",
            "Deniz Bühne",
            (("fees", "Theatergruppe (30 h à 25 €)", 75_000), ("publicity", "Flyer", 15_000)),
        ),
        (
            "Nachbarschaftsfest Wiesenstraße",
            "Emil Fest",
            (("rental", "Bühne und Zelt", 120_000), ("catering", "Getränke für Helfer", 10_000)),
        ),
        (
            "Lesepaten in der Stadtbücherei",
            "Frieda Buch",
            (("material", "Bücher und Spiele", 40_000),),
        ),
        (
            "Graffiti-Workshop für Jugendliche",
            "Hanna Farbe",
            (
                ("material", "Farben und Schutzkleidung", 60_000),
                ("fees", "Künstler (24 h à 25 €)", 60_000),
            ),
        ),
        (
            "Adventsmarkt im Hinterhof",
            "Ilse Stern",
            (("rental", "Marktstände", 80_000), ("publicity", "Plakate", 20_000)),
        ),
    ]
    ids: list[int] = []
    for title, name, costs in specs:
        ids.append(d.submitted(QF, _qf(title, name, d.day(2026, 9, 26), d.day(2026, 11, 30), costs)))
    d.at(d.t(2026, 8, 20))
    for app_id in ids:
        d.reviewed(QF, app_id)
    autumn = decisions.create_session(d.f, d.office, QF, d.t(2026, 9, 23, 17), "Rathaus Witten, Ratssaal")
    for app_id in ids:
        decisions.schedule(d.f, d.office, app_id, autumn)
    d.at(d.t(2026, 9, 23, 19))
    repair, planters, theatre, fest, reading, graffiti, advent = ids
    hold(d.f, d.office, juries[QF], autumn, {graffiti: "Die Jury sieht keinen ausreichenden Bezug zur Innenstadt."})

    d.at(d.t(2026, 9, 28))
    for app_id, amount in (
        (repair, 96_000),
        (planters, 160_000),
        (theatre, 72_000),
        (fest, 104_000),
        (advent, 80_000),
    ):
        payments.set_bank_account(
            d.f, d.office, app_id, iban=demo_iban(app_id), account_holder=_holder(d.f, app_id)
        )  # the applicants gave their bank account with the call
        payments.record_payment(d.f, d.office, app_id, amount_cents=amount, kind="advance")
    d.at(d.t(2026, 11, 10))
    d.proof(
        repair,
        [
            ("Baumarkt Witten", "Ersatzteile", 85_000),
            ("Gemeinde St. Johannis", "Saalmiete", 30_000),
        ],
    )
    d.check_receipts(repair)
    proofs.accept_proof(d.f, d.office, repair)
    payments.record_payment(d.f, d.office, repair, amount_cents=19_000, kind="final")  # -> documented
    d.proof(
        planters,
        [("Gärtnerei Ruhrtal", "Pflanzkübel", 120_000), ("Gärtnerei Ruhrtal", "Pflanzen", 20_000)],
    )
    d.check_receipts(planters)
    proofs.accept_proof(d.f, d.office, planters)
    proofs.claim_refund(
        d.f, d.office, planters, reason="Es wurde weniger ausgegeben als ausgezahlt."
    )  # -> refund_claimed
    d.proof(
        theatre,
        [
            ("Theater im Koffer", "Aufführung", 75_000),
            ("Copyshop", "Flyer", 15_000),
            ("Kiosk", "Süßes", 4_000),
        ],
    )
    d.check_receipts(theatre, reject_last=True)
    proofs.accept_proof(d.f, d.office, theatre)  # -> proof_accepted, final payment pending
    d.proof(fest, [("Zeltverleih Ruhr", "Bühne", 120_000)])  # -> proof_submitted, waiting for the office
    payments.request_payment(
        d.f,
        d.resident("Frieda Buch"),
        reading,
        amount_cents=32_000,
        kind="advance",
        iban="DE89 3704 0044 0532 0130 00",
        account_holder="Frieda Buch",
    )  # approved, request open

    # Round 2027-1 of the Quartiersfonds: the current work of the office.
    d.at(d.t(2026, 11, 18))
    start, end = d.day(2027, 4, 17), d.day(2027, 9, 30)
    cur = [
        d.submitted(QF, _qf(t, n, start, end, c))
        for t, n, c in [
            (
                "Stadtteilspaziergang mit Geschichte",
                "Jonas Weg",
                (("publicity", "Broschüre", 45_000),),
            ),
            (
                "Offenes Singen am Berliner Platz",
                "Klara Ton",
                (("fees", "Chorleitung (16 h à 25 €)", 40_000),),
            ),
            (
                "Tauschregal im Wiesenviertel",
                "Lena Regal",
                (("purchases", "Regal", 35_000), ("material", "Schilder", 5_000)),
            ),
            ("Urban Gardening Bahnhofstraße", "Moritz Beet", (("material", "Hochbeete", 180_000),)),
            ("Kinderflohmarkt auf dem Rathausplatz", "Nora Markt", (("rental", "Tische", 25_000),)),
            (
                "Seniorencafé im Quartier",
                "Otto Kaffee",
                (("catering", "Kaffee und Kuchen", 4_000), ("rental", "Raum", 40_000)),
            ),
        ]
    ]
    walk, sing, swap, garden, flea, senior = cur
    d.at(d.t(2026, 11, 20))
    decisions.start_review(d.f, d.office, sing)  # in_review
    decisions.start_review(d.f, d.office, swap)
    decisions.request_changes(d.f, d.office, swap, "Bitte reichen Sie ein Angebot für das Regal nach.")
    d.reviewed(QF, garden)  # reviewed
    d.reviewed(QF, flea)
    march = decisions.create_session(d.f, d.office, QF, d.t(2027, 3, 10, 17), "Rathaus Witten, Ratssaal")
    decisions.schedule(d.f, d.office, flea, march)  # on_agenda
    apps.withdraw(d.f, d.resident("Otto Kaffee"), senior, reason="Der Raum steht nicht mehr zur Verfügung.")
    del walk
    apps.create_draft(
        d.f,
        d.resident("Anna Beispiel"),
        QF,
        _qf(
            "Nachbarschaftsbank vor dem Haus",
            "Anna Beispiel",
            start,
            end,
            (("purchases", "Bank", 60_000),),
        ),
    )

    # Cityfonds (two-step: the jury recommends, the city grants).
    d.at(d.t(2026, 8, 25))
    c1, c2, c3 = (
        d.submitted(CF, _cf(title, name, start, end, grant))
        for title, name, start, end, grant in (
            ("Lichterwochen Bahnhofstraße", "Bernd Händler", d.day(2026, 11, 20), d.day(2026, 12, 31), 300_000),
            ("Schaufenster-Galerie Ruhrstraße", "Petra Laden", d.day(2026, 11, 2), d.day(2026, 12, 20), 150_000),
            ("Rabattaktion Innenstadt", "Quentin Kasse", d.day(2026, 11, 2), d.day(2026, 12, 20), 100_000),
        )
    )
    d.at(d.t(2026, 9, 10))
    for app_id in (c1, c2, c3):
        d.reviewed(CF, app_id)
    cs = decisions.create_session(d.f, d.office, CF, d.t(2026, 9, 30, 16), "Innenstadt-Büro, Ruhrstraße 48")
    for app_id in (c1, c2, c3):
        decisions.schedule(d.f, d.office, app_id, cs)
    d.at(d.t(2026, 9, 30, 18))
    hold(d.f, d.office, juries[CF], cs, {c3: "Reine Werbemaßnahme eines einzelnen Geschäfts."})
    d.at(d.t(2026, 10, 8))
    decisions.record_city_grant(
        d.f, d.city, c1, granted_on=d.day(2026, 10, 8), grant_file_number=f"61/{2026 + d.k}-014"
    )
    d.at(d.t(2026, 11, 19))
    d.submitted(CF, _cf("Frühlingsmarkt Innenstadt", "Bernd Händler", d.day(2027, 4, 10), d.day(2027, 4, 30), 250_000))

    # Up to today: a pool of volunteers for the next draw; sessions whose day has passed are held (with
    # minutes), and each fund has a session to come with its invitations sent.
    fill_pool(d.f, d.office, QF, d.people)
    for fund in (QF, CF):
        catch_up(d.f, d.office, fund, juries[fund], now, d.at)
    return True
