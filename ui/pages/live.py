"""Live inspection, for the operator: camera view, the verdict, both checks, shift counters."""

from __future__ import annotations

import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton,
    QSizePolicy, QVBoxLayout, QWidget,
)

from station.service.inspection import StationBusy, TriggeredSource, claim_line
from station.service.sources import open_configured_source

from ..context import AppContext
from ..live_display import LiveDisplay, Screen, Show
from ..live_runner import LiveRunner
from ..messages import error_words, source_description, source_event_words
from ..reads import PageRead
from ..reason_words import short_reasons
from ..verdict_banner import VerdictBanner
from ..widgets import ScheduleNotice, pixmap_from_rgb, verdict_words

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


STALE_SECONDS = 5.0  # a PASS or FAIL older than this no longer describes the part in front of the camera
TICK_MS = 250  # how often the banner re-checks holds and stale verdicts


class LivePage(QWidget):
    title = QT_TRANSLATE_NOOP("Pages", "Live inspection")
    permission = "inspect"

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.runner: LiveRunner | None = None
        self.started_at = 0.0
        self.stopped_by_problem = False  # the status line then keeps saying why it stopped
        self.display = LiveDisplay(ctx.station.config.ui.review_hold_seconds, STALE_SECONDS)
        self._on_screen = None  # what the banner and picture show now, to redraw only on a change

        self.source_box = QComboBox()
        for kind, words, _ in SOURCES:
            self.source_box.addItem(source_words(words), kind)
        self.target_edit = QLineEdit()
        self.target_edit.setMinimumWidth(120)
        self.browse_button = QPushButton(self.tr("Browse ..."))
        self.start_button = QPushButton(self.tr("Start"))
        self.stop_button = QPushButton(self.tr("Stop"))
        for b in (self.start_button, self.stop_button):
            b.setMinimumWidth(110)
        self.stop_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Camera:")))
        top.addWidget(self.source_box)
        top.addWidget(self.target_edit, 1)
        top.addWidget(self.browse_button)
        top.addSpacing(12)
        top.addWidget(self.start_button)
        top.addWidget(self.stop_button)

        self.alarm_label = QLabel()
        self.alarm_label.setWordWrap(True)
        self.alarm_label.setStyleSheet("background:#b3261e; color:white; padding:6px; font-weight:bold;")
        self.reset_button = QPushButton(self.tr("Reset alarm (manager)"))
        alarm_row = QHBoxLayout()
        alarm_row.setContentsMargins(0, 0, 0, 0)
        alarm_row.addWidget(self.alarm_label, 1)
        alarm_row.addWidget(self.reset_button)
        self.alarm_box = QWidget()
        self.alarm_box.setLayout(alarm_row)

        self.camera_view = QLabel()
        self.camera_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.camera_view.setWordWrap(True)
        self.camera_view.setMinimumSize(240, 240)
        self.camera_view.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.camera_view.setStyleSheet("background:#202124; color:#dddddd; font-size:18px;")

        self.banner = VerdictBanner()
        self.take_off_label = QLabel()
        self.take_off_label.setWordWrap(True)
        self.take_off_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.take_off_label.setStyleSheet("color:#5c2c00;")
        notice = QFont()
        notice.setPixelSize(16)
        notice.setBold(True)
        self.take_off_label.setFont(notice)
        self.confirm_button = QPushButton(self.tr("Done: taken off (Space)"))
        self.confirm_button.clicked.connect(self.confirm_taken_off)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, activated=self.confirm_taken_off)
        take_off_row = QVBoxLayout()  # the words across the whole column, the button under them
        take_off_row.setContentsMargins(8, 4, 4, 4)
        take_off_row.addWidget(self.take_off_label)
        take_off_row.addWidget(self.confirm_button, 0, Qt.AlignmentFlag.AlignRight)
        self.take_off_box = QWidget()
        self.take_off_box.setObjectName("takeOff")
        self.take_off_box.setStyleSheet("#takeOff { background:#ffe8c2; border-radius:6px; }")
        self.take_off_box.setLayout(take_off_row)
        # room for two lines, always (Japanese glyphs stand taller than the font's own line): a longer notice
        # never takes room from the sign
        self.take_off_label.setFixedHeight(2 * round(1.5 * notice.pixelSize()) + 4)
        policy = self.take_off_box.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # showing it never moves the banner
        self.take_off_box.setSizePolicy(policy)
        self.take_off_box.hide()

        big = QFont()
        big.setPointSize(13)
        self.check_a_label, self.check_b_label, self.reason_label = QLabel("-"), QLabel("-"), QLabel("")
        for lbl in (self.check_a_label, self.check_b_label, self.reason_label):
            lbl.setWordWrap(True)
            lbl.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        for lbl in (self.check_a_label, self.check_b_label):
            lbl.setFont(big)
        # fixed room for the longest reasons (four lines in Japanese at 1024x768): a verdict never moves the sign
        self.reason_label.setFixedHeight(4 * self.reason_label.fontMetrics().lineSpacing() + 4)
        checks = QGroupBox(self.tr("What the two checks see"))
        grid = QGridLayout(checks)
        grid.addWidget(QLabel(self.tr("Vision model:")), 0, 0)
        grid.addWidget(self.check_a_label, 0, 1)
        grid.addWidget(QLabel(self.tr("Second check:")), 1, 0)
        grid.addWidget(self.check_b_label, 1, 1)
        grid.addWidget(self.reason_label, 2, 0, 1, 2)
        grid.setColumnStretch(1, 1)

        self.count_labels = {}
        counters = QGroupBox(self.tr("This shift"))
        cgrid = QGridLayout(counters)
        for i, (key, words) in enumerate([("PASS", self.tr("Passed")), ("FAIL", self.tr("Failed")),
                                          ("REVIEW", self.tr("To check by hand")), ("ALL", self.tr("All parts")),
                                          ("RATE", self.tr("Parts per minute"))]):
            value = QLabel("0")
            value.setFont(big)
            row, col = divmod(i, 2)
            cgrid.addWidget(QLabel(words), row, 2 * col)
            cgrid.addWidget(value, row, 2 * col + 1, alignment=Qt.AlignmentFlag.AlignRight)
            self.count_labels[key] = value
        cgrid.setColumnStretch(1, 1)
        cgrid.setColumnStretch(3, 1)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.status_label.setFixedHeight(2 * self.status_label.fontMetrics().lineSpacing() + 4)

        right = QVBoxLayout()
        right.addWidget(self.banner, 1)
        right.addWidget(self.take_off_box)
        right.addWidget(checks)
        right.addWidget(counters)
        right.addWidget(self.status_label)
        middle = QHBoxLayout()
        middle.addWidget(self.camera_view, 1)
        middle.addLayout(right, 1)

        self.schedule_notice = ScheduleNotice()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
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
        self.schedule_reads = PageRead(self, "self-test schedule", self._show_schedule)  # a failed read: next minute
        self.refresh_schedule()
        self.tick = QTimer(self)  # holds end and verdicts go stale with time, not with events
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self.render)
        self.tick.start()
        ctx.events.user_changed.connect(self._user_changed)
        ctx.events.settings_changed.connect(self._settings_changed)
        ctx.station_events.alarm.connect(self._alarm_changed)  # tripped here or reset anywhere
        self.render()

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
        try:
            self.line_claim = claim_line(self.ctx.station)  # one job at a time: refused while a self-test runs
        except StationBusy as e:
            QMessageBox.information(self, self.tr("Live inspection"), error_words(e))
            return
        try:
            source = self.make_source()
        except Exception as e:
            self.line_claim.release()
            QMessageBox.warning(self, self.tr("Camera"),
                                self.tr("The camera could not be opened.\n\n{error}").format(error=error_words(e)))
            return
        pipeline = self.ctx.pipeline
        pipeline.operator, pipeline.source_name = self.ctx.user, source.description
        self.runner = LiveRunner(pipeline, source, self)
        self.runner.failed.connect(self._failed)
        self.runner.updated.connect(self._refresh)
        self.runner.finished.connect(self._finished)
        self.started_at = time.monotonic()
        self.stopped_by_problem = False
        self.status_label.setText(self.tr("Running: {source}").format(source=source_description(source)))
        self.display.started()
        self.runner.start()
        self._set_running(True)
        self.render()

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
        self.line_claim.release()
        self._set_running(False)
        self.count_labels["RATE"].setText("0")  # a stopped line inspects none a minute
        self.display.stopped()
        if not self.stopped_by_problem:
            self.status_label.setText(self.tr("Stopped."))
        self.render()
        self.ctx.events.inspections_recorded.emit()

    def _failed(self, error: Exception) -> None:
        self.stopped_by_problem = True
        message = error_words(error)
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
        update = runner.take()
        for event in update.events:
            if event.kind == "lost":
                self.display.camera_lost(source_event_words(event))
            elif event.kind == "reconnected":
                self.display.camera_back()
            self.status_label.setText(self.tr("Camera: {message}").format(message=source_event_words(event)))
        if update.latest is not None:
            self.display.result(update.latest, update.needs_person)
        for key in ("PASS", "FAIL", "REVIEW"):
            self.count_labels[key].setText(str(self.shift_counts[key] + runner.counts.get(key, 0)))
        total = sum(self.shift_counts.values()) + runner.frames
        self.count_labels["ALL"].setText(str(total))
        minutes = max(time.monotonic() - self.started_at, 1e-6) / 60
        self.count_labels["RATE"].setText(f"{runner.frames / minutes:.0f}")
        self.render()

    def _show_checks(self, result) -> None:
        """What each check saw on the part on screen (dashes when no part is)."""
        if result is None:
            for label in (self.check_a_label, self.check_b_label):
                label.setText("-")
            self.reason_label.setText("")
            return
        d, names = result.decision, self.ctx.class_names
        self.check_a_label.setText(self.tr("{label}  ({confidence} sure)").format(
            label=names.get(d.a.label, d.a.label), confidence=f"{d.a.confidence:.0%}"))
        self.check_b_label.setText(self.tr("{label}  ({confidence} sure)").format(
            label=names.get(d.b.label, d.b.label), confidence=f"{d.b.confidence:.0%}"))
        self.reason_label.setText(short_reasons(d.reason))

    # ----------------------------------------------------------------- what the operator sees
    def render(self) -> None:
        """The banner, the picture and the take-off notice from the display's rules (never an old verdict)."""
        screen = self.display.screen()
        key = (screen.show, getattr(screen.result, "inspection_id", None),
               tuple(r.inspection_id for r in screen.held), screen.camera_message, self.camera_view.size().toTuple())
        if key == self._on_screen:
            return
        self._on_screen = key
        word, detail, colour = banner_words(screen)
        self.banner.show_state(str(screen.show), word, detail, colour)
        self._show_checks(screen.result)
        if screen.result is not None:
            pixmap = pixmap_from_rgb(screen.result.frame.image)
            self.camera_view.setPixmap(pixmap.scaled(self.camera_view.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                     Qt.TransformationMode.SmoothTransformation))
        else:
            self.camera_view.clear()  # no old picture under a state that is not a verdict
            self.camera_view.setText(picture_words(screen))
        if screen.held:
            self.take_off_label.setText(take_off_words([r.inspection_id for r in screen.held]))
        self.take_off_box.setVisible(bool(screen.held))

    def confirm_taken_off(self) -> None:
        if self.display.held:
            self.display.confirm()
            self.render()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.render()  # the picture is scaled to the new size

    def _settings_changed(self) -> None:
        self.display.hold_seconds = self.ctx.station.config.ui.review_hold_seconds

    # ----------------------------------------------------------------- fail-safe
    def _alarm_changed(self, _event) -> None:
        self.refresh_alarm()

    def refresh_alarm(self) -> None:
        manual = self.ctx.pipeline.manual_mode
        self.alarm_box.setVisible(manual)
        alarm = self.ctx.station.open_alarm() if manual else None
        if alarm is not None and alarm.kind == "errors":
            self.alarm_label.setText(self.tr(
                "MANUAL MODE: the checks failed on %n parts in a row (a broken model, prompt set or camera), so every "
                "part now goes to the review queue. Tell your manager; only a manager can reset this.", "",
                int((alarm.detail or {}).get("failed_frames", 0))))
        else:
            self.alarm_label.setText(self.tr(
                "MANUAL MODE: too many parts needed checking by hand, so every part now goes to the review queue. "
                "Tell your manager; only a manager can reset this."))
        self.reset_button.setEnabled(self.ctx.can("failsafe.reset"))

    def refresh_schedule(self) -> None:
        """Read off the GUI thread: the line keeps its pace whatever the database is doing."""
        self.schedule_reads.request(self.ctx.schedule)

    def _show_schedule(self, schedule) -> None:
        self.schedule_notice.show_schedule(*schedule)

    def _reset_alarm(self) -> None:
        answer = QMessageBox.question(self, self.tr("Reset the alarm"),
                                      self.tr("Has the cause been found and fixed? The station returns to automatic "
                                              "decisions."))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.ctx.pipeline.reset_failsafe(self.ctx.user, note="reset from the live page")
        except Exception as e:
            QMessageBox.warning(self, self.tr("Reset the alarm"), error_words(e))
        self.refresh_alarm()

    def _user_changed(self) -> None:
        # frames from now on belong to whoever is signed in: after a sign-out, to no one
        self.ctx.pipeline.operator = self.ctx.user
        self.refresh_alarm()
        self.display.sign_in_changed(self.ctx.user is not None)
        if self.ctx.user is None:
            self.shift_counts = {"PASS": 0, "FAIL": 0, "REVIEW": 0}
        self.render()


BANNER_COLOURS = {Show.PASS: "#1b7f3b", Show.FAIL: "#b3261e", Show.REVIEW: "#b06000", Show.STOPPED: "#5f6368",
                  Show.SIGNED_OUT: "#5f6368", Show.WAITING: "#34495e", Show.CAMERA_LOST: "#6a1b9a"}
BANNER_WORDS = {Show.STOPPED: QT_TRANSLATE_NOOP("VerdictBanner", "STOPPED"),
                Show.SIGNED_OUT: QT_TRANSLATE_NOOP("VerdictBanner", "NOT SIGNED IN"),
                Show.WAITING: QT_TRANSLATE_NOOP("VerdictBanner", "WAITING FOR A PART"),
                Show.CAMERA_LOST: QT_TRANSLATE_NOOP("VerdictBanner", "NO CAMERA")}


def _tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate("VerdictBanner", text, disambiguation, n)


def banner_words(screen: Screen) -> tuple[str, str, str]:
    """(word, detail, colour) for the banner."""
    colour = BANNER_COLOURS[screen.show]
    if screen.show in (Show.PASS, Show.FAIL, Show.REVIEW):
        part = QCoreApplication.translate("VerdictBanner", "Part no. {id}").format(id=screen.result.inspection_id)
        return verdict_words(str(screen.show)), part, colour
    detail = {Show.STOPPED: QCoreApplication.translate("VerdictBanner", "The line is stopped: press Start"),
              Show.SIGNED_OUT: QCoreApplication.translate("VerdictBanner", "Sign in to run the line"),
              Show.WAITING: QCoreApplication.translate("VerdictBanner", "No part in front of the camera"),
              Show.CAMERA_LOST: screen.camera_message}[screen.show]
    return _tr(BANNER_WORDS[screen.show]), detail, colour


def picture_words(screen: Screen) -> str:
    return {Show.STOPPED: QCoreApplication.translate("VerdictBanner", "No picture: the line is stopped"),
            Show.SIGNED_OUT: QCoreApplication.translate("VerdictBanner", "No picture: nobody is signed in"),
            Show.WAITING: QCoreApplication.translate("VerdictBanner", "Waiting for the next picture"),
            Show.CAMERA_LOST: QCoreApplication.translate("VerdictBanner", "No picture from the camera")}.get(screen.show, "")


def take_off_words(ids: list[int]) -> str:
    """What the operator does with parts that need a person."""
    if len(ids) == 1:
        return QCoreApplication.translate("VerdictBanner", "Take part no. {id} off the line and put it in the review tray.").format(id=ids[0])
    shown = ", ".join(str(i) for i in ids[-3:])  # the newest: the parts nearest the operator
    return QCoreApplication.translate(
        "VerdictBanner", "Take these %n parts off the line (review tray): no. {ids}", "",
        len(ids)).format(ids=shown if len(ids) <= 3 else "..., " + shown)
