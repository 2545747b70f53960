"""The installable build: PyInstaller makes the one-folder bundle from build/csec-desktop.spec,
and the frozen app runs its smoke test (create a vault, unlock, open a youth, make and render
a PDF in memory, build the window) offscreen and exits 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from csec_desktop import APP_ID, __version__

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def build(out: Path) -> Path:
    """Build into `out` (work files beside it, never in build/); returns the app folder."""
    subprocess.run([sys.executable, "-m", "PyInstaller", str(ROOT / "build" / "csec-desktop.spec"),
                    "--workpath", str(out / "work"), "--distpath", str(out / "dist"), "--noconfirm",
                    "--log-level", "ERROR"], check=True, cwd=ROOT, timeout=900)
    return out / "dist" / APP_ID


def test_the_frozen_app_passes_its_smoke_test(tmp_path: Path) -> None:
    app = build(tmp_path / "pyinstaller")
    assert not (ROOT / "build" / APP_ID).exists(), "PyInstaller's work folder must stay out of build/"
    exe = app / (APP_ID + (".exe" if sys.platform == "win32" else ""))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    done = subprocess.run([str(exe), "--smoke-test", str(tmp_path / "vault")], capture_output=True,
                          text=True, env=env, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["frozen"] is True and result["version"] == __version__
    assert result["pdf_pages"] >= 1 and result["forms"] >= 2
    assert (tmp_path / "vault" / "keys.json").exists()
    assert json.loads((tmp_path / "vault" / "smoke-result.json").read_text()) == result
    # Only the Qt modules the app uses went in.
    qt = {p.name.split(".")[0] for p in (app / "_internal" / "PySide6").glob("Qt*.so")} | {
        p.name.split(".")[0] for p in (app / "_internal" / "PySide6").glob("Qt*.pyd")}
    assert qt <= {"QtCore", "QtGui", "QtWidgets", "QtPrintSupport"}, qt
    assert not list((app / "_internal").glob("fastapi*")), "the hub is not part of the desktop"
