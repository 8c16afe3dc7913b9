"""The two application pages alone: the office's and the applicant's, with N applications (SQLite).

Run:  .venv/bin/python bench/application_pages.py [--n 10000] [--repeat 30]

Seeds N applications with `bench/seed_bulk.py` (as bench/office.py does), then requests with the
Flask test client, one request at a time, after two warm-up requests:
- the office's application page (`/verwaltung/antraege/<id>`, logged in as the demo office user
  through the login form), rotating over ten applications in rich states;
- the applicant's status page (`/antraege/<id>`) of the same applications, each as its own
  applicant (logged in through the login form; the bench gives them the demo password).
Prints p50 / p95 / max ms (wall clock), the p50 of the process's CPU time per request (less
sensitive to other load on a shared machine) and the SQL statements and transactions (BEGIN) per request.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from office import counting, login, pct  # noqa: E402
from seed_bulk import OFFICE_EMAIL, OFFICE_PASSWORD, prepared_fonds, seed_bulk  # noqa: E402
from sqlalchemy import select, update  # noqa: E402

from fondsengine.model import Application, User  # noqa: E402
from fondsengine.notify import FakeMailer  # noqa: E402
from webapp import create_app  # noqa: E402

RICH = ("documented", "refund_claimed", "proof_returned", "paid", "on_agenda")


def main() -> None:
    """Seed (or reuse) a SQLite database and time both pages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="fonds-pages-"))
    try:
        fonds = prepared_fonds(f"sqlite:///{tmp / 'pages.db'}", tmp)
        report = seed_bulk(fonds, args.n)
        print(f"{args.n:,} applications seeded in {report.seconds:.1f} s")
        with fonds.db.read() as s:
            rich = list(
                s.execute(
                    select(Application.id, Application.applicant_id)
                    .where(Application.state.in_(RICH), Application.applicant_id.is_not(None))
                    .order_by(Application.id)
                    .limit(400)
                ).all()
            )[::40]
        app = create_app(fonds.settings, fonds=fonds, mailer=FakeMailer())
        app.config["WTF_CSRF_ENABLED"] = False
        app.config["FONDS_RATELIMIT_LOGIN"] = "1000 per minute"  # eleven logins from one address
        office = app.test_client()
        login(office)
        with fonds.db.engine.begin() as conn:  # the seeded people get the demo password (bench only)
            office_hash = conn.scalar(select(User.password_hash).where(User.email == OFFICE_EMAIL))
            conn.execute(update(User).where(User.id.in_([uid for _, uid in rich])).values(password_hash=office_hash))
        applicants = {}
        for _, uid in rich:
            applicants[uid] = app.test_client()
            with fonds.db.read() as s:
                email = s.scalar(select(User.email).where(User.id == uid))
            response = applicants[uid].post("/anmelden", data={"email": email, "password": OFFICE_PASSWORD})
            if response.status_code != 302:
                raise SystemExit(f"bench: login of {email} failed with status {response.status_code}")
        engine = fonds.db.engine
        for name in ("office application page", "applicant application page"):
            times: list[float] = []
            cpu: list[float] = []
            statements: list[int] = []
            begins: list[int] = []
            for i in range(args.repeat + 2):
                app_id, uid = rich[i % len(rich)]
                if name == "office application page":
                    client, url = office, f"/verwaltung/antraege/{app_id}"
                else:
                    client, url = applicants[uid], f"/antraege/{app_id}"
                with counting(engine) as seen:
                    t, c = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    elapsed = (time.perf_counter() - t) * 1000
                    used = (time.process_time() - c) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"bench: {url} answered {response.status_code}")
                if i >= 2:
                    times.append(elapsed)
                    cpu.append(used)
                    statements.append(sum(1 for q in seen if not q.startswith("BEGIN")))
                    begins.append(sum(1 for q in seen if q.startswith("BEGIN")))
            print(
                f"{name:<28} p50 {pct(times, 50):6.1f} ms  p95 {pct(times, 95):6.1f} ms  max {max(times):6.1f} ms  "
                f"CPU p50 {pct(cpu, 50):6.1f} ms  statements {min(statements)}-{max(statements)}  "
                f"transactions {min(begins)}-{max(begins)}"
            )
        fonds.db.dispose()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
