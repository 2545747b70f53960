"""The Reports page's pictures, drawn with QPainter as the printed report draws them: the monthly
trend of identifications, and bars (identified by unit; duties done in time, in %). Each also says
its figures in words, for a screen reader and a tooltip."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from ui.i18n import N_, bind

LINE_COLOURS = ("#1f4e79", "#c55a11")  # as in the printed report


class TrendChart(QWidget):
    """Youth identified month by month, a line per count (C.TREND), as the printed report draws it."""

    def __init__(self) -> None:
        super().__init__()
        self.months: list[str] = []
        self.lines: list[tuple[str, list[int]]] = []
        self.setMinimumSize(320, 150)
        bind(self, "setAccessibleName", N_("Youth identified by month"))

    def show_trend(self, months: list[str], lines: list[tuple[str, list[int]]]) -> None:
        self.months, self.lines = months, lines
        # The figures as text too, for a screen reader and a tooltip.
        self.setAccessibleDescription("; ".join(
            f"{label}: " + ", ".join(f"{m} {v}" for m, v in zip(months, values, strict=True))
            for label, values in lines))
        self.setToolTip("\n".join(f"{label}: {sum(values)}" for label, values in lines))
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        if not self.months:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        left, top, right, bottom = 34, 22, self.width() - 44, self.height() - 34
        highest = max([1, *(v for _label, values in self.lines for v in values)])
        step = max(1, -(-highest // 4))
        ceiling = step * 4
        painter.setPen(QPen(QColor("#888888")))
        painter.drawLine(left, bottom, right, bottom)
        painter.drawLine(left, top, left, bottom)
        for k in range(0, ceiling + 1, step):
            y = bottom - (bottom - top) * k / ceiling
            painter.drawText(2, int(y) + 4, str(k))
        span = max(len(self.months) - 1, 1)

        def x_of(n: int) -> float:
            return left + (right - left) * n / span

        every = max(1, len(self.months) // 6)
        for n, month in enumerate(self.months):
            if (len(self.months) - 1 - n) % every == 0:  # counted back from the last: it is always named
                painter.drawText(int(x_of(n)) - 20, bottom + 16, month)
        for (_label, values), colour in zip(self.lines, LINE_COLOURS, strict=False):
            pen = QPen(QColor(colour))
            pen.setWidth(2)
            painter.setPen(pen)
            points = [QPointF(x_of(n), bottom - (bottom - top) * v / ceiling) for n, v in enumerate(values)]
            for a, b in itertools.pairwise(points):
                painter.drawLine(a, b)
        legend_x = left + 6
        for (label, _values), colour in zip(self.lines, LINE_COLOURS, strict=False):
            painter.setPen(QPen(QColor(colour)))
            painter.drawText(legend_x, 14, "— " + label)
            legend_x += painter.fontMetrics().horizontalAdvance("— " + label) + 16
        painter.end()


class Bars(QWidget):
    """A bar per label (identified by unit; duties done in time, in %), as the printed report draws."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.labels: list[str] = []
        self.values: list[int] = []
        self.top = 0
        self.suffix = ""
        self.title = ""
        self.setMinimumSize(240, 150)
        bind(self, "setAccessibleName", name)

    def show_bars(self, title: str, labels: list[str], values: list[int], *, top: int = 0,
                  suffix: str = "") -> None:
        self.title, self.labels, self.values, self.suffix = title, labels, values, suffix
        self.top = top or max([1, *values])
        self.setAccessibleDescription(title + ": " + "; ".join(
            f"{label} {value}{suffix}" for label, value in zip(labels, values, strict=True)))
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        if not self.labels:
            return
        painter = QPainter(self)
        left, top, bottom = 8, 36, self.height() - 30
        painter.setPen(QPen(QColor("#333333")))
        painter.drawText(left, 14, self.title)
        slot = (self.width() - 2 * left) / len(self.labels)
        for n, (label, value) in enumerate(zip(self.labels, self.values, strict=True)):
            height = (bottom - top) * value / self.top
            x = left + n * slot + slot * 0.15
            painter.fillRect(int(x), int(bottom - height), int(slot * 0.7), int(height),
                             QColor(LINE_COLOURS[0]))
            painter.drawText(int(x), int(bottom - height) - 3, f"{value}{self.suffix}")
            painter.drawText(int(x), bottom + 14, painter.fontMetrics().elidedText(
                label, Qt.TextElideMode.ElideRight, int(slot * 0.95)))
        painter.end()
