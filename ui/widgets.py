"""Small widgets shared by the pages."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QFormLayout, QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QHBoxLayout,
    QHeaderView, QLabel, QProgressBar, QPushButton, QSizePolicy, QTableWidget, QVBoxLayout, QWidget,
)

VERDICT_COLOURS = {"PASS": "#1b7f3b", "FAIL": "#b3261e", "REVIEW": "#b06000", "": "#5f6368"}
# the database keeps PASS / FAIL / REVIEW; the banner shows these words in the window's language
VERDICT_WORDS = {"PASS": QT_TRANSLATE_NOOP("VerdictBanner", "PASS"), "FAIL": QT_TRANSLATE_NOOP("VerdictBanner", "FAIL"),
                 "REVIEW": QT_TRANSLATE_NOOP("VerdictBanner", "CHECK BY HAND"),
                 "": QT_TRANSLATE_NOOP("VerdictBanner", "WAITING")}


VERDICT_NAMES = (QT_TRANSLATE_NOOP("Verdicts", "PASS"), QT_TRANSLATE_NOOP("Verdicts", "FAIL"),
                 QT_TRANSLATE_NOOP("Verdicts", "REVIEW"))


def verdict_name(verdict) -> str:
    """A verdict as the database keeps it (PASS, FAIL, REVIEW) in the window's language, for running text."""
    return QCoreApplication.translate("Verdicts", verdict) if verdict in VERDICT_NAMES else str(verdict)


def verdict_words(verdict: str) -> str:
    """The banner's word for a verdict, translated (PASS is 合格 in Japanese)."""
    return QCoreApplication.translate("VerdictBanner", VERDICT_WORDS[verdict]) if verdict in VERDICT_WORDS else verdict


def pixmap_from_rgb(image: np.ndarray) -> QPixmap:
    image = np.ascontiguousarray(image[..., :3], dtype=np.uint8)
    h, w = image.shape[:2]
    qimage = QImage(image.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    return QPixmap.fromImage(qimage.copy())  # copy: the array may go away


def pixmap_from_file(path) -> QPixmap:
    pixmap = QPixmap(str(path))
    if pixmap.isNull():
        placeholder = QPixmap(64, 64)
        placeholder.fill(QColor("#cccccc"))
        return placeholder
    return pixmap


def fit_titles(table: QTableWidget) -> None:
    """Every column at least as wide as its title (the one that stretches takes what is left): a person reads a
    column by its title, whole."""
    header = table.horizontalHeader()
    for i in range(table.columnCount()):
        if header.sectionResizeMode(i) != QHeaderView.ResizeMode.Stretch:
            table.setColumnWidth(i, max(table.columnWidth(i), header.sectionSizeFromContents(i).width()))


def list_table(headers: list[str], stretch: int, rows: int = 0, editable: bool = False) -> QTableWidget:
    """A table of records: whole rows selected, one column taking the spare width, no row numbers."""
    table = QTableWidget(rows, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    if not editable:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(40)  # a row a finger can pick
    fit_titles(table)
    return table


def tidy_form(parent: QWidget, question: str = "") -> QFormLayout:
    """A form whose labels go above their fields when the page is narrow, under a wrapped question."""
    outer = QVBoxLayout(parent)
    if question:
        words = QLabel(question)
        words.setWordWrap(True)
        words.setStyleSheet("font-weight:bold;")
        outer.addWidget(words)
    form = QFormLayout()
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setVerticalSpacing(4)  # the fields are tall already
    outer.addLayout(form)
    outer.addStretch(1)
    return form


class _ToggleLabel(QLabel):
    def __init__(self, text: str, box: QCheckBox):
        super().__init__(text)
        self.box = box
        self.setWordWrap(True)
        self.setBuddy(box)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def mousePressEvent(self, event) -> None:
        if self.box.isEnabled():
            self.box.toggle()


class WrappingCheck(QWidget):
    """A check box whose words wrap to the width there is (a QCheckBox's never do); a click on them toggles it."""

    def __init__(self, text: str, parent=None):
        super().__init__(parent)
        self.box = QCheckBox()
        self.box.setAccessibleName(text)
        self.label = _ToggleLabel(text, self.box)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
        self.toggled = self.box.toggled

    def isChecked(self) -> bool:
        return self.box.isChecked()

    def setChecked(self, checked: bool) -> None:
        self.box.setChecked(checked)

    def text(self) -> str:
        return self.label.text()


class ImageView(QGraphicsView):
    """An image with wheel zoom and drag pan; double-click fits it again."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._item = QGraphicsPixmapItem()
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._item)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QColor("#202124"))
        self.zoom = 1.0

    def set_pixmap(self, pixmap: QPixmap) -> None:
        self._item.setPixmap(pixmap)
        self.scene().setSceneRect(self._item.boundingRect())
        self.fit()

    def fit(self) -> None:
        self.resetTransform()
        self.fitInView(self._item, Qt.AspectRatioMode.KeepAspectRatio)
        self.zoom = 1.0

    def zoom_by(self, factor: float) -> None:
        factor = max(0.2 / self.zoom, min(factor, 20.0 / self.zoom))
        self.scale(factor, factor)
        self.zoom *= factor

    def wheelEvent(self, event) -> None:
        self.zoom_by(1.25 if event.angleDelta().y() > 0 else 0.8)

    def mouseDoubleClickEvent(self, event) -> None:
        self.fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.zoom == 1.0:
            self.fit()


class ProgressPanel(QWidget):
    """What runs (two lines, the page's width) over a progress bar with a Cancel button; hidden when nothing runs."""

    cancel_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        layout = QHBoxLayout()
        self.bar = QProgressBar()
        self.label = QLabel()
        self.label.setWordWrap(True)  # a long progress line never widens the page
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.label.setFixedHeight(2 * self.label.fontMetrics().lineSpacing() + 4)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self._cancel)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        outer.addWidget(self.label)
        outer.addLayout(layout)
        self.hide()

    def begin(self, text: str) -> None:
        self.label.setText(text)
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self.show()

    def update_progress(self, done: int, total: int, text: str) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        if text:
            self.label.setText(text)

    def _cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText(self.tr("Cancelling ..."))
        self.cancel_requested.emit()

    def end(self) -> None:
        self.hide()


class TrendChart(QWidget):
    """Lines over runs (oldest left), each value a share from 0 to 1."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.series: dict[str, tuple[str, list[float]]] = {}
        self.hatched: list[bool] = []
        self.setMinimumHeight(140)

    def set_series(self, series: dict[str, tuple[str, list[float]]], hatched: list[bool] | None = None) -> None:
        """{name: (colour, values)}; `hatched[i]` greys out run i (an attack that did not bite)."""
        self.series = series
        self.hatched = hatched or []
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        legend = self._legend_rows(p.fontMetrics())  # as many rows as the names need at this width
        left, top, right = 40, 10, self.width() - 10
        bottom = self.height() - 8 - p.fontMetrics().lineSpacing() * len(legend)
        p.setPen(QPen(QColor("#bbbbbb")))
        for frac in (0.0, 0.5, 1.0):
            y = bottom - frac * (bottom - top)
            p.drawLine(left, int(y), right, int(y))
            p.drawText(4, int(y) + 4, f"{frac:.0%}")
        n = max((len(v) for _, v in self.series.values()), default=0)
        if n == 0:
            p.drawText(left + 10, (top + bottom) // 2, self.tr("No runs yet"))
            return
        step = (right - left) / max(n - 1, 1)
        for i, weak in enumerate(self.hatched):
            if weak:  # the run says nothing: shown, but never as a clean result
                x = left + i * step
                p.fillRect(int(x - 6), top, 12, bottom - top, QBrush(QColor("#999999"), Qt.BrushStyle.BDiagPattern))
        for name, (colour, values) in self.series.items():
            pen = QPen(QColor(colour))
            pen.setWidth(2)
            p.setPen(pen)
            points = [QPointF(left + i * step, bottom - v * (bottom - top)) for i, v in enumerate(values)]
            for a, b in zip(points, points[1:]):
                p.drawLine(a, b)
            for pt in points:
                p.drawEllipse(pt, 3, 3)
        for row, entries in enumerate(legend):
            y = bottom + 4 + p.fontMetrics().ascent() + row * p.fontMetrics().lineSpacing()
            for x, name, colour in entries:
                p.setPen(QPen(QColor(colour)))
                p.drawText(x, y, name)

    def _legend_rows(self, metrics) -> list[list[tuple[int, str, str]]]:
        rows, x = [[]], 40
        for name, (colour, _) in self.series.items():
            width = metrics.horizontalAdvance(name)
            if rows[-1] and x + width > self.width() - 10:
                rows.append([])
                x = 40
            rows[-1].append((x, name, colour))
            x += width + 20
        return rows if rows[0] else []


class ScheduleNotice(QLabel):
    """When each self-test is next due; amber when one is due, red when one is overdue (operators see it too)."""

    STYLES = {"due": "background:#fff4d6;color:#6b4800;", "overdue": "background:#fde2e1;color:#8c1d18;font-weight:bold;"}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.status = "off"

    def show_schedule(self, states: list, status: str) -> None:
        """`states`: station.selftest.schedule.DueState per self-test, worded here in the window's language."""
        self.status = status
        prefix = {"overdue": self.tr("Self-test overdue: tell a quality manager. "),
                  "due": self.tr("Self-test due. ")}.get(status, "")
        self.setText(prefix + "  |  ".join(self.describe(s) for s in states))
        self.setStyleSheet("padding:4px;" + self.STYLES.get(status, "color:#555;"))
        self.setVisible(status != "off")

    def describe(self, state) -> str:
        now = datetime.now(timezone.utc)
        names = {"prm": self.tr("attack test (PRM)"), "backdoor": self.tr("backdoor probe")}
        name, status = names.get(state.kind, state.kind), state.status(now)
        if status == "off":
            return self.tr("{name}: not scheduled").format(name=name)
        when = state.next_due.astimezone().strftime("%Y-%m-%d %H:%M")
        last = state.last_run.astimezone().strftime("%Y-%m-%d") if state.last_run else self.tr("never")
        words = {"ok": self.tr("{name}: next due {when} (every {days} days; last {last})"),
                 "due": self.tr("{name}: due since {when} (every {days} days; last {last})"),
                 "overdue": self.tr("{name}: OVERDUE since {when} (every {days} days; last {last})")}[status]
        text = words.format(name=name, when=when, days=f"{state.every_days:g}", last=last)
        if getattr(state, "not_counted", 0):
            text += " " + self.tr("(%n later run(s) did not bite: they do not count)", "", state.not_counted)
        return text
