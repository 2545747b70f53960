"""A wheel turned over a form scrolls the form: a list the person has not clicked into keeps its
value (a count's kind changed from conviction to juvenile arrest while an attorney scrolled)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot

from csec_desktop.domain.vacatur import CriminalCount
from ui.record_form import ModelForm
from ui.scrolling import scrolled


def _wheel(widget: QComboBox, down: bool = True) -> None:
    centre = QPointF(widget.rect().center())
    step = -120 if down else 120
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(widget.rect().center())), QPoint(0, 0),
                        QPoint(0, step), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_form_and_leaves_an_unclicked_list_alone(qtbot: QtBot) -> None:
    form = ModelForm(CriminalCount, skip=("youth_id",))
    area = scrolled(form)
    qtbot.addWidget(area)
    area.resize(500, 160)  # shorter than the form: it scrolls
    area.show()
    qtbot.waitExposed(area)
    kind = form.widgets["count_kind"]
    assert isinstance(kind, QComboBox)
    form.set_values({**form.defaults(), "count_kind": "conviction"})
    before = kind.currentIndex()
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    area.setFocus()
    for _ in range(3):
        _wheel(kind)
    assert kind.currentIndex() == before  # the value stayed
    assert bar.value() > 0  # the page scrolled instead
    # Clicked into (focused), the list answers the wheel as usual.
    kind.setFocus()
    qtbot.waitUntil(kind.hasFocus)
    _wheel(kind)
    assert kind.currentIndex() != before
