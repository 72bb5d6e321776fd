"""A small line chart of hourly figures, one line per station, drawn with QPainter (the Qt Charts module is not
part of PySide6-Essentials, and a few lines need no more)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf"]


class TrendChart(QWidget):
    def __init__(self, title: str, percent: bool = False, parent=None):
        super().__init__(parent)
        self.title, self.percent = title, percent
        self.series: dict[str, list[float]] = {}
        self.labels: list[str] = []  # under the first, middle and last points
        self.setMinimumSize(260, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_series(self, series: dict[str, list[float]], labels: list[str]) -> None:
        self.series, self.labels = series, labels
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = p.fontMetrics()
        line_h = metrics.height()
        p.drawText(QRectF(0, 0, self.width(), line_h), Qt.AlignmentFlag.AlignLeft, self.title)
        top = max(v for values in self.series.values() for v in values) if self.series else 0.0
        top = 1.0 if self.percent else max(top, 1.0)
        axis = f"{top:.0%}" if self.percent else f"{top:g}"
        left = metrics.horizontalAdvance(axis) + 8
        legend_h = line_h * ((len(self.series) + 3) // 4)
        area = QRectF(left, line_h + 4, self.width() - left - 8, self.height() - 2 * line_h - legend_h - 12)
        p.setPen(QPen(QColor("#999999")))
        p.drawRect(area)
        p.drawText(QRectF(0, area.top(), left - 4, line_h), Qt.AlignmentFlag.AlignRight, axis)
        p.drawText(QRectF(0, area.bottom() - line_h, left - 4, line_h), Qt.AlignmentFlag.AlignRight, "0")
        if self.labels:
            for x, text, align in ((area.left(), self.labels[0], Qt.AlignmentFlag.AlignLeft),
                                   (area.right() - 200, self.labels[-1], Qt.AlignmentFlag.AlignRight)):
                p.drawText(QRectF(x, area.bottom() + 2, 200, line_h), align, text)
        if not self.series:
            p.drawText(area, Qt.AlignmentFlag.AlignCenter, self.tr("No frames in this period"))
            return
        for n, (name, values) in enumerate(self.series.items()):
            colour = QColor(COLOURS[n % len(COLOURS)])
            p.setPen(QPen(colour, 2))
            step = area.width() / max(len(values) - 1, 1)
            points = [QPointF(area.left() + i * step, area.bottom() - area.height() * min(v / top, 1.0))
                      for i, v in enumerate(values)]
            for a, b in zip(points, points[1:]):
                p.drawLine(a, b)
            if len(points) == 1:
                p.drawEllipse(points[0], 2, 2)
            column, row = n % 4, n // 4
            x = area.left() + column * area.width() / 4
            y = area.bottom() + line_h + 4 + row * line_h
            p.fillRect(QRectF(x, y + line_h / 3, 12, 4), colour)
            p.setPen(QPen(QColor("#333333")))
            p.drawText(QRectF(x + 16, y, area.width() / 4 - 16, line_h), Qt.AlignmentFlag.AlignLeft, name)
