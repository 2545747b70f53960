"""The About box: name, version, the law the rules were checked against, licences."""

from __future__ import annotations

import sys

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QMessageBox, QWidget

from csec_desktop import APP_NAME, __version__
from csec_desktop.rules import REGISTRY, load_all
from ui.i18n import _


def about_text() -> str:
    load_all()
    dates = sorted(info.law_as_of for info in REGISTRY.info.values())
    checked = "—" if not dates else dates[0].isoformat() if dates[0] == dates[-1] else \
        f"{dates[0].isoformat()} – {dates[-1].isoformat()}"
    return _(
        "{name}\nVersion {version}\n\n"
        "{rules} rules; the law behind them checked {checked}. Each rule shows its citation and "
        "the date its law was checked (the command “csec rules” lists them all).\n\n"
        "Records stay in this computer's encrypted vault (SQLCipher 4) unless a person exports "
        "them.\n\n"
        "Python {python}, Qt for Python {qt}. Fonts: Liberation (SIL Open Font License), Droid "
        "Sans Fallback (Apache 2.0)."
    ).format(name=APP_NAME, version=__version__, rules=len(REGISTRY.info), checked=checked,
             python=sys.version.split()[0], qt=pyside_version)


def show_about(parent: QWidget) -> None:
    QMessageBox.about(parent, _("About {name}").format(name=APP_NAME), about_text())
