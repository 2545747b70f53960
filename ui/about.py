"""The About box: name, version, the law the rules were checked against, licences."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import QMessageBox, QWidget

from csec_desktop import APP_NAME, __version__
from csec_desktop.rules import REGISTRY, load_all
from ui.i18n import _

NOTICES = "THIRD-PARTY-NOTICES.txt"  # written beside the executables by build/csec-desktop.spec
RUNTIME = ("sqlcipher3", "argon2-cffi", "cryptography", "pydantic", "pydantic-core", "uuid6", "tzdata",
           "PyYAML", "Babel", "reportlab", "pypdfium2", "PySide6-Essentials", "shiboken6", "httpx", "zxcvbn")


def notices_file() -> Path:
    return Path(sys.executable).resolve().parent / NOTICES


def licences() -> list[str]:
    """Each third-party component as "name version (licence)": from the bundle's notices file, or
    from the installed packages when run from source."""
    found = notices_file()
    if getattr(sys, "frozen", False) and found.is_file():
        rows = [line.split("\t") for line in found.read_text("utf-8").splitlines() if "\t" in line]
        return [f"{name} ({licence})" for name, licence in rows]
    import importlib.metadata as md  # here, not at start-up: it loads the email package (20 ms)

    out = []
    for name in RUNTIME:
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            continue
        classifiers = [c.split(" :: ")[-1] for c in dist.metadata.get_all("Classifier") or []
                       if c.startswith("License ::")]
        expression = (dist.metadata.get_all("License-Expression") or [""])[0]
        text = (dist.metadata.get_all("License") or [""])[0]
        licence = expression or (classifiers[0] if classifiers else "") or text.split("\n")[0][:60]
        out.append(f"{dist.metadata['Name']} {dist.version} ({licence})")
    return out


def about_text() -> str:
    load_all()
    dates = sorted(info.law_as_of for info in REGISTRY.info.values())
    checked = "—" if not dates else dates[0].isoformat() if dates[0] == dates[-1] else \
        f"{dates[0].isoformat()} – {dates[-1].isoformat()}"
    text = _(
        "{name}\nVersion {version}\n\n"
        "{rules} rules; the law behind them checked {checked}. Each rule shows its citation and "
        "the date its law was checked (the command “csec rules” lists them all).\n\n"
        "Records stay in this computer's encrypted vault (SQLCipher 4) unless a person exports "
        "them.\n\n"
        "Python {python}, Qt for Python {qt}. Fonts: Liberation (SIL Open Font License), Droid "
        "Sans Fallback (Apache 2.0)."
    ).format(name=APP_NAME, version=__version__, rules=len(REGISTRY.info), checked=checked,
             python=sys.version.split()[0], qt=pyside_version)
    components = licences()
    if components:
        heading = _("Third-party components and their licences (Qt is under the LGPL v3; the full "
                    "texts are in {file} and the licenses folder beside the program):")
        text += "\n\n" + heading.format(file=NOTICES)
        text += "\n" + "; ".join(components) + "."
    return text


def keys_text(parent: QWidget) -> str:
    """The window's keys, from its actions and shortcuts themselves (so the list cannot go stale)."""
    from PySide6.QtGui import QAction, QShortcut

    found = [(a.shortcut().toString(), a.text().replace("&", "")) for a in parent.findChildren(QAction)
             if not a.shortcut().isEmpty() and a.text()]
    found += [(k.key().toString(), k.whatsThis()) for k in parent.findChildren(QShortcut) if k.whatsThis()]
    return "; ".join(f"{keys} {name}" for keys, name in sorted(set(found)))


def show_about(parent: QWidget) -> None:
    text = about_text()
    keys = keys_text(parent)
    if keys:
        text = _("Keys: {keys}.").format(keys=keys) + "\n\n" + text
    QMessageBox.about(parent, _("About {name}").format(name=APP_NAME), text)
