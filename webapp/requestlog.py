"""One log line per request: method, path (tokens masked, no query string), status, duration,
worker pid, request id, acting user id. The request id comes from X-Request-ID or is generated."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request
from flask_login import current_user

from fondsengine.ops.logging_setup import redact, request_id_var

log = logging.getLogger("webapp.request")
_VALID_ID = re.compile(r"^[A-Za-z0-9._\-]{1,64}$")
_SECRET_ARGS = ("token", "secret", "key")


def _logged_path() -> str:
    """The path with the values of token-like URL parts replaced (never the query string)."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if any(word in name.lower() for word in _SECRET_ARGS) and isinstance(value, str) and value:
            path = path.replace(value, "[token]")
    return redact(path)


def register(app: Flask) -> None:
    """Request id in, request id out, one line per request."""

    @app.before_request
    def _start() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        g.request_id_token = request_id_var.set(g.request_id)
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id is None:
            return response
        response.headers["X-Request-ID"] = request_id
        duration_ms = round((time.perf_counter() - g.request_started) * 1000, 1)
        user_id = int(current_user.id) if current_user and current_user.is_authenticated else None
        log.info(
            "%s %s %s %.1f ms",
            request.method, _logged_path(), response.status_code, duration_ms,
            extra={
                "method": request.method, "path": _logged_path(), "status": response.status_code,
                "duration_ms": duration_ms, "user_id": user_id,
            },
        )  # fmt: skip
        return response

    @app.teardown_request
    def _reset(_exc: BaseException | None) -> None:
        if g.pop("request_id_token", None) is not None:
            request_id_var.set("-")
