"""The desk's plant overview: per station and product, parts per hour, review share, defects a check passed that
review caught, alarms, self-tests due and their last results, as tables and hourly trend charts. Read off the GUI
thread; refreshed on demand and every few minutes while shown."""

from __future__ import annotations

from datetime import datetime, timezone

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSplitter, QTableWidgetItem, QVBoxLayout, QWidget,
)

from .jobs import start_job
from .messages import error_words
from .record_table import RecordTable
from .trend_chart import TrendChart

PERIODS = ((8, QT_TRANSLATE_NOOP("DeskOverview", "Last 8 hours")), (24, QT_TRANSLATE_NOOP("DeskOverview", "Last 24 hours")),
           (24 * 7, QT_TRANSLATE_NOOP("DeskOverview", "Last 7 days")))
SELFTEST_WORDS = {"off": QT_TRANSLATE_NOOP("DeskOverview", "not scheduled"), "ok": QT_TRANSLATE_NOOP("DeskOverview", "up to date"),
                  "due": QT_TRANSLATE_NOOP("DeskOverview", "due"), "overdue": QT_TRANSLATE_NOOP("DeskOverview", "OVERDUE")}
REFRESH_MS = 5 * 60 * 1000
STALE_S = 10 * 60  # a station not heard of for this long is marked: its forwarder or its network is down


class DeskOverview(QWidget):
    def __init__(self, desk, parent=None):
        super().__init__(parent)
        self.desk = desk
        self.loading = None
        self.period = QComboBox()
        for hours, text in PERIODS:
            self.period.addItem(QCoreApplication.translate("DeskOverview", text), hours)
        self.period.setCurrentIndex(1)
        self.period.activated.connect(lambda _=0: self.reload())
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.reload)
        self.status = QLabel("")
        self.status.setWordWrap(True)  # a long message from the plant must not widen the window
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        head = QHBoxLayout()
        head.addWidget(self.period)
        head.addWidget(self.refresh_button)
        head.addWidget(self.status, 1)
        self.stations = RecordTable([self.tr("Station"), self.tr("Last heard"), self.tr("Not sent yet"),
                                     self.tr("Alarms"), self.tr("Self-tests"), self.tr("Last attack test"),
                                     self.tr("Last backdoor probe")], stretch=6, id_of=lambda s: s.station)
        self.lines = RecordTable([self.tr("Station"), self.tr("Product"), self.tr("Parts"), self.tr("Parts/hour"),
                                  self.tr("To review"), self.tr("Defects a check passed (caught in review)")],
                                 stretch=5, id_of=lambda f: (f.station, f.product))
        for table in (self.stations, self.lines):
            table.setWordWrap(False)
        self.parts_chart = TrendChart(self.tr("Parts per hour"))
        self.review_chart = TrendChart(self.tr("Share sent to review, per hour"), percent=True)
        charts = QHBoxLayout()
        charts.addWidget(self.parts_chart)
        charts.addWidget(self.review_chart)
        chart_box = QWidget()
        chart_box.setLayout(charts)
        splitter = QSplitter(Qt.Orientation.Vertical)
        for part in (self.stations, self.lines, chart_box):
            splitter.addWidget(part)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(splitter, 1)
        self.timer = QTimer(self)
        self.timer.timeout.connect(lambda: self.reload() if self.isVisible() else None)
        self.timer.start(REFRESH_MS)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        if self.loading is not None:
            return
        hours = self.period.currentData()
        self.refresh_button.setEnabled(False)
        self.status.setText(self.tr("Asking the plant ..."))
        self.loading = start_job(self, lambda _job: self.desk.overview(hours), "plant overview",
                                 on_success=self._loaded, on_failure=self._failed, on_end=self._done)

    def _done(self) -> None:
        self.loading = None
        self.refresh_button.setEnabled(True)

    def _failed(self, error: Exception) -> None:
        self.status.setText(self.tr("The plant could not be asked: {message}").format(message=error_words(error)))

    def _loaded(self, overview) -> None:
        now = datetime.now(timezone.utc)
        self.status.setText(self.tr("As of {time}").format(time=now.astimezone().strftime("%H:%M:%S")))
        self.stations.set_records(overview.stations, lambda s: self._station_cells(s, now))
        self.lines.set_records(overview.lines, lambda f: [
            f.station, f.product or "-", f"{f.parts:,}", f"{f.per_hour:.1f}",
            f"{f.review_share:.1%}", _warn(str(f.caught_by_review), f.caught_by_review > 0)])
        labels = []
        for hours in overview.hourly.values():
            labels = [hours[0][0].astimezone().strftime("%m-%d %H:00"), hours[-1][0].astimezone().strftime("%m-%d %H:00")]
            break
        self.parts_chart.set_series({s: [p for _, p, _ in h] for s, h in overview.hourly.items()}, labels)
        self.review_chart.set_series({s: [r / p if p else 0.0 for _, p, r in h] for s, h in overview.hourly.items()},
                                     labels)

    def _station_cells(self, s, now: datetime) -> list:
        heard = "-" if s.seen_at is None else s.seen_at.astimezone().strftime("%m-%d %H:%M")
        stale = s.seen_at is None or (now - s.seen_at).total_seconds() > STALE_S
        alarms = (self.tr("{count} (one open: manual mode)") if s.alarm_open else "{count}").format(count=s.alarms)
        tests = QCoreApplication.translate("DeskOverview", SELFTEST_WORDS.get(s.selftests_status, s.selftests_status))
        return [s.station, _warn(heard, stale), "-" if s.backlog is None else f"{s.backlog:,}",
                _warn(alarms, s.alarm_open), _warn(tests, s.selftests_status in ("due", "overdue")),
                _run_cell(s.last_runs.get("prm")), _run_cell(s.last_runs.get("backdoor"))]


def _warn(text: str, warn: bool) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if warn:
        item.setForeground(QColor("#b3261e"))
    return item


def _run_cell(run: dict | None) -> QTableWidgetItem:
    if run is None:
        return QTableWidgetItem("-")
    when = run["finished_at"].astimezone().strftime("%m-%d") if run["finished_at"] else ""
    item = _warn(f"{when} {run['status']}: {run['note']}".strip(), run["status"] != "done")
    item.setToolTip(run["note"])
    return item
