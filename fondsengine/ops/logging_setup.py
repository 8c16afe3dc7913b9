"""One logging configuration for CLI, web workers, gunicorn and scheduler: text or JSON lines.

Every record gets the worker pid and the request id of the current request (a context
variable the web layer sets). Messages are redacted: IBANs, passwords and tokens never reach
a log line, whichever code logged them."""

from __future__ import annotations

import json
import logging
import re
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from fondsengine.ops.startup import ConfigurationError

request_id_var: ContextVar[str] = ContextVar("fonds_request_id", default="-")

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(process)d] [%(request_id)s] %(name)s: %(message)s"
# attributes every LogRecord has; everything else given as `extra=` ends up in the JSON object
_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {"message", "asctime", "request_id"}

_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_SECRET_PARAM = re.compile(r"(?i)\b(password|passwort|token|secret|key|csrf_token)=([^&\s\"']+)")
_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_\-.]{16,}")


def _token_like(match: re.Match[str]) -> str:
    """A long path segment with mixed case and digits (a signed or random token), not a slug."""
    seg = match.group(0)
    mixed = any(c.isupper() for c in seg) and any(c.isdigit() for c in seg)
    return "[token]" if mixed or seg.count(".") >= 2 else seg


def redact(text: str) -> str:
    """Mask IBANs, `password=`/`token=` values and token-like URL path segments."""
    text = _IBAN.sub("[IBAN]", text)
    text = _SECRET_PARAM.sub(lambda m: f"{m.group(1)}=[entfernt]", text)
    return _SEGMENT.sub(_token_like, text)


class ContextFilter(logging.Filter):
    """Adds `request_id` and redacts the message (installed on the one handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Enrich and redact; never drops a record."""
        record.request_id = request_id_var.get()
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time of the record (test captures, redirects)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        """The current sys.stderr."""
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, pid, request_id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single JSON line."""
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
            "request_id": getattr(record, "request_id", "-"),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in data:
                data[key] = value if isinstance(value, int | float | bool | type(None)) else redact(str(value))
        if record.exc_info:
            data["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: str = "text") -> logging.Handler:
    """Install the one handler on the root logger (idempotent; replaces an earlier one)."""
    if fmt not in FORMATS:
        raise ConfigurationError(f"Einstellung log_format: erlaubt sind text oder json, gefunden: {fmt!r}")
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise ConfigurationError(f"Einstellung log_level: unbekannte Stufe {level!r} (DEBUG, INFO, WARNING, ERROR)")
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "fonds_handler", False)]:
        root.removeHandler(old)
    handler = _StderrHandler()
    handler.fonds_handler = True  # type: ignore[attr-defined]
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(numeric)
    # alembic announces its plugins on every configuration; only worth reading when debugging
    logging.getLogger("alembic.runtime.plugins").setLevel(max(numeric, logging.WARNING))
    return handler
