"""The interface's language, switchable while running.

The catalogs live in the core (csec_desktop/text.py), shared with printed documents.
Widgets do not set fixed text directly: they `bind` it, which sets it now and
remembers how, so `set_language` can set every bound text again. That one mechanism
is how the language changes without a restart. Transient messages are simply set
with `_()`; the next message comes in the new language.
"""

from __future__ import annotations

import gettext
import itertools
import weakref
from collections.abc import Callable
from typing import Any

from csec_desktop.text import LANGUAGES, N_, Line, translations
from csec_desktop.text import say as say_line

_current: gettext.NullTranslations = gettext.NullTranslations()
_code = "en"
_qt_translator: Any = None  # Qt's own strings (standard buttons, file dialogs, context menus)


Apply = Callable[[Any, str], None]
_bound: dict[tuple[weakref.ref[Any], str | int], tuple[Apply, str]] = {}
"""What each switch sets again: by owner and the method named (or a number, for a function)."""
_unnamed = itertools.count()
_listeners: list[tuple[weakref.ref[Any], str]] = []


def bind(owner: Any, apply: Apply | str, message: str) -> None:
    """Show `message` translated through `apply(owner, text)` now and after every switch.

    `apply` may name a method of the owner ("setText", "setToolTip"...). Only a weak
    reference to the owner is kept, so bound widgets are freed as usual.

    A text bound again through the same named method replaces the earlier binding (a button's
    tooltip saying why it is off, then what it does): the newer is what a switch sets again.
    """
    setter: Apply = _method(apply) if isinstance(apply, str) else apply
    setter(owner, _(message))
    _bound[(weakref.ref(owner), apply if isinstance(apply, str) else next(_unnamed))] = (setter, message)


def _method(name: str) -> Apply:
    def apply(owner: Any, text: str) -> None:
        getattr(owner, name)(text)
    return apply


def special_value(owner: Any, text: str) -> None:
    """For `bind`: a spin box's text for its lowest value ("Any age"), the box made wide enough
    for it in the new language: its width was kept from the first, and "Cualquier edad" read
    "ier edad"."""
    owner.setSpecialValueText(text)
    owner.setMinimumWidth(owner.fontMetrics().horizontalAdvance(text) + 40)  # the arrows and frame


def item_text(index: int) -> Apply:
    """For `bind`: the text of item `index` of a combo box (setItemText) or a tab bar (setTabText)."""
    def apply(owner: Any, text: str) -> None:
        if hasattr(owner, "setItemText"):
            owner.setItemText(index, text)
        else:
            owner.setTabText(index, text)
    return apply


def on_change(owner: Any, method: str) -> None:
    """Call `owner.<method>()` after each switch (item models repaint headers and cells)."""
    _listeners.append((weakref.ref(owner), method))


def set_language(code: str) -> None:
    global _current, _code
    if code not in LANGUAGES:
        raise ValueError(f"no interface language {code!r}")
    _current, _code = translations(code), code
    _qt_language(code)
    gone = []
    for key, (setter, message) in _bound.items():
        owner = key[0]()
        try:
            if owner is None:
                raise RuntimeError
            setter(owner, _(message))
        except RuntimeError:  # the widget is gone, or the C++ side of it
            gone.append(key)
    for key in gone:
        del _bound[key]
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


def role_label(value: str) -> str:
    """A role's name in the interface language ("supervisor" and the like; an unknown one as it is,
    its underscores as spaces). Here rather than with the administration page: the status bar says
    who is signed in at every unlock, and that page's module is not needed then."""
    from csec_desktop.domain.people import ROLE_LABELS  # loaded by every unlock before this is asked

    return _(ROLE_LABELS.get(value, value.replace("_", " ")))


def ngettext(singular: str, plural: str, n: int) -> str:
    return _current.ngettext(singular, plural, n)


__all__ = ["LANGUAGES", "N_", "_", "bind", "language", "ngettext", "on_change", "problem", "set_language"]


def say(text: str) -> str:
    """A rule's "why" line (text.Line) in the interface language; other text as it is."""
    return say_line(text, _)


def problem(message: str) -> str:
    """A refusal's message (FieldProblem.message) in the interface language: a text.Line, or a
    plain message the core marked with N_."""
    return say_line(message, _) if isinstance(message, Line) else _(message)


def _qt_language(code: str) -> None:
    """Qt's own buttons and dialogs in the interface's language: its qtbase catalog (the bundle keeps
    only the Spanish one, build/bundle_support.QT_TRANSLATIONS); English is built into Qt."""
    global _qt_translator
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

    app = QCoreApplication.instance()
    if app is None:
        return
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    if code == "en":
        return
    translator = QTranslator(app)
    if translator.load(f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(translator)
        _qt_translator = translator
