"""Limits per client address (Flask-Limiter) with counters that every worker process shares.

By default the counters live in the application database (``fondsdb://``: the table
``throttle_counters``, one atomic upsert per hit, on SQLite and PostgreSQL), so the limits hold
across all gunicorn workers and hosts that share the database. Larger installations may set
``FONDS_RATELIMIT_STORAGE=redis://host:6379`` (needs the ``redis`` package) to move that load
off the database. Behind a reverse proxy set ``proxy_count`` (``FONDS_PROXY_COUNT=1`` behind one
nginx): the client address is then taken from ``X-Forwarded-For`` (ProxyFix); without it every
request would count against the proxy's address.
"""

from __future__ import annotations

import math
import time
from typing import Any

from flask import Flask, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits.storage import Storage

from fondsengine.accounts import throttle
from fondsengine.config import Settings

PREFIX = "rl:"


class FondsDatabaseStorage(Storage):
    """A ``limits`` storage in the application database of the running app (fixed windows)."""

    STORAGE_SCHEME = ["fondsdb"]  # noqa: RUF012 (the scheme list as ``limits`` declares it)

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return throttle.STORE_ERRORS

    @staticmethod
    def _engine() -> Any:
        return current_app.extensions["fonds"].db.engine  # the application's SQLAlchemy engine

    @staticmethod
    def _key(key: str) -> str:
        return PREFIX + key if len(key) <= 190 else throttle.subject_key("rl", key)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return throttle.hit(self._engine(), self._key(key), expiry, time.time(), amount).count

    def get(self, key: str) -> int:
        found = throttle.get(self._engine(), self._key(key), time.time())
        return found.count if found else 0

    def get_expiry(self, key: str) -> float:
        found = throttle.get(self._engine(), self._key(key), time.time())
        return found.expires_at if found else time.time()

    def check(self) -> bool:
        return throttle.store_reachable(self._engine())

    def reset(self) -> int | None:
        return throttle.clear_prefix(self._engine(), PREFIX)

    def clear(self, key: str) -> None:
        throttle.clear(self._engine(), self._key(key))


limiter = Limiter(key_func=get_remote_address, strategy="fixed-window")


def _limit(name: str) -> str:
    return str(current_app.config[f"FONDS_RATELIMIT_{name.upper()}"])


def login_limit() -> str:
    """Login and second-factor POSTs per client address (setting ``ratelimit_login``)."""
    return _limit("login")


def register_limit() -> str:
    """Registrations per client address (setting ``ratelimit_register``)."""
    return _limit("register")


def reset_limit() -> str:
    """Reset-link requests per client address (setting ``ratelimit_reset``)."""
    return _limit("reset")


def init_app(app: Flask, settings: Settings) -> None:
    """Configure the limiter for this app (storage from the settings) and the German 429 page."""
    app.config.update(
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=settings.ratelimit_storage or "fondsdb://",
        RATELIMIT_HEADERS_ENABLED=False,
        FONDS_RATELIMIT_LOGIN=settings.ratelimit_login,
        FONDS_RATELIMIT_REGISTER=settings.ratelimit_register,
        FONDS_RATELIMIT_RESET=settings.ratelimit_reset,
    )
    limiter.init_app(app)

    @app.errorhandler(RateLimitExceeded)
    def _too_many(exc: RateLimitExceeded) -> ResponseReturnValue:
        current = limiter.current_limit
        seconds = current.reset_at - time.time() if current is not None else exc.limit.limit.get_expiry()
        return too_many_requests(seconds)


def too_many_requests(seconds: float) -> ResponseReturnValue:
    """The German answer to a rate-limited request (HTTP 429) with the minutes to wait."""
    minutes = max(1, math.ceil(seconds / 60))
    body = render_template("auth/too_many.html", minutes=minutes)
    return body, 429, {"Retry-After": str(int(minutes * 60))}
