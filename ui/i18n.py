"""The interface's language: gettext catalogs kept as .po files, switchable while running.

Catalogs are the .po files in ui/locale (extracted and updated with Babel; see
`make messages`). They are compiled in memory when a language is chosen, so there
is no build step and no compiled file to fall out of date.

Widgets do not set fixed text directly: they `bind` it, which sets it now and
remembers how, so `set_language` can set every bound text again. That one mechanism
is how the language changes without a restart. Transient messages are simply set
with `_()`; the next message comes in the new language.
"""

from __future__ import annotations

import gettext
import io
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from csec_desktop.text import N_

LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}

_current: gettext.NullTranslations = gettext.NullTranslations()
_code = "en"


def catalog_path(code: str) -> Path:
    return LOCALE_DIR / f"{code}.po"


def load(code: str) -> gettext.NullTranslations:
    if code == "en":
        return gettext.NullTranslations()
    with catalog_path(code).open("rb") as handle:
        catalog = read_po(handle, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


Apply = Callable[[Any, str], None]
_bound: list[tuple[weakref.ref[Any], Apply, str]] = []
_listeners: list[tuple[weakref.ref[Any], str]] = []


def bind(owner: Any, apply: Apply | str, message: str) -> None:
    """Show `message` translated through `apply(owner, text)` now and after every switch.

    `apply` may name a method of the owner ("setText", "setToolTip"...). Only a weak
    reference to the owner is kept, so bound widgets are freed as usual.
    """
    setter: Apply = (lambda o, text, name=apply: getattr(o, name)(text)) if isinstance(apply, str) \
        else apply
    setter(owner, _(message))
    _bound.append((weakref.ref(owner), setter, message))


def on_change(owner: Any, method: str) -> None:
    """Call `owner.<method>()` after each switch (item models repaint headers and cells)."""
    _listeners.append((weakref.ref(owner), method))


def set_language(code: str) -> None:
    global _current, _code
    if code not in LANGUAGES:
        raise ValueError(f"no interface language {code!r}")
    _current, _code = load(code), code
    alive = []
    for ref, setter, message in _bound:
        owner = ref()
        if owner is None:
            continue
        try:
            setter(owner, _(message))
        except RuntimeError:  # the C++ side of a widget is gone
            continue
        alive.append((ref, setter, message))
    _bound[:] = alive
    listening = []
    for ref, method in _listeners:
        owner = ref()
        if owner is None:
            continue
        try:
            getattr(owner, method)()
        except RuntimeError:
            continue
        listening.append((ref, method))
    _listeners[:] = listening


def language() -> str:
    return _code


def _(message: str) -> str:
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


__all__ = ["LANGUAGES", "N_", "_", "bind", "language", "ngettext", "on_change", "set_language"]
