"""A youth's name in Chinese, Japanese or Korean script is drawn with glyphs, not boxes, on a
machine whose system has no font for those scripts (ui/fonts.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QImage, QPainter
from PySide6.QtWidgets import QApplication

from ui import fonts

MISSING = "\U0010fffd"  # a private-use character no font draws: a box, or nothing


def _drawn(text: str, font: QFont) -> bytes:
    image = QImage(64, 32, QImage.Format.Format_Grayscale8)
    image.fill(255)
    painter = QPainter(image)
    painter.setFont(font)
    painter.drawText(4, 24, text)
    painter.end()
    return bytes(image.constBits())


def test_east_asian_scripts_have_a_font_and_a_name_is_drawn(qapp: QApplication) -> None:
    fonts.ensure_fallback()
    assert all(QFontDatabase.families(script) for scripts in fonts.SCRIPTS.values() for script in scripts)
    font = qapp.font()
    blank = _drawn("", font)
    for glyph in ("示", "例", "ひ", "한"):  # the demo county's names hold the first two
        drawn = _drawn(glyph, font)
        assert drawn != blank and drawn != _drawn(MISSING, font), glyph
    assert fonts.ensure_fallback() == []  # once the scripts have a font, nothing more is loaded


def test_the_window_s_fonts_load_no_document_maker() -> None:
    """ReportLab is loaded when a document is first made, not at start (issue 24)."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, ui.fonts; print('reportlab' in sys.modules)"],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[2])
    assert loaded.stdout.strip() == "False"
