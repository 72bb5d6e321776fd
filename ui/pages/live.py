"""Live inspection, for the operator: camera view, the verdict, both checks, shift counters."""

from __future__ import annotations

import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton,
    QSizePolicy, QVBoxLayout, QWidget,
)

from station.capture.triggered import TriggeredSource
from station.service.sources import open_configured_source

from ..context import AppContext
from ..live_runner import LiveRunner
from ..widgets import ScheduleNotice, VerdictBanner, pixmap_from_rgb

SOURCES = [  # (kind, words on the screen, what the target box asks for); translated with the context "Sources"
    ("synthetic", QT_TRANSLATE_NOOP("Sources", "Simulated camera"), ""),
    ("camera", QT_TRANSLATE_NOOP("Sources", "Camera (device number)"), QT_TRANSLATE_NOOP("Sources", "device number, e.g. 0")),
    ("rtsp", QT_TRANSLATE_NOOP("Sources", "Network camera (RTSP)"), QT_TRANSLATE_NOOP("Sources", "rtsp://address/stream")),
    ("folder", QT_TRANSLATE_NOOP("Sources", "Folder of images"),
     QT_TRANSLATE_NOOP("Sources", "folder with .png / .jpg files")),
    ("video", QT_TRANSLATE_NOOP("Sources", "Video file"), QT_TRANSLATE_NOOP("Sources", "video file")),
]


def source_words(text: str) -> str:
    """An entry of SOURCES in the window's language."""
    return QCoreApplication.translate("Sources", text) if text else ""


class LivePage(QWidget):
    title = QT_TRANSLATE_NOOP("Pages", "Live inspection")
    permission = "inspect"

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.runner: LiveRunner | None = None
        self.started_at = 0.0
        self.stopped_by_problem = False  # the status line then keeps saying why it stopped

        self.source_box = QComboBox()
        for kind, words, _ in SOURCES:
            self.source_box.addItem(source_words(words), kind)
        self.target_edit = QLineEdit()
        self.browse_button = QPushButton(self.tr("Browse ..."))
        self.start_button = QPushButton(self.tr("Start"))
        self.stop_button = QPushButton(self.tr("Stop"))
        for b in (self.start_button, self.stop_button):
            b.setMinimumHeight(40)
        self.stop_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Camera:")))
        top.addWidget(self.source_box)
        top.addWidget(self.target_edit, 1)
        top.addWidget(self.browse_button)
        top.addWidget(self.start_button)
        top.addWidget(self.stop_button)

        self.alarm_label = QLabel()
        self.alarm_label.setWordWrap(True)
        self.alarm_label.setStyleSheet("background:#b3261e; color:white; padding:10px; font-weight:bold;")
        self.reset_button = QPushButton(self.tr("Reset alarm (manager)"))
        alarm_row = QHBoxLayout()
        alarm_row.addWidget(self.alarm_label, 1)
        alarm_row.addWidget(self.reset_button)
        self.alarm_box = QWidget()
        self.alarm_box.setLayout(alarm_row)

        self.camera_view = QLabel(self.tr("No picture yet: press Start"))
        self.camera_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.camera_view.setMinimumSize(320, 320)
        self.camera_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.camera_view.setStyleSheet("background:#202124; color:#dddddd;")

        self.banner = VerdictBanner()
        big = QFont()
        big.setPointSize(13)
        self.check_a_label, self.check_b_label, self.reason_label = QLabel("-"), QLabel("-"), QLabel("")
        for lbl in (self.check_a_label, self.check_b_label, self.reason_label):
            lbl.setFont(big)
            lbl.setWordWrap(True)
        checks = QGroupBox(self.tr("What the two checks see"))
        grid = QGridLayout(checks)
        grid.addWidget(QLabel(self.tr("Vision model:")), 0, 0)
        grid.addWidget(self.check_a_label, 0, 1)
        grid.addWidget(QLabel(self.tr("Second check:")), 1, 0)
        grid.addWidget(self.check_b_label, 1, 1)
        grid.addWidget(self.reason_label, 2, 0, 1, 2)

        self.count_labels = {}
        counters = QGroupBox(self.tr("This shift"))
        cgrid = QGridLayout(counters)
        for i, (key, words) in enumerate([("PASS", self.tr("Passed")), ("FAIL", self.tr("Failed")),
                                          ("REVIEW", self.tr("To check by hand")), ("ALL", self.tr("All parts")),
                                          ("RATE", self.tr("Parts per minute"))]):
            value = QLabel("0")
            value.setFont(big)
            cgrid.addWidget(QLabel(words), i, 0)
            cgrid.addWidget(value, i, 1, alignment=Qt.AlignmentFlag.AlignRight)
            self.count_labels[key] = value
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)

        right = QVBoxLayout()
        right.addWidget(self.banner)
        right.addWidget(checks)
        right.addWidget(counters)
        right.addWidget(self.status_label)
        right.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.camera_view, 3)
        middle.addLayout(right, 2)

        self.schedule_notice = ScheduleNotice()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.alarm_box)
        layout.addWidget(self.schedule_notice)
        layout.addLayout(middle, 1)

        self.source_box.currentIndexChanged.connect(self._source_changed)
        self.browse_button.clicked.connect(self._browse)
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.reset_button.clicked.connect(self._reset_alarm)
        self.shift_counts = {"PASS": 0, "FAIL": 0, "REVIEW": 0}
        self._select_configured_source()
        self.refresh_alarm()
        self.schedule_timer = QTimer(self)  # due dates move with the clock, not with events
        self.schedule_timer.setInterval(60_000)
        self.schedule_timer.timeout.connect(self.refresh_schedule)
        self.schedule_timer.start()
        self.refresh_schedule()
        ctx.events.user_changed.connect(self._user_changed)
        ctx.station_events.alarm.connect(lambda _event: self.refresh_alarm())  # tripped here or reset anywhere

    # ----------------------------------------------------------------- source
    def _select_configured_source(self) -> None:
        src = self.ctx.station.config.source
        index = max(0, self.source_box.findData(src.kind))
        self.source_box.setCurrentIndex(index)
        self.target_edit.setText(src.target)
        self._source_changed()

    def _source_changed(self) -> None:
        kind = self.source_box.currentData()
        hint = next(h for k, _, h in SOURCES if k == kind)
        self.target_edit.setPlaceholderText(source_words(hint))
        self.target_edit.setEnabled(bool(hint))
        self.browse_button.setEnabled(kind in ("folder", "video"))

    def _browse(self) -> None:
        if self.source_box.currentData() == "folder":
            path = QFileDialog.getExistingDirectory(self, self.tr("Folder of images"))
        else:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Video file"))
        if path:
            self.target_edit.setText(path)

    def make_source(self):
        kind, target = self.source_box.currentData(), self.target_edit.text().strip()
        if kind != "synthetic" and not target:
            raise ValueError(self.tr("{source}: fill in the {what}").format(
                source=self.source_box.currentText(), what=self.target_edit.placeholderText()))
        source = open_configured_source(self.ctx.station.config, kind, target)
        # hardware-trigger mode: one frame per PLC trigger (the PLC link fires it)
        return source if self.ctx.trigger is None else TriggeredSource(source, self.ctx.trigger)

    # ----------------------------------------------------------------- run
    @property
    def running(self) -> bool:
        return self.runner is not None

    def start(self) -> None:
        if self.running:
            return
        reason = self.ctx.claim("live inspection")
        if reason:
            QMessageBox.information(self, self.tr("Live inspection"), reason)
            return
        try:
            source = self.make_source()
        except Exception as e:
            self.ctx.release("live inspection")
            QMessageBox.warning(self, self.tr("Camera"),
                                self.tr("The camera could not be opened.\n\n{error}").format(error=e))
            return
        pipeline = self.ctx.pipeline
        pipeline.operator, pipeline.source_name = self.ctx.user, source.description
        self.runner = LiveRunner(pipeline, source, self)
        self.runner.failed.connect(self._failed)
        self.runner.updated.connect(self._refresh)
        self.runner.finished.connect(self._finished)
        self.started_at = time.monotonic()
        self.stopped_by_problem = False
        self.status_label.setText(self.tr("Running: {source}").format(source=source.description))
        self.runner.start()
        self._set_running(True)

    def stop(self) -> None:
        if self.runner is not None:
            self.status_label.setText(self.tr("Stopping ..."))
            self.runner.stop()

    def stop_and_wait(self, timeout_ms: int = 10000) -> None:
        runner = self.runner
        if runner is not None:
            runner.stop()
            runner.wait(timeout_ms)
            self._finished()

    def _finished(self) -> None:
        if self.runner is None:
            return
        self._refresh()
        for key in self.shift_counts:  # the finished run's figures stay in the shift's counters
            self.shift_counts[key] += self.runner.counts.get(key, 0)
        self.runner = None
        self.ctx.release("live inspection")
        self._set_running(False)
        if not self.stopped_by_problem:
            self.status_label.setText(self.tr("Stopped."))
        self.ctx.events.inspections_recorded.emit()

    def _failed(self, message: str) -> None:
        self.stopped_by_problem = True
        self.status_label.setText(self.tr("Stopped because of a problem: {message}").format(message=message))
        QMessageBox.warning(self, self.tr("Live inspection stopped"),
                            self.tr("{message}\n\nCheck the camera connection and press Start again. "
                                    "Every part inspected so far is saved.").format(message=message))

    def _set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.source_box.setEnabled(not running)
        self.target_edit.setEnabled(not running and bool(self.target_edit.placeholderText()))

    def _refresh(self) -> None:
        runner = self.runner
        if runner is None:
            return
        result = runner.take_latest()
        if result is not None:
            self._show_result(result)
        for key in ("PASS", "FAIL", "REVIEW"):
            self.count_labels[key].setText(str(self.shift_counts[key] + runner.counts.get(key, 0)))
        total = sum(self.shift_counts.values()) + runner.frames
        self.count_labels["ALL"].setText(str(total))
        minutes = max(time.monotonic() - self.started_at, 1e-6) / 60
        self.count_labels["RATE"].setText(f"{runner.frames / minutes:.0f}")
        if runner.source_message:
            self.status_label.setText(self.tr("Camera: {message}").format(message=runner.source_message))

    def _show_result(self, result) -> None:
        d, names = result.decision, self.ctx.class_names
        self.banner.show_verdict(d.verdict)
        self.check_a_label.setText(self.tr("{label}  ({confidence} sure)").format(
            label=names.get(d.a.label, d.a.label), confidence=f"{d.a.confidence:.0%}"))
        self.check_b_label.setText(self.tr("{label}  ({confidence} sure)").format(
            label=names.get(d.b.label, d.b.label), confidence=f"{d.b.confidence:.0%}"))
        self.reason_label.setText(reason_words(d.reason))
        pixmap = pixmap_from_rgb(result.frame.image)
        self.camera_view.setPixmap(pixmap.scaled(self.camera_view.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation))

    # ----------------------------------------------------------------- fail-safe
    def refresh_alarm(self) -> None:
        manual = self.ctx.pipeline.manual_mode
        self.alarm_box.setVisible(manual)
        self.alarm_label.setText(self.tr(
            "MANUAL MODE: too many parts needed checking by hand, so every part now goes to the review queue. "
            "Tell your manager; only a manager can reset this."))
        self.reset_button.setEnabled(self.ctx.can("failsafe.reset"))

    def refresh_schedule(self) -> None:
        self.schedule_notice.show_schedule(*self.ctx.schedule())

    def _reset_alarm(self) -> None:
        answer = QMessageBox.question(self, self.tr("Reset the alarm"),
                                      self.tr("Has the cause been found and fixed? The station returns to automatic "
                                              "decisions."))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.ctx.pipeline.reset_failsafe(self.ctx.user, note="reset from the live page")
        except Exception as e:
            QMessageBox.warning(self, self.tr("Reset the alarm"), str(e))
        self.refresh_alarm()

    def _user_changed(self) -> None:
        # frames from now on belong to whoever is signed in: after a sign-out, to no one
        self.ctx.pipeline.operator = self.ctx.user
        self.refresh_alarm()
        if self.ctx.user is None:
            self.shift_counts = {"PASS": 0, "FAIL": 0, "REVIEW": 0}


_REASON_WORDS = {  # the decision's reason codes (data) and their words, translated with the context "Reasons"
    "manual mode": QT_TRANSLATE_NOOP("Reasons", "manual mode is on"),
    "disagreement": QT_TRANSLATE_NOOP("Reasons", "the two checks disagree"),
    "low confidence A": QT_TRANSLATE_NOOP("Reasons", "the vision model is unsure"),
    "low confidence B": QT_TRANSLATE_NOOP("Reasons", "the second check is unsure"),
    "no part / unfamiliar frame": QT_TRANSLATE_NOOP(
        "Reasons", "no whole part like this station's is in view (no part / unfamiliar frame)"),
}


def reason_words(reason: str, sentence: bool = True) -> str:
    """The decision's reasons in words for the line, e.g. 'the two checks disagree'."""
    if not reason:
        return ""
    words = [QCoreApplication.translate("Reasons", _REASON_WORDS[r.strip()]) if r.strip() in _REASON_WORDS
             else r.strip() for r in reason.split(",")]
    parts = QCoreApplication.translate("Reasons", " and ").join(words)
    if not sentence:
        return parts
    return QCoreApplication.translate("Reasons", "Sent to the review queue: {reasons}.").format(reasons=parts)
