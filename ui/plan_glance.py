"""The plan at a glance: one tile per area of life, coloured by where it stands.

Colour is never the only signal: each tile also says its state in words, and the whole
picture has an accessible description that a screen reader reads as a list.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from csec_desktop.domain.services import SERVICE_DOMAINS
from csec_desktop.services import AREA_STATE_COLOURS, AREA_STATE_LABELS, AreaState, AreaSummary
from ui.i18n import N_, _, bind, on_change

COLUMNS = 4
TILE_H = 62


def counts(area: AreaSummary) -> str:
    parts = []
    if area.goals_open or area.goals_done:
        parts.append(_("{open} open / {done} done goals").format(open=area.goals_open, done=area.goals_done))
    if area.referrals_open or area.referrals_done:
        parts.append(_("{open} open referrals").format(open=area.referrals_open))
    return " · ".join(parts)


class PlanGlance(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.areas: list[AreaSummary] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        bind(self, "setAccessibleName", N_("The plan at a glance"))
        on_change(self, "_describe")

    def set_areas(self, areas: list[AreaSummary]) -> None:
        self.areas = list(areas)
        self.updateGeometry()
        self._describe()
        self.update()

    def _describe(self) -> None:
        self.setAccessibleDescription("; ".join(
            f"{_(SERVICE_DOMAINS[a.domain])}: {_(AREA_STATE_LABELS[a.state])}" for a in self.areas))
        self.update()

    def sizeHint(self) -> QSize:
        rows = max(1, -(-len(self.areas) // COLUMNS))
        return QSize(720, rows * (TILE_H + 6) + 4)

    def minimumSizeHint(self) -> QSize:
        return QSize(400, self.sizeHint().height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = (self.width() - 6 * (COLUMNS - 1)) / COLUMNS
        small = painter.font()
        small.setPointSizeF(max(small.pointSizeF() * 0.85, 7.0))
        bold = painter.font()
        bold.setBold(True)
        for index, area in enumerate(self.areas):
            row, column = divmod(index, COLUMNS)
            rect = QRectF(column * (width + 6), row * (TILE_H + 6) + 2, width, TILE_H)
            fill, border = AREA_STATE_COLOURS[area.state]
            painter.setPen(QPen(QColor(border), 2 if area.state is AreaState.UNMET else 1))
            painter.setBrush(QColor(fill))
            painter.drawRoundedRect(rect, 6, 6)
            inner = rect.adjusted(8, 4, -8, -4)
            top_left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
            painter.setPen(QColor("#202124"))
            painter.setFont(bold)
            title = self._elide(painter, _(SERVICE_DOMAINS[area.domain]), inner.width())
            painter.drawText(inner, top_left, title)
            painter.setFont(small)
            painter.setPen(QColor(border))
            lines = [self._elide(painter, line, inner.width())
                     for line in (_(AREA_STATE_LABELS[area.state]), counts(area)) if line]
            painter.drawText(inner.adjusted(0, 20, 0, 0), top_left, "\n".join(lines))
        painter.end()

    @staticmethod
    def _elide(painter: QPainter, text: str, width: float) -> str:
        return painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(width))

    def tile_text(self) -> list[tuple[str, str]]:
        """(area, state) as shown, for tests and the accessible description."""
        return [(_(SERVICE_DOMAINS[a.domain]), _(AREA_STATE_LABELS[a.state])) for a in self.areas]

