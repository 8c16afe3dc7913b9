"""Checks every server process runs before it serves: the secret key (issue 15)."""

from __future__ import annotations

import dataclasses
import logging
import secrets

from fondsengine.config import Settings
from fondsengine.errors import FondsError

log = logging.getLogger(__name__)

MIN_SECRET_KEY_LENGTH = 32


class ConfigurationError(FondsError, RuntimeError):
    """A setting makes it unsafe or impossible to start (German message, no traceback in the CLI)."""


def checked_secret_key(settings: Settings) -> Settings:
    """The settings with a usable secret key, or ConfigurationError.

    Outside debug mode the key must have at least 32 characters. In debug mode a missing key is
    replaced by a random one for this process (sessions do not survive a restart) with a warning."""
    key = settings.secret_key
    if len(key) >= MIN_SECRET_KEY_LENGTH:
        return settings
    if settings.debug:
        if not key:
            log.warning("Kein secret_key gesetzt: Debug-Modus erzeugt einen zufälligen Schlüssel für diesen Prozess.")
            return dataclasses.replace(settings, secret_key=secrets.token_urlsafe(48))
        log.warning("secret_key ist kürzer als %d Zeichen (nur im Debug-Modus erlaubt).", MIN_SECRET_KEY_LENGTH)
        return settings
    what = "fehlt" if not key else f"ist zu kurz ({len(key)} Zeichen)"
    raise ConfigurationError(
        f"Einstellung secret_key {what}: FONDS_SECRET_KEY auf mindestens {MIN_SECRET_KEY_LENGTH} zufällige "
        "Zeichen setzen, z. B. python3 -c 'import secrets; print(secrets.token_hex(32))'"
    )
