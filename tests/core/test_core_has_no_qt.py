"""The dependency rule: importing every core module loads no Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import csec_desktop


def test_core_imports_without_pyside6() -> None:
    modules = [m.name for m in pkgutil.walk_packages(csec_desktop.__path__, "csec_desktop.")]
    assert "csec_desktop.storage.vault" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
