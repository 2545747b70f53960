"""The About box names the version the bundle was built from and the law's checked dates."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from csec_desktop import APP_NAME, __version__
from ui.about import about_text
from ui.i18n import set_language


def test_about_names_the_version_and_the_law_date(qtbot: QtBot) -> None:
    text = about_text()
    assert APP_NAME in text and f"Version {__version__}" in text
    assert "checked 20" in text and "rules" in text
    set_language("es")
    try:
        assert f"Versión {__version__}" in about_text()
    finally:
        set_language("en")


def test_about_lists_the_third_party_licences(qtbot: QtBot) -> None:
    text = about_text()
    assert "LGPL" in text and "THIRD-PARTY-NOTICES.txt" in text
    for component in ("PySide6", "sqlcipher3", "cryptography", "reportlab", "zxcvbn"):
        assert component.lower() in text.lower(), component


def test_qt_own_buttons_follow_the_language(qtbot: QtBot) -> None:
    from PySide6.QtCore import QCoreApplication

    set_language("es")
    try:
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancelar"
    finally:
        set_language("en")
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_every_key_of_the_window_is_listed_and_my_passphrase_has_one(qtbot: QtBot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A keyboard user could not reach "My passphrase…" (the toolbar is not in the Tab order and it had
    no key), and the navigation's keys were written nowhere but three tooltips."""
    from ui.about import keys_text
    from ui.main_window import MainWindow

    win = MainWindow(tmp_path / "vault")
    qtbot.addWidget(win)
    win._build_rest()  # what the first turn of the event loop builds
    keys = keys_text(win)
    for listed in ("Ctrl+1 Today", "Ctrl+2 Caseload", "Ctrl+5 Reports", "Ctrl+7 My passphrase…",
                   "Ctrl+L Lock now", "F9 Sync now", "F1 About"):
        assert listed in keys, listed
    # The numbers follow the toolbar from left to right (Administration had been 3, left of 4).
    numbered = [a.shortcut().toString() for a in win.nav.actions() if a.shortcut().toString()[:5] == "Ctrl+"]
    assert numbered == [f"Ctrl+{n}" for n in range(1, len(numbered) + 1)]
    assert win.passphrase_action.toolTip().endswith("(Ctrl+7)")
    assert win.today_action.toolTip() == "Today (Ctrl+1)"
    win.close()
