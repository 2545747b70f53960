"""`csec-desktop --smoke-test DIR`: prove an installed or frozen build works end to end.

Offscreen, with synthetic data only: create a vault in DIR, unlock it, open a youth, make
a PDF in memory and render its first page, check the forms load, build the main window,
then quit. Prints one JSON line of what it did and how long each step took (and leaves it
in DIR/smoke-result.json); exit code 0 only if every step worked, and no module the app
does not need (development tools, the hub: UNNEEDED) was loaded on the way. The
frozen-bundle test in CI and county IT after an install both run it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

PASS = "smoke test passphrase, fictional"  # noqa: S105 (a throwaway vault of synthetic data)

# Modules a start of the app must never load: they cost start-up time and do not belong in the
# bundle (build/bundle_support.NEVER_BUNDLED is the same list for the build).
UNNEEDED = ("mypy", "click", "rich", "pygments", "pkg_resources", "setuptools", "pytest", "numpy",
            "fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "psycopg", "jinja2",
            "csec_desktop.hub")


def unneeded_loaded() -> list[str]:
    return sorted(name for name in sys.modules if name in UNNEEDED or name.split(".")[0] in UNNEEDED
                  or name.startswith("csec_desktop.hub"))


def run(folder: Path) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()
    steps: dict[str, float] = {}

    def mark(name: str) -> None:
        steps[name] = round(time.perf_counter() - started, 3)

    from PySide6.QtWidgets import QApplication

    from csec_desktop import __version__, caseload
    from csec_desktop.demo import demo_youth
    from csec_desktop.documents import jobs
    from csec_desktop.formspec import load_all
    from csec_desktop.storage.vault import Vault
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    mark("imported")
    vault, _secret = Vault.create(folder, county="Demo County", admin="smoke", passphrase=PASS)
    youth = next(demo_youth(1, seed=7, county="Demo County", workers=["smoke"]))
    record = caseload.create_youth(vault, youth)
    vault.close()
    mark("vault created")
    vault = Vault.unlock(folder, "smoke", PASS)
    opened = caseload.get_youth(vault, record.id)
    mark("unlocked and opened a youth")
    pdf = jobs.make(vault, "youth_summary", opened.id)
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    bitmap = document[0].render(scale=0.5)  # pixels in memory; no image library needed
    size = [bitmap.width, bitmap.height]
    pages = len(document)
    document.close()
    mark("PDF made and rendered in memory")
    forms, problems = load_all()
    if problems:
        raise RuntimeError(f"{len(problems)} form file problem(s)")
    from PySide6.QtCore import QCoreApplication

    from ui.i18n import set_language

    set_language("es")  # Qt's own buttons in Spanish too (its qtbase catalog is bundled)
    qt_spanish = QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancelar"
    set_language("en")
    from ui.app import application_icon

    icon = application_icon()  # found inside the bundle (assets/ is frozen with it)
    QApplication.setWindowIcon(icon)
    window = MainWindow(folder)
    window.show()
    app.processEvents()
    window.close()
    vault.lock("smoke")
    mark("forms and window")
    unneeded = unneeded_loaded()
    if unneeded and getattr(sys, "frozen", False):  # a development environment may well hold them
        raise RuntimeError(f"modules the app does not need were loaded: {', '.join(unneeded)}")
    return {"version": __version__, "frozen": bool(getattr(sys, "frozen", False)), "pdf_bytes": len(pdf),
            "pdf_pages": pages, "page_pixels": size, "forms": len(forms), "steps": steps,
            "modules": len(sys.modules), "unneeded": unneeded, "qt_spanish": qt_spanish,
            "icon": not icon.isNull()}


def main(folder: Path) -> int:
    if folder.exists() and any(folder.iterdir()):
        if sys.stdout is not None:
            print(json.dumps({"error": f"{folder} is not empty; give a new folder"}))
        return 2
    result = run(folder)
    # A windowed build on Windows has no console: the result is also left in the folder.
    (folder / "smoke-result.json").write_text(json.dumps(result), encoding="utf-8")
    if sys.stdout is not None:
        print(json.dumps(result))
    return 0
