"""The CLI's one error handler: an exception becomes one German line and an exit code.

Expected errors (the engine's, files, the database, settings) exit with 2; anything else with 1,
also in one line; `FONDS_LOG_LEVEL=DEBUG` adds the traceback to the log."""

from __future__ import annotations

import logging
import tomllib

import yaml
from sqlalchemy import exc as sa_exc

from fondsengine.errors import FondsError

log = logging.getLogger(__name__)

NOT_MIGRATED = "Datenbank ist nicht migriert: fondsengine db upgrade ausführen"
_MISSING_TABLE = ("no such table", "undefinedtable", "does not exist")


def _first_line(value: object) -> str:
    text = str(value).strip()
    return text.splitlines()[0] if text else type(value).__name__


def _database(exc: sa_exc.DBAPIError) -> str:
    orig = exc.orig
    detail = f"{type(orig).__name__} {orig}".lower()
    if any(marker in detail for marker in _MISSING_TABLE) and ("table" in detail or "relation" in detail):
        return NOT_MIGRATED
    if isinstance(exc, sa_exc.OperationalError):
        return f"Datenbank nicht erreichbar: {_first_line(orig)}"
    return f"Datenbankfehler: {_first_line(orig)}"


def explain(exc: BaseException) -> tuple[str, int]:
    """The German message and exit code for an exception raised by a CLI command."""
    if isinstance(exc, FondsError):
        return str(exc), 2
    if isinstance(exc, sa_exc.OperationalError | sa_exc.ProgrammingError):
        return _database(exc), 2
    if isinstance(exc, sa_exc.ArgumentError | sa_exc.NoSuchModuleError):
        return f"Ungültige Datenbank-URL: {_first_line(exc)}", 2
    if isinstance(exc, FileNotFoundError):
        return f"Datei oder Ordner nicht gefunden: {exc.filename or _first_line(exc)}", 2
    if isinstance(exc, IsADirectoryError):
        return f"Ein Ordner, keine Datei: {exc.filename}", 2
    if isinstance(exc, NotADirectoryError):
        return f"Kein Ordner: {exc.filename}", 2
    if isinstance(exc, PermissionError):
        return f"Keine Berechtigung für {exc.filename or 'die Datei'}", 2
    if isinstance(exc, tomllib.TOMLDecodeError):
        return f"Einstellungsdatei ist kein gültiges TOML: {_first_line(exc)}", 2
    if isinstance(exc, yaml.YAMLError):
        return f"YAML-Datei ist fehlerhaft: {' '.join(str(exc).split())}", 2
    if isinstance(exc, UnicodeDecodeError):
        return "Datei ist kein UTF-8-Text", 2
    if isinstance(exc, OSError):
        return f"Systemfehler: {exc.strerror or _first_line(exc)}" + (f" ({exc.filename})" if exc.filename else ""), 2
    if isinstance(exc, ValueError):
        return f"Ungültige Eingabe: {_first_line(exc)}", 2
    log.debug("Unerwarteter Fehler", exc_info=exc)
    return f"Unerwarteter Fehler ({type(exc).__name__}): {_first_line(exc)} (Details mit FONDS_LOG_LEVEL=DEBUG)", 1
