"""The floor for the start figures of bench/workers.py: a bare Flask app that answers /healthz,
started the way `fondsengine serve` starts the web app (gunicorn, the app preloaded in the master).

    .venv/bin/python -m gunicorn --preload --workers 4 --chdir bench bare_flask:app
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
def healthz() -> str:
    """What the health check of the real app answers, without a database."""
    return "ok"
