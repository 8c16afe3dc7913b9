"""WSGI entry point for any WSGI server: `gunicorn webapp.wsgi:app` (settings from FONDS_*).

`fondsengine serve` is the supported way; it builds the same app in each worker."""

from __future__ import annotations

from fondsengine.config import load_settings
from fondsengine.ops.logging_setup import configure_logging
from webapp import create_app

_settings = load_settings()
configure_logging(_settings.log_level, _settings.log_format)
app = create_app(_settings)
