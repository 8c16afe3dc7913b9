"""The server `bench/web.py` starts: the web app under gunicorn plus one bare route, the floor.

Run by bench/web.py (not meant to be started by hand):
    python bench/web_server.py        settings from the FONDS_* variables, as `fondsengine serve`

The gunicorn options are those of `fondsengine serve` (`fondsengine.ops.serve.FondsServer`); only
the app factory differs: `create` builds the web app with the benchmark's fixed clock (the bulk
seed is consistent with `seed_bulk.NOW`) and wraps it in a WSGI dispatcher that answers
`/_bench/floor` from a bare Flask app of its own (no session, login, CSRF, templates or request
hooks of the web app). The floor runs the office queue's first-page list query (the select
`fondsengine.applications.queue` builds for both funds, 50 rows) on the engine's connection pool and writes
the rows as plain text: what a page costs at least when it has one query to run. Every answer
carries the time the worker took (header X-Bench-Service-Ms, see `timed`). Nothing here is
registered in `webapp`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# the master imports only what `fondsengine serve` imports; the web app is imported in the workers
# (after the fork, as FondsServer.load does), so the workers' memory is measured as in production

FLOOR_PREFIX = "/_bench"
FLOOR_PATH = FLOOR_PREFIX + "/floor"
SERVICE_HEADER = "X-Bench-Service-Ms"


def floor_app(fonds: Any) -> Any:
    """A bare Flask app with one route running the queue's first-page list query."""
    from flask import Flask, Response
    from seed_bulk import NOW

    from fondsengine.applications.queue import PAGE_SIZE, QueueFilter, rows_select
    from fondsengine.clock import local_date
    from fondsengine.demo import CF, QF

    app = Flask("bench_floor")
    stmt = rows_select(QueueFilter(fund_ids=[CF, QF]), local_date(NOW)).limit(PAGE_SIZE)

    @app.get("/floor")
    def floor() -> Any:
        with fonds.db.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        body = "\n".join(f"{r.id}\t{r.file_number}\t{r.title}\t{r.state}\t{r.requested_cents}" for r in rows)
        return Response(body, mimetype="text/plain")

    return app


def create(settings: Any) -> Any:
    """The WSGI app of one worker: the web app (fixed clock), `/_bench/floor` beside it."""
    from seed_bulk import NOW
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from fondsengine.bootstrap import build_fonds
    from fondsengine.clock import FixedClock
    from webapp import create_app

    fonds = build_fonds(settings, clock=FixedClock(NOW))
    web = create_app(settings, fonds=fonds)
    return timed(DispatcherMiddleware(web, {FLOOR_PREFIX: floor_app(fonds)}))


def timed(app: Any) -> Any:
    """WSGI middleware: the answer says how long the worker took until its headers (X-Bench-Service-Ms).

    Flask renders the whole body before it calls start_response, so this is the time in the worker
    without the wait for a free worker (the client's latency includes that wait)."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        t0 = time.perf_counter()

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = [*headers, (SERVICE_HEADER, f"{(time.perf_counter() - t0) * 1000:.2f}")]
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return wsgi


def main() -> int:
    """Serve with the options of `fondsengine serve` until SIGTERM."""
    import fondsengine.cli.main  # noqa: F401 (the master holds the modules `fondsengine serve` holds)
    from fondsengine.config import load_settings
    from fondsengine.ops.logging_setup import configure_logging
    from fondsengine.ops.serve import FondsServer, prepared_settings

    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    try:
        FondsServer(prepared_settings(settings), "web_server:create").run()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
