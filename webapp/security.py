"""Security headers on every response (CSP without inline script) and no-store on private ones."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# downloads that may hold personal data or bank details (exports, letters, attachments, minutes)
PRIVATE_TYPES = frozenset(
    {
        "text/csv",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/jpeg",
        "image/png",
    }
)


def is_private(response: Response) -> bool:
    """True when no cache (browser, proxy) may keep the response: every page of a logged-in user
    (except static files), every download or export, every answer to a form post."""
    if request.endpoint == "static":
        return False
    if request.method not in ("GET", "HEAD"):
        return True
    if response.headers.get("Content-Disposition", "").startswith("attachment"):
        return True
    if response.mimetype in PRIVATE_TYPES:
        return True
    return bool(getattr(current_user, "is_authenticated", False))


def register(app: Flask) -> None:
    """Add the headers to every response."""

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if is_private(response):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
            response.headers.pop("ETag", None)
            response.headers.pop("Last-Modified", None)
        return response
