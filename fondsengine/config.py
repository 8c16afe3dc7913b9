"""One configuration loader: defaults -> file -> environment -> explicit override. Immutable."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from fondsengine.errors import InvalidInput

ENV_PREFIX = "FONDS_"


@dataclass(frozen=True)
class Settings:
    """All settings of engine, web app, scheduler and CLI."""

    instance_path: str = "instance"
    database_url: str = ""  # empty: sqlite file instance/fondsengine.db
    richtlinien_dir: str = "richtlinien"
    workflows_dir: str = "workflows"
    upload_dir: str = ""  # empty: instance/uploads
    upload_max_bytes: int = 10 * 1024 * 1024
    base_url: str = "http://127.0.0.1:5000"
    secret_key: str = ""  # web sessions; required in production (the web app refuses an empty one)
    mail_backend: str = "mailbox"  # smtp | mailbox | console
    mail_from: str = "fonds@localhost"
    mailbox_path: str = ""  # empty: instance/mailbox.mbox
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_security: str = "none"  # none | starttls | ssl
    smtp_username: str = ""
    smtp_password: str = ""
    debug: bool = False
    dispatch_after_commit: bool = True  # web/CLI send queued mails and render letters right after a commit
    secure_cookies: bool = True
    # operations (issue 15): `fondsengine serve` (gunicorn), reverse proxy, logs, backups
    serve_bind: str = "127.0.0.1:5000"  # host:port or unix:/path
    serve_workers: int = 2
    serve_threads: int = 4
    serve_timeout: int = 60  # seconds a request may take before the worker is restarted
    serve_graceful_timeout: int = 30  # seconds the workers get to finish requests after SIGTERM
    serve_keepalive: int = 5
    serve_preload: bool = True  # build the app once in the master; workers share its memory (restart for new code)
    proxy_count: int = 0  # reverse proxies in front whose X-Forwarded-For/-Proto/-Host/-Prefix are trusted
    log_level: str = "INFO"
    log_format: str = "text"  # text | json
    pg_bin_dir: str = ""  # where pg_dump/pg_restore are (empty: PATH, then /usr/lib/postgresql/*/bin)
    # account security (docs/security.md, section accounts)
    login_max_failures: int = 10  # failed logins per login name within the window before a lock-out
    login_failure_window_minutes: int = 15
    login_lock_minutes: int = 15
    account_mails_per_hour: int = 3  # reset, confirmation and notice mails per address and hour
    ratelimit_storage: str = ""  # empty: the application database; or redis://host:6379, memory://
    ratelimit_login: str = "10 per minute;100 per hour"  # login and code POSTs per client address
    ratelimit_register: str = "10 per hour"  # registrations per client address
    ratelimit_reset: str = "10 per hour"  # reset-link requests per client address
    totp_required_roles: str = ""  # comma-separated, e.g. "manager,city_approver": second factor required
    upload_max_files_per_application: int = 40  # attachments of one application (cost estimates, receipts, photos)
    upload_max_bytes_per_application: int = 100 * 1024 * 1024
    upload_max_pixels: int = 40_000_000  # images larger than 40 megapixels are refused
    # scheduler lease and heartbeat (docs/operations.md, "Ein Zeitplaner")
    scheduler_lease_retry_seconds: int = 10  # a waiting scheduler tries to take the lease this often
    scheduler_heartbeat_max_age_seconds: int = 180  # /readyz: an older heartbeat means "scheduler down"
    health_requires_scheduler: bool = False  # /readyz answers 503 when the heartbeat is missing or old
    # file store of uploads (docs/operations.md, "Dateispeicher"): a local folder or an S3-compatible bucket
    storage_backend: str = "file"  # file | s3
    s3_endpoint_url: str = ""  # e.g. https://s3.example.org (empty: the provider's default)
    s3_bucket: str = ""
    s3_prefix: str = ""  # key prefix inside the bucket, e.g. witten/
    s3_region: str = ""
    s3_access_key_id: str = ""  # better from the environment: FONDS_S3_ACCESS_KEY_ID
    s3_secret_access_key: str = ""  # FONDS_S3_SECRET_ACCESS_KEY, never in a file under version control
    # public pages (issue 16, docs/public.md): legal pages; an empty value falls back to the fund's office
    legal_operator: str = ""  # Diensteanbieter (§ 5 DDG), e.g. "Stadt Witten, Amt für Stadtentwicklung"
    legal_address: str = ""  # postal address, lines separated by ";"
    legal_email: str = ""
    legal_phone: str = ""
    legal_representative: str = ""  # who represents the operator (e.g. the mayor)
    legal_register: str = ""  # register and number, where there is one
    legal_vat_id: str = ""  # USt-IdNr., where there is one
    legal_supervisory_authority: str = ""  # Aufsichtsbehörde, where there is one
    privacy_dpo: str = ""  # data protection officer: name and contact (DSGVO Art. 13 Abs. 1 b)
    privacy_supervisory_authority: str = (
        "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen, "
        "Kavalleriestraße 2–4, 40213 Düsseldorf, poststelle@ldi.nrw.de"
    )
    accessibility_status: str = "partial"  # full | partial | none (BITV 2.0 statement)
    accessibility_gaps: str = ""  # known gaps, separated by ";"
    accessibility_contact: str = ""  # feedback contact; empty: the office's e-mail
    accessibility_enforcement: str = (
        "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen bei der "
        "Landesbeauftragten für Menschen mit Behinderung, Fürstenwall 25, 40219 Düsseldorf, "
        "ombudsstelle-barrierefreie-it@mags.nrw.de"
    )
    accessibility_checked_on: str = "2026-12-01"  # date of the last self-assessment (ISO)
    ratelimit_api: str = "300 per minute"  # open-data API requests per client address

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{Path(self.instance_path).resolve() / 'fondsengine.db'}"

    @property
    def effective_upload_dir(self) -> Path:
        """Where uploaded files are stored (outside the web root)."""
        return Path(self.upload_dir) if self.upload_dir else Path(self.instance_path) / "uploads"

    @property
    def effective_mailbox_path(self) -> Path:
        """The local mailbox file of the demo mail backend."""
        return (
            Path(self.mailbox_path)
            if self.mailbox_path
            else Path(self.instance_path) / "mailbox.mbox"
        )

    def as_mail_settings(self) -> dict[str, str]:
        """Plain string settings for the mailer factory."""
        return {
            "mail_backend": self.mail_backend,
            "mail_from": self.mail_from,
            "mailbox_path": str(self.effective_mailbox_path),
            "smtp_host": self.smtp_host,
            "smtp_port": str(self.smtp_port),
            "smtp_security": self.smtp_security,
            "smtp_username": self.smtp_username,
            "smtp_password": self.smtp_password,
        }


_FIELDS = {f.name: f for f in fields(Settings)}


def _coerce(name: str, value: Any, source: str) -> Any:
    kind = _FIELDS[name].type
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in {"1", "true", "yes", "ja", "on"}:
            return True
        if text in {"0", "false", "no", "nein", "off", ""}:
            return False
        raise InvalidInput(f"{source}: '{name}' erwartet true/false, gefunden: {value!r}")
    if kind == "int":
        try:
            return int(value)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(
                f"{source}: '{name}' erwartet eine ganze Zahl, gefunden: {value!r}"
            ) from exc
    return str(value)


def _apply(values: dict[str, Any], updates: Mapping[str, Any], source: str) -> None:
    for key, value in updates.items():
        if key not in _FIELDS:
            raise InvalidInput(f"{source}: unbekannte Einstellung '{key}'")
        values[key] = _coerce(key, value, source)


def load_settings(
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Build the settings: defaults, then the TOML file, then FONDS_* variables, then overrides."""
    values: dict[str, Any] = {}
    env = os.environ if environ is None else environ
    path = config_file or env.get(ENV_PREFIX + "CONFIG")
    if path:
        with open(path, "rb") as fh:
            _apply(values, tomllib.load(fh), str(path))
    env_values = {
        k[len(ENV_PREFIX) :].lower(): v
        for k, v in env.items()
        if k.startswith(ENV_PREFIX) and k != ENV_PREFIX + "CONFIG"
    }
    _apply(values, env_values, "Umgebung")
    _apply(values, overrides, "Aufruf")
    settings = dataclasses.replace(Settings(), **values)
    if settings.storage_backend not in {"file", "s3"}:
        raise InvalidInput(f"'storage_backend' erwartet file oder s3, gefunden: {settings.storage_backend!r}")
    if settings.storage_backend == "s3" and not settings.s3_bucket:
        raise InvalidInput("'storage_backend = s3' braucht 's3_bucket' (den Namen des Buckets).")
    return settings
