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
