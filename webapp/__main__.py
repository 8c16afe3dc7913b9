"""`python -m webapp`: migrate, load the guideline files and serve on 127.0.0.1:5000."""

from __future__ import annotations

import argparse

from werkzeug.serving import run_simple

from fondsengine.bootstrap import build_fonds
from fondsengine.config import load_settings
from fondsengine.engine import Actor
from fondsengine.funds.loading import load_funds
from fondsengine.migrate import upgrade
from fondsengine.shipped import richtlinien_dir, workflows_dir
from webapp import create_app


def serve(host: str = "127.0.0.1", port: int = 5000, *, prepare: bool = True) -> None:
    """Serve the web app (werkzeug, threaded); with `prepare`, migrate and load the funds first."""
    settings = load_settings()
    if prepare:
        upgrade(settings.effective_database_url)
        fonds = build_fonds(settings)
        load_funds(fonds, Actor.scheduler(), richtlinien_dir(settings), workflows_dir(settings))
    else:
        fonds = build_fonds(settings)
    app = create_app(settings, fonds=fonds)
    print(f"Bewohnerfonds läuft auf http://{host}:{port}/  (Strg+C beendet)")
    run_simple(host, port, app, threaded=True, use_reloader=False)


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m webapp", description="Startet die Web-Anwendung.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--no-prepare", action="store_true", help="nicht migrieren, Richtlinien nicht laden")
    args = parser.parse_args()
    serve(args.host, args.port, prepare=not args.no_prepare)


if __name__ == "__main__":
    main()
