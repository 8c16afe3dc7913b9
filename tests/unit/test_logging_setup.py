"""Log lines: JSON with pid and request id, and nothing secret or personal in them."""

from __future__ import annotations

import io
import json
import logging

import pytest

from fondsengine.ops.logging_setup import configure_logging, redact, request_id_var
from fondsengine.ops.startup import ConfigurationError


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("IBAN DE89 3704 0044 0532 0130 00 bestätigt", "IBAN [IBAN] bestätigt"),
        ("an DE89370400440532013000.", "an [IBAN]."),
        ("POST /anmelden password=Geheim-123&email=a", "POST /anmelden password=[entfernt]&email=a"),
        ("GET /passwort-neu/IjE3Ig.Z0x9Qw.k3Jd8sLq0PzR7vYt2mN5", "GET /passwort-neu/[token]"),
        ("GET /bestaetigen/aB3dE5gH7jK9mN1pQ3sT5vX7", "GET /bestaetigen/[token]"),
        ("GET /verwaltung/witten-quartiersfonds/antraege/17", "GET /verwaltung/witten-quartiersfonds/antraege/17"),
        ("GET /static/app.css?v=3", "GET /static/app.css?v=3"),
    ],
)
def test_redact_masks_ibans_passwords_and_tokens_but_keeps_ordinary_paths(raw: str, clean: str) -> None:
    assert redact(raw) == clean


def test_a_json_line_carries_pid_request_id_extras_and_is_redacted(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    handler = configure_logging("INFO", "json")
    try:
        token = request_id_var.set("req-1")
        logging.getLogger("fondsengine.test").info("Zahlung an %s", "DE89370400440532013000", extra={"user_id": 7})
        request_id_var.reset(token)
        logging.getLogger("fondsengine.test").debug("nicht sichtbar")
    finally:
        root.removeHandler(handler)
        root.handlers[:] = before[0]
        root.setLevel(before[1])
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["message"] == "Zahlung an [IBAN]"
    assert (record["request_id"], record["user_id"], record["level"]) == ("req-1", 7, "INFO")
    assert isinstance(record["pid"], int) and record["logger"] == "fondsengine.test"


def test_unknown_log_format_or_level_is_a_german_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="log_format"):
        configure_logging("INFO", "xml")
    with pytest.raises(ConfigurationError, match="log_level"):
        configure_logging("LAUT", "text")
