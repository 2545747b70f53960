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


def bring_into_view(widget: QWidget) -> None:
    """Scroll every area around `widget` to it and put the cursor there: a problem double-clicked
    put the cursor in its field while the field stayed out of sight above."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            parent.ensureWidgetVisible(widget)
        parent = parent.parentWidget()
    widget.setFocus()
