"""Registration, e-mail confirmation, login, logout and password reset."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from webapp.auth import erasure, jury_pool, profile, views  # noqa: E402,F401
