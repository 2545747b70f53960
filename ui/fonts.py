"""Names in Chinese, Japanese and Korean script on screen: the bundled fallback fonts, where the
system has none for them.

The PDFs embed their own fallbacks for those scripts (csec_desktop/documents/fonts.py); the window
draws with the system's fonts, and a machine without one for those scripts showed such a youth's
name as boxes. Registering the same bundled fonts makes Qt fall back to them glyph by glyph. Each
is registered only where the system lacks a font for one of its scripts: asking costs 0.1 ms,
registering a 4 MB font 13 ms (measured here), which a county's Windows workstation need not pay.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from csec_desktop.documents.font_files import FALLBACK, FALLBACKS, KOREAN
from csec_desktop.paths import resource_root

WritingSystem = QFontDatabase.WritingSystem
SCRIPTS = {
    FALLBACK: (WritingSystem.SimplifiedChinese, WritingSystem.TraditionalChinese, WritingSystem.Japanese),
    KOREAN: (WritingSystem.Korean,),
}
"""The scripts each fallback draws (Droid Sans Fallback has but a few Hangul syllables)."""


def ensure_fallback() -> list[str]:
    """Register each bundled fallback font one of whose SCRIPTS has no font; the files registered."""
    added = []
    for name, scripts in SCRIPTS.items():
        if all(QFontDatabase.families(script) for script in scripts):
            continue
        file = FALLBACKS[name]
        if QFontDatabase.addApplicationFont(str(resource_root() / "assets" / "fonts" / file)) >= 0:
            added.append(file)
    return added
