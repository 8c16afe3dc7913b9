"""Register the DejaVu Sans fonts with reportlab so umlauts and the euro sign embed and extract."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

SHIPPED_DIR = Path(__file__).parent / "fonts"
SYSTEM_DIR = Path("/usr/share/fonts/truetype/dejavu")


def font_path(file_name: str) -> Path:
    """The font file to use: the copy shipped with the package, else the system's DejaVu."""
    for folder in (SHIPPED_DIR, SYSTEM_DIR):
        candidate = folder / file_name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"font {file_name} neither in {SHIPPED_DIR} nor in {SYSTEM_DIR}")


def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) once; later calls do nothing."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(REGULAR, str(font_path("DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(BOLD, str(font_path("DejaVuSans-Bold.ttf"))))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
