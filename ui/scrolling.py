"""Scroll areas, so every page fits a 1366x768 laptop screen (and 1920x1080 at 150%)."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QComboBox, QFrame, QScrollArea, QWidget

NARROW_COMBO_CHARACTERS = 14


def scrolled(widget: QWidget) -> QScrollArea:
    """The widget in a scroll area that lets it grow to fill and scroll when space is short."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


def narrow(combo: QComboBox, characters: int = NARROW_COMBO_CHARACTERS) -> QComboBox:
    """A combo as wide as a few words, not as its longest item (whose text shows in the list)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo


class _WheelGuard(QObject):
    """Wheel turns over a list or number box the person has not clicked into scroll the page
    around it instead of changing its value: scrolling a long form with the wheel changed a
    count's kind from conviction to juvenile arrest, unseen. One filter for every such box, on
    those boxes only (a filter on the whole application runs Python for every event)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget) or watched.hasFocus():
            return False
        parent = watched.parentWidget()
        while parent is not None and not isinstance(parent, QAbstractScrollArea):
            parent = parent.parentWidget()
        if parent is not None:
            QCoreApplication.sendEvent(parent.verticalScrollBar(), event)
        return True


_GUARD: _WheelGuard | None = None
Box = TypeVar("Box", bound=QWidget)


def wheel_safe(widget: Box) -> Box:
    """`widget` (a combo, a spin box) changed by the wheel only once clicked or tabbed into."""
    global _GUARD
    if _GUARD is None:
        _GUARD = _WheelGuard()
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_GUARD)
    return widget


class _ArrowGuard(QObject):
    """Arrow keys and letters on a closed combo open its list instead of choosing an item at once."""

    KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown, Qt.Key.Key_Home,
            Qt.Key.Key_End)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(watched, QComboBox):
            return False
        typed = event.text()  # type: ignore[attr-defined]  # a letter chose the item it begins
        if event.key() not in self.KEYS and not (typed and typed.isprintable() and not typed.isspace()):  # type: ignore[attr-defined]
            return False
        watched.showPopup()
        return True


_ARROWS: _ArrowGuard | None = None


def chosen_from_its_list(combo: QComboBox) -> QComboBox:
    """A combo whose choice changes the whole window (the interface language): a stray arrow key
    on it, tabbed past, switched every word on screen (a letter did too). The arrows and letters
    open its list; the choice is
    made there (Enter), as with the mouse. The wheel changes it only once it has the focus."""
    global _ARROWS
    if _ARROWS is None:
        _ARROWS = _ArrowGuard()
    combo.installEventFilter(_ARROWS)
    return wheel_safe(combo)


def bring_into_view(widget: QWidget) -> None:
    """Scroll every area around `widget` to it and put the cursor there: a problem double-clicked
    put the cursor in its field while the field stayed out of sight above."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget)
        parent = parent.parentWidget()
    widget.setFocus()
