"""`csec-desktop --smoke-test DIR`: prove an installed or frozen build works end to end.

Offscreen, with synthetic data only: create a vault in DIR, unlock it, open a youth, make
a PDF in memory and render its first page, check the forms load, build the main window,
then quit. Prints one JSON line of what it did and how long each step took (and leaves it
in DIR/smoke-result.json); exit code 0 only if every step worked. The frozen-bundle test
in CI and county IT after an install both run it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

PASS = "smoke test passphrase, fictional"  # noqa: S105 (a throwaway vault of synthetic data)


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
    image = document[0].render(scale=0.5).to_pil()
    pages = len(document)
    document.close()
    mark("PDF made and rendered in memory")
    forms, problems = load_all()
    if problems:
        raise RuntimeError(f"{len(problems)} form file problem(s)")
    window = MainWindow(folder)
    window.show()
    app.processEvents()
    window.close()
    vault.lock("smoke")
    mark("forms and window")
    return {"version": __version__, "frozen": bool(getattr(sys, "frozen", False)), "pdf_bytes": len(pdf),
            "pdf_pages": pages, "page_pixels": list(image.size), "forms": len(forms), "steps": steps}


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
