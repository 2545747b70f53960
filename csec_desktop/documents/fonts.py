"""Fonts embedded in every PDF, and per-character fallback for names the main fonts lack.

Names are written as people write them: "Núñez", "Nguyễn Thị Hương", "王小明". The
Liberation fonts cover Latin (Vietnamese included); characters they lack are set in
the fallback font; a character no font has becomes a visible "?" rather than a blank,
so a clerk sees that something is missing instead of a silently shortened name.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

SERIF = "CourtSerif"  # Liberation Serif: metric-compatible with Times New Roman
SANS = "PlanSans"  # Liberation Sans: metric-compatible with Arial
FALLBACK = "Fallback"  # Droid Sans Fallback: Chinese, Japanese, Korean
MISSING = "?"

_FILES = {
    SERIF: "LiberationSerif", SANS: "LiberationSans",
}
_STYLES = {"": "-Regular", "-Bold": "-Bold", "-Italic": "-Italic", "-BoldItalic": "-BoldItalic"}


def fonts_dir() -> Path:
    """assets/fonts beside the source tree, or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "assets" / "fonts"
    return Path(__file__).resolve().parents[2] / "assets" / "fonts"


@cache
def register() -> None:
    """Register the families once per process (ReportLab keeps a global registry)."""
    folder = fonts_dir()
    for family, stem in _FILES.items():
        for suffix, file_suffix in _STYLES.items():
            pdfmetrics.registerFont(TTFont(family + suffix, str(folder / f"{stem}{file_suffix}.ttf")))
        addMapping(family, 0, 0, family)
        addMapping(family, 1, 0, family + "-Bold")
        addMapping(family, 0, 1, family + "-Italic")
        addMapping(family, 1, 1, family + "-BoldItalic")
    pdfmetrics.registerFont(TTFont(FALLBACK, str(folder / "DroidSansFallbackFull.ttf")))
    # Bold or italic of the fallback is the fallback itself (it has one face).
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(FALLBACK, bold, italic, FALLBACK)


@cache
def _covered(font_name: str) -> frozenset[int]:
    register()
    font = pdfmetrics.getFont(font_name)
    return frozenset(font.face.charToGlyph)


def markup(text: str, font: str = SANS) -> str:
    """Paragraph markup for plain text: escaped, with runs the font lacks in the fallback."""
    main, spare = _covered(font), _covered(FALLBACK)
    if main.issuperset(map(ord, text)):  # the usual case: nothing to switch
        return escape(text).replace("\n", "<br/>")
    out: list[str] = []
    in_fallback = False
    for char in text:
        code = ord(char)
        if char in "\n\r\t" or code in main or char == " ":
            piece, need = escape(char), False
        elif code in spare:
            piece, need = escape(char), True
        else:
            piece, need = MISSING, False
        if need != in_fallback:
            out.append(f'<font face="{FALLBACK}">' if need else "</font>")
            in_fallback = need
        out.append(piece.replace("\n", "<br/>"))
    if in_fallback:
        out.append("</font>")
    return "".join(out)


def missing_characters(text: str, font: str = SANS) -> str:
    """The characters of `text` that no embedded font can show."""
    main, spare = _covered(font), _covered(FALLBACK)
    known = main | spare
    return "".join(sorted({c for c in text if not c.isspace() and ord(c) not in known}))
