"""Names in Chinese and Japanese script on screen: the bundled fallback font, where the system has
none for them.

The PDFs embed their own fallback for those scripts (csec_desktop/documents/fonts.py);
the window draws with the system's fonts, and a machine without one for those scripts showed such a
youth's name as boxes. Registering the same bundled font makes Qt fall back to it glyph by glyph.
It is registered only where the system lacks a font for one of those scripts: asking costs 0.1 ms,
registering the 4 MB font 13 ms (measured here), which a county's Windows workstation need not pay.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from csec_desktop.paths import resource_root

FALLBACK_FILE = "DroidSansFallbackFull.ttf"
SCRIPTS = (QFontDatabase.WritingSystem.SimplifiedChinese, QFontDatabase.WritingSystem.TraditionalChinese,
           QFontDatabase.WritingSystem.Japanese)
"""The scripts the font draws (not Hangul: a Korean name is drawn as the system's fonts can, as
in the PDFs, where a character no font has is a visible "?")."""


def ensure_fallback() -> bool:
    """Register the bundled fallback font if some script of SCRIPTS has no font; whether it was."""
    if all(QFontDatabase.families(script) for script in SCRIPTS):
        return False
    return QFontDatabase.addApplicationFont(str(resource_root() / "assets" / "fonts" / FALLBACK_FILE)) >= 0
