"""The office's pages (Geschäftsführung): dashboard, queue, one application, jury sessions.

Every page asks the engine whether the logged-in user manages the fund; every step calls a
service function of the engine and shows its error (message and clause) in the summary.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/verwaltung")

from webapp.manage import (  # noqa: E402,F401  (the modules register their routes on bp)
    actions,
    application,
    audit,
    bookings,
    correction,
    dashboard,
    draws,
    erasure,
    exports,
    guidelines,
    jury_files,
    messages,
    monitoring,
    notes,
    overview,
    paper,
    payment_orders,
    publication,
    queue,
    roles,
    rules,
    sessions,
)
