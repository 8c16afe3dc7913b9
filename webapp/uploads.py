"""Checked file uploads: PDF/JPEG/PNG by content, size-limited, stored under a random name.

The engine records the metadata (`fondsengine.services.records.add_attachment`, or together
with a proof of use in `submit_proof`); this module only checks and stores the bytes.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from werkzeug.datastructures import FileStorage

from fondsengine.errors import InvalidInput
from fondsengine.money import format_euro
from fondsengine.services.records import AttachmentInput

ALLOWED = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


@dataclass(frozen=True)
class StoredFile:
    """A checked file written to the upload folder."""

    original_name: str
    stored_name: str
    mimetype: str
    size_bytes: int
    sha256: str


def sniff(content: bytes) -> str | None:
    """The MIME type by magic bytes (PDF, JPEG, PNG), or None."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def _looks_complete(content: bytes, mimetype: str) -> bool:
    if mimetype == "application/pdf":
        return b"%%EOF" in content[-2048:]
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    return True


def _size_text(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB".replace(".", ",") if n >= 1024 * 1024 else f"{n // 1024} KB"


def as_input(stored: StoredFile, purpose: str) -> AttachmentInput:
    """The engine's value for a stored upload."""
    return AttachmentInput(purpose, stored.original_name, stored.stored_name, stored.mimetype, stored.size_bytes,
                           stored.sha256)


def check_and_store(upload: FileStorage, upload_dir: Path, max_bytes: int) -> StoredFile:
    """Check content and size of an upload, then store it (InvalidInput in German otherwise)."""
    name = (upload.filename or "Datei").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    content = upload.stream.read(max_bytes + 1)
    if not content:
        raise InvalidInput(f"„{name}“ ist leer.", field="file")
    if len(content) > max_bytes:
        raise InvalidInput(
            f"„{name}“ ist zu groß. Erlaubt sind höchstens {_size_text(max_bytes)} pro Datei.",
            field="file",
        )
    mimetype = sniff(content)
    if mimetype is None or not _looks_complete(content, mimetype):
        raise InvalidInput(
            f"„{name}“ ist keine gültige PDF-, JPEG- oder PNG-Datei. Bitte prüfen Sie die Datei.",
            field="file",
        )
    upload_dir.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16) + ALLOWED[mimetype]
    (upload_dir / stored).write_bytes(content)
    return StoredFile(name, stored, mimetype, len(content), hashlib.sha256(content).hexdigest())


def read_stored(upload_dir: Path, stored_name: str) -> io.BytesIO:
    """Open a stored file by its random name (never a path from the request)."""
    if "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise InvalidInput("Ungültiger Dateiname.")
    return io.BytesIO((upload_dir / stored_name).read_bytes())


__all__ = ["ALLOWED", "StoredFile", "check_and_store", "format_euro", "read_stored", "sniff"]
