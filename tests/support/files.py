"""Real files for upload tests."""

from __future__ import annotations

import io
from collections.abc import Callable

from pypdf import PdfWriter


def simple_pdf(mutate: Callable[[PdfWriter], None] | None = None) -> bytes:
    """A real one-page PDF written by pypdf (optionally changed before writing)."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if mutate is not None:
        mutate(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
