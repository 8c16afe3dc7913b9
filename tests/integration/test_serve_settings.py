"""The secret key rule and the reverse-proxy setting of the web app."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import request

from fondsengine.config import load_settings
from fondsengine.ops.startup import ConfigurationError, checked_secret_key
from webapp import create_app

ROOT = Path(__file__).resolve().parents[2]
LONG = "0123456789abcdef0123456789abcdef"  # 32 characters


def _settings(tmp_path: Path, **values: object):  # type: ignore[no-untyped-def]
    return load_settings(
        environ={},
        instance_path=str(tmp_path),
        database_url=f"sqlite:///{tmp_path / 'x.db'}",
        mail_backend="console",
        **values,
    )


@pytest.mark.parametrize("key", ["", "x", LONG[:-1]])
def test_a_missing_or_short_secret_key_is_refused_outside_debug_with_a_german_message(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        create_app(_settings(tmp_path, secret_key=key))
    message = str(caught.value)
    assert message.startswith("Einstellung secret_key " + ("fehlt" if not key else f"ist zu kurz ({len(key)} Zeichen)"))
    assert "mindestens 32" in message


def test_a_secret_key_of_32_characters_is_accepted_and_used(tmp_path: Path) -> None:
    app = create_app(_settings(tmp_path, secret_key=LONG))
    assert app.config["SECRET_KEY"] == LONG


def test_debug_without_a_secret_gets_a_random_key_per_process_and_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="fondsengine.ops.startup"):
        first = create_app(_settings(tmp_path, debug=True)).config["SECRET_KEY"]
    assert "zufälligen Schlüssel" in caplog.text
    second = checked_secret_key(_settings(tmp_path, debug=True)).secret_key
    assert len(first) >= 32 and len(second) >= 32 and first != second
    assert "debug-only-not-secret" not in (first, second)
    source = (ROOT / "webapp" / "__init__.py").read_text(encoding="utf-8")
    assert "debug-only-not-secret" not in source


def _probe_app(tmp_path: Path, proxy_count: int):  # type: ignore[no-untyped-def]
    app = create_app(_settings(tmp_path, secret_key=LONG, proxy_count=proxy_count))

    @app.get("/_probe")
    def _probe() -> str:
        return f"{request.remote_addr} {request.scheme} {request.host} {request.script_root}"

    return app


PROXY_HEADERS = {
    "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "fonds.witten.de", "X-Forwarded-Prefix": "/fonds",
}  # fmt: skip


def test_behind_one_trusted_proxy_the_forwarded_headers_give_client_address_scheme_host_and_prefix(
    tmp_path: Path,
) -> None:
    client = _probe_app(tmp_path, 1).test_client()
    seen = client.get("/_probe", headers=PROXY_HEADERS, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert seen.get_data(as_text=True) == "203.0.113.9 https fonds.witten.de /fonds"


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(tmp_path: Path) -> None:
    client = _probe_app(tmp_path, 0).test_client()
    seen = client.get("/_probe", headers=PROXY_HEADERS, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert seen.get_data(as_text=True) == "198.51.100.7 http localhost "
