"""PySide6's import hook, answered by reading each module's file once.

From its first import on, PySide6 looks at every module imported after it (its `__feature__`
support records whether a module's source mentions PySide6). It asks with inspect.getsource,
which on every call walks all the modules loaded so far to find the module's file: over the
three hundred modules the window imports after Qt, about 60 ms of a start of about one second
(measured here: the window's imports took 0.53 s against 0.47 s answered this way, median of 8).
The same question is answered here from the module's file; anything else (a module from a zip,
a compiled one) still goes to PySide6's own check. Nothing in this project uses `__feature__`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

_MARK = "_csec_quick"


def uses_pyside(module: ModuleType, fallback: Callable[[ModuleType], bool]) -> bool:
    """Whether the module's source mentions PySide6, as PySide6's own check answers it."""
    path = getattr(module, "__file__", None)
    if isinstance(path, str) and path.endswith(".py"):
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            pass
    return fallback(module)


def quicken() -> bool:
    """Put the quick check in place, once PySide6 is imported; whether it is in place (False
    where a PySide6 release no longer has the hook: its own check then stays)."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(original):
        return False
    if getattr(original, _MARK, False):
        return True

    def quick(module: ModuleType) -> bool:
        return uses_pyside(module, original)

    setattr(quick, _MARK, True)
    feature._mod_uses_pyside = quick  # type: ignore[attr-defined]
    return True
