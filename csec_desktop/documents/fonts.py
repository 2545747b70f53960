"""Fonts embedded in every PDF, and per-character fallback for names the main fonts lack.

Names are written as people write them: "Núñez", "Nguyễn Thị Hương", "王小明", "김서연". The
Liberation fonts cover Latin (Vietnamese included); characters they lack are set in the
first fallback font that has them (Droid Sans Fallback: Chinese and Japanese; NanumGothic:
Korean, of which Droid has three syllables); a character no font has becomes a visible "?"
rather than a blank, so a clerk sees that something is missing instead of a silently
shortened name.
"""

from __future__ import annotations

import copy
import sys
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.fonts import addMapping
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import cleanBlockQuotedText

from csec_desktop.documents.font_files import FALLBACKS, KOREAN

SERIF = "CourtSerif"  # Liberation Serif: metric-compatible with Times New Roman
SANS = "PlanSans"  # Liberation Sans: metric-compatible with Arial
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
    for name, file in FALLBACKS.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(name, bold, italic, name)


@cache
def _covered(font_name: str) -> frozenset[int]:
    register()
    font = pdfmetrics.getFont(font_name)
    return frozenset(font.face.charToGlyph)


HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))
"""Korean letters: set in the Korean font even where Droid has the odd one, so a name is in one
face."""


def _spare(code: int) -> str | None:
    """The fallback font for the character `code`, if one has it."""
    if any(low <= code <= high for low, high in HANGUL) and code in _covered(KOREAN):
        return KOREAN
    return next((name for name in FALLBACKS if code in _covered(name)), None)


def markup(text: str, font: str = SANS) -> str:
    """Paragraph markup for plain text: escaped, with runs the font lacks in a fallback."""
    main = _covered(font)
    if main.issuperset(map(ord, text)):  # the usual case: nothing to switch
        return escape(text).replace("\n", "<br/>")
    out: list[str] = []
    current: str | None = None  # the fallback the text is in
    for char in text:
        code = ord(char)
        if char in "\n\r\t" or code in main or char == " ":
            piece, need = escape(char), None
        else:
            need = _spare(code)
            piece = escape(char) if need else MISSING
        if need != current:
            out.append(("</font>" if current else "") + (f'<font face="{need}">' if need else ""))
            current = need
        out.append(piece.replace("\n", "<br/>"))
    if current:
        out.append("</font>")
    return "".join(out)


def missing_characters(text: str, font: str = SANS) -> str:
    """The characters of `text` that no embedded font can show."""
    known = _covered(font).union(*(_covered(name) for name in FALLBACKS))
    return "".join(sorted({c for c in text if not c.isspace() and ord(c) not in known}))


class Para(Paragraph):
    """A paragraph that breaks its lines once for a width.

    A table asks each cell's paragraph for its height when it sizes its rows, and again when it
    draws the cell; a frame asks again before placing it. ReportLab breaks the lines anew each
    time: a plan's 41 paragraphs were broken 108 times, a packet's 404 were broken 696 times. The
    lines depend only on the text, the style and the width, so a second request for the same width
    returns what the first found, provided the lines are still the ones it found."""

    _wrapped: tuple[float, float, Any] | None = None  # width, height, the lines broken for it

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        known = self._wrapped
        if known is not None and known[0] == availWidth and getattr(self, "blPara", None) is known[2]:
            self.width = availWidth
            self.height = known[1]
            return availWidth, known[1]
        width, height = super().wrap(availWidth, availHeight)
        if (width, height) != (0, 0x7FFFFFFF):  # a width too narrow breaks nothing: nothing to keep
            self._wrapped = (availWidth, height, self.blPara)
        return width, height


_PLAIN_FRAGS: dict[int, tuple[ParagraphStyle, Any]] = {}


def paragraph(text: str, style: ParagraphStyle, font: str = SANS) -> Para:
    """A paragraph of plain text in `style`, as `Paragraph(markup(text, font), style)` makes it.

    Text the main font covers whole, on one line, with nothing to escape, is one run in the style's
    font: its fragment is built directly rather than by ReportLab's markup parser, which was a
    tenth of a plan's time (70 microseconds a paragraph; a packet has about 430). The fragment is
    a copy of what the parser makes of the style once, with the text the parser would give it
    (test_documents.py checks that they match)."""
    cleaned = cleanBlockQuotedText(text)
    if (not cleaned or "\n" in text or "&" in text or "<" in text or ">" in text
            or getattr(style, "textTransform", None) or not _covered(font).issuperset(map(ord, text))):
        return Para(markup(text, font), style)
    known = _PLAIN_FRAGS.get(id(style))
    if known is None or known[0] is not style:
        (first,) = Paragraph("x", style).frags
        known = _PLAIN_FRAGS[id(style)] = (style, first)
    frag = copy.copy(known[1])
    frag.text = cleaned
    frag.link = []
    frag.us_lines = []
    return Para(cleaned, style, frags=[frag])
