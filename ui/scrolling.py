"""Scroll areas, so every page fits a 1366x768 laptop screen (and 1920x1080 at 150%)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFrame, QScrollArea, QWidget

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
