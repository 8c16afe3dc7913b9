"""Checked file uploads: PDF/JPEG/PNG by content, size-limited, PDFs without active content, images
re-encoded (metadata stripped, orientation applied, pixel limit). Nothing is written here.

`check` reads an upload into memory and returns the checked (for images: re-encoded) bytes; the
engine stages them on disk only after it has authorised the use case, and moves them into the upload
folder when the transaction commits (`fondsengine.files`). A refused request leaves no file behind.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import abort, current_app, send_file
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import FileStorage

from fondsengine.applications.records import AttachmentInput
from fondsengine.config import Settings
from fondsengine.errors import InvalidInput, NotFound
from fondsengine.files import SUFFIXES
from fondsengine.storage import StorageError
from webapp.filters import filesize

if TYPE_CHECKING:
    from pypdf import PdfReader

    from fondsengine.model import Attachment

# pypdf and Pillow are imported by the checks below when a file is uploaded, not with the web app
# (pypdf with its crypto provider alone adds about 12 MiB to a worker; most requests never need it).

ALLOWED = SUFFIXES
ACTIVE_PDF_NAMES = frozenset(
    {"/JavaScript", "/JS", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA", "/SubmitForm",
     "/ImportData", "/GoToR", "/GoToE", "/Sound", "/Movie"}
)  # fmt: skip
_MAX_PDF_OBJECTS = 200_000


@dataclass(frozen=True)
class CheckedFile:
    """A checked upload, in memory: its name as sent, its type by content, the bytes to store."""

    original_name: str
    mimetype: str
    content: bytes


def sniff(content: bytes) -> str | None:
    """The MIME type by magic bytes (PDF, JPEG, PNG), or None."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def _size_text(n: int) -> str:
    return filesize(n)


def clean_name(filename: str | None) -> str:
    """The file's own name without folders and control characters, at most 255 characters."""
    name = (filename or "Datei").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp", "Cs")).strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 250 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:255]
    return name or "Datei"


def _active_pdf_content(reader: PdfReader) -> str | None:
    """The first name of active content (JavaScript, launch actions, embedded files ...) in the PDF."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    steps = 0
    while stack:
        steps += 1
        if steps > _MAX_PDF_OBJECTS:
            return "/TooComplex"
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        if isinstance(obj, NameObject) and str(obj) in ACTIVE_PDF_NAMES:
            return str(obj)
        if isinstance(obj, DictionaryObject | StreamObject):
            for name, value in obj.items():
                if str(name) in ACTIVE_PDF_NAMES:
                    return str(name)
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


def _check_pdf(name: str, content: bytes) -> bytes:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise InvalidInput(f"„{name}“ ist verschlüsselt. Bitte laden Sie die PDF-Datei ohne Kennwort hoch.",
                               field="file")  # fmt: skip
        found = _active_pdf_content(reader)
        pages = len(reader.pages)
    except InvalidInput:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        raise InvalidInput(f"„{name}“ ist keine lesbare PDF-Datei. Bitte prüfen Sie die Datei.", field="file") from None
    raw_hit = next((n for n in (b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"/RichMedia") if n in content), None)
    if found or raw_hit:
        raise InvalidInput(
            f"„{name}“ enthält aktive Inhalte (Skripte, Aktionen oder eingebettete Dateien). Bitte speichern "
            "Sie das Dokument als einfache PDF-Datei (z. B. „Drucken als PDF“) und laden Sie es noch einmal hoch.",
            field="file",
        )
    if pages == 0:
        raise InvalidInput(f"„{name}“ hat keine Seiten.", field="file")
    return content


def _reencode_image(name: str, content: bytes, mimetype: str, max_pixels: int) -> bytes:
    from PIL import Image, ImageOps

    too_big = InvalidInput(
        f"„{name}“ ist zu groß: höchstens {max_pixels // 1_000_000} Megapixel. Bitte verkleinern Sie das Bild.",
        field="file",
    )
    invalid = InvalidInput(f"„{name}“ ist kein gültiges Bild. Bitte prüfen Sie die Datei.", field="file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if {"JPEG": "image/jpeg", "PNG": "image/png"}.get(image.format or "") != mimetype:
                    raise invalid
                width, height = image.size
                if width * height > max_pixels:
                    raise too_big
                image.load()
                upright = ImageOps.exif_transpose(image)
                out = io.BytesIO()
                if mimetype == "image/jpeg":
                    if upright.mode not in ("RGB", "L"):
                        upright = upright.convert("RGB")
                    upright.save(out, format="JPEG", quality=90, optimize=True)  # no exif=, so no metadata
                else:
                    if upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                        upright = upright.convert("RGBA")
                    upright.save(out, format="PNG", optimize=True)  # text chunks and eXIf are not copied
    except InvalidInput:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise invalid from None
    return out.getvalue()


def check(upload: FileStorage, limits: Settings) -> CheckedFile:
    """Check content and size of an upload in memory (InvalidInput in German otherwise); writes nothing.

    The limits are the operator's settings (`upload_max_bytes`, `upload_max_pixels`), for every upload
    of every page: a page cannot forget one of them."""
    max_bytes, max_pixels = limits.upload_max_bytes, limits.upload_max_pixels
    name = clean_name(upload.filename)
    content = upload.stream.read(max_bytes + 1)
    if not content:
        raise InvalidInput(f"„{name}“ ist leer.", field="file")
    if len(content) > max_bytes:
        raise InvalidInput(
            f"„{name}“ ist zu groß. Erlaubt sind höchstens {_size_text(max_bytes)} pro Datei.",
            field="file",
        )
    mimetype = sniff(content)
    if mimetype is None or (mimetype == "application/pdf" and b"%%EOF" not in content[-2048:]):
        raise InvalidInput(
            f"„{name}“ ist keine gültige PDF-, JPEG- oder PNG-Datei. Bitte prüfen Sie die Datei.",
            field="file",
        )
    if mimetype == "application/pdf":
        return CheckedFile(name, mimetype, _check_pdf(name, content))
    return CheckedFile(name, mimetype, _reencode_image(name, content, mimetype, max_pixels))


def as_input(checked: CheckedFile, purpose: str) -> AttachmentInput:
    """The engine's value for a checked upload."""
    return AttachmentInput(purpose, checked.original_name, checked.mimetype, checked.content)


__all__ = ["ALLOWED", "CheckedFile", "as_input", "check", "sniff"]


def send_attachment(read: Callable[[], tuple[Attachment, bytes]]) -> ResponseReturnValue:
    """An attachment as a download; 404 when the engine does not hand it out or the store lost it."""
    try:
        row, content = read()
    except NotFound:
        abort(404)
    except StorageError:
        current_app.logger.exception("Anhang fehlt im Dateispeicher")
        abort(404)
    return send_file(io.BytesIO(content), mimetype=row.mimetype, as_attachment=True, download_name=row.original_name)
