"""The quick answer to PySide6's import hook (ui/pyside_hook.py) is the answer PySide6's own
check gives: whether a module's source mentions PySide6."""

from __future__ import annotations

import inspect
import sys
from types import ModuleType

import PySide6.QtWidgets  # noqa: F401 (the hook exists once PySide6 is imported)

import ui.main_window
from csec_desktop import caseload
from ui import pyside_hook


def _own_check(module: ModuleType) -> bool:
    """PySide6's own question, asked as it asks it."""
    try:
        return "PySide6" in inspect.getsource(module)
    except (TypeError, OSError, SyntaxError):
        return False


def test_the_quick_check_answers_as_pysides_own_for_every_module_loaded() -> None:
    roots = ("ui", "csec_desktop", "json", "PySide6")
    modules = [m for name, m in sorted(sys.modules.items())
               if isinstance(m, ModuleType) and name.split(".")[0] in roots]
    assert len(modules) > 50
    answers = {m.__name__: pyside_hook.uses_pyside(m, _own_check) for m in modules}
    assert answers == {m.__name__: _own_check(m) for m in modules}
    assert answers["ui.main_window"] is True and answers["csec_desktop.caseload"] is False


def test_quicken_puts_the_check_in_place_once() -> None:
    assert pyside_hook.quicken() is True
    feature = sys.modules["shibokensupport.feature"]
    quick = feature._mod_uses_pyside
    assert pyside_hook.quicken() is True and feature._mod_uses_pyside is quick  # not wrapped twice
    assert quick(ui.main_window) is True and quick(caseload) is False
    assert quick(sys) is False  # a built-in module: PySide6's own check answers
