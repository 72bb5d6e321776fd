"""The plant's review desk: every station's waiting frames, decided with the review page's keys.

Keys: 1-9 (and 0 for the tenth) record that class of the frame's station at once; X records "no whole part";
N writes a note first; S or the down arrow skips, the up arrow goes back; + and - zoom; F fits the image.

A frame is claimed for this reviewer before its picture is shown, and the decision is for the frame on screen
(`shown`), checked against the claim at the plant: two desks never decide one frame. Every call to the plant runs
off the GUI thread; the plant may be far away or gone for a while.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QMainWindow,
    QMessageBox, QPushButton, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from station.service.desk import CLAIM_S, DeskConflict, DeskFrame

from .decision_panel import DecisionPanel
from .desk_overview import DeskOverview
from .i18n import shown_name
from .jobs import start_job
from .messages import error_words
from .reason_words import REASON_CODES, reason_words, short_reasons
from .record_table import RecordTable
from .stop_signals import end_window

PAGE_SIZE = 100


class DeskWindow(QMainWindow):
    def __init__(self, desk, reviewing, user, parent=None):
        """`desk`: service.desk.Desk; `reviewing`: its PlantDesk for `user`, the signed-in reviewer."""
        super().__init__(parent)
        self.desk, self.reviewing, self.user = desk, reviewing, user
        self.ending = False
        self.shown: DeskFrame | None = None  # the frame on screen: every key decides this one
        self.ready = False  # its claim is held and its picture is on screen
        self.held: tuple[str, int] | None = None  # the claim this desk holds now
        self.deciding: set[tuple[str, int]] = set()  # frames whose decision is being stored
        self.classes: dict[tuple[str, str], list] = {}  # per station and product version, as the station told
        self.decided = 0
        self.waiting = 0  # frames waiting at the plant, as last counted
        self.loading = None
        self.setWindowTitle(self.tr("Plant review desk - {user}").format(user=user.display_name or user.username))

        self.station_filter, self.product_filter, self.reason_filter = QComboBox(), QComboBox(), QComboBox()
        self.station_filter.addItem(self.tr("All stations"), "")
        self.product_filter.addItem(self.tr("All products"), "")
        self.reason_filter.addItem(self.tr("Any reason"), "")
        for code in REASON_CODES:
            self.reason_filter.addItem(short_reasons(code, prefix=False), code)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        filters = QHBoxLayout()
        for label, combo in ((self.tr("Station"), self.station_filter), (self.tr("Product"), self.product_filter),
                             (self.tr("Why"), self.reason_filter)):
            filters.addWidget(QLabel(label))
            filters.addWidget(combo, 1)
            combo.activated.connect(lambda _=0: self.reload())
        filters.addWidget(self.refresh_button)
        self.count_label = QLabel("")
        self.count_label.setWordWrap(True)
        self.table = RecordTable([self.tr("Station"), self.tr("No."), self.tr("Time"), self.tr("Why")], stretch=3,
                                 id_of=lambda f: f.key)
        for column, width in ((0, 96), (1, 56), (2, 92)):
            self.table.setColumnWidth(column, width)
        self.table.setWordWrap(False)
        left = QVBoxLayout()
        left.addWidget(self.count_label)
        left.addWidget(self.table, 1)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setMinimumWidth(280)

        self.panel = DecisionPanel(self.decide, self.skip, self.previous)
        self.panel.install_keys(self)
        self.view, self.opinions_label, self.note_edit = self.panel.view, self.panel.opinions_label, self.panel.note_edit
        splitter = self.panel.beside(left_box, [340, 680])
        waiting = QWidget()
        waiting_layout = QVBoxLayout(waiting)
        waiting_layout.addLayout(filters)
        waiting_layout.addWidget(splitter, 1)

        self.outcomes = RecordTable([self.tr("Station"), self.tr("No."), self.tr("Answer"), self.tr("By"),
                                     self.tr("At the station")], stretch=4,
                                    id_of=lambda d: (d["station"], d["inspection"]))
        self.tabs = QTabWidget()
        self.tabs.addTab(waiting, self.tr("Waiting"))
        self.tabs.addTab(self.outcomes, self.tr("Decided"))
        self.tabs.addTab(DeskOverview(desk), self.tr("Plant overview"))
        self.tabs.currentChanged.connect(lambda index: self.load_outcomes() if index == 1 else None)
        self.setCentralWidget(self.tabs)

        self.table.record_changed.connect(self._show)
        self.refresh_button.clicked.connect(self.reload)
        self.renewal = QTimer(self)  # the shown frame stays this desk's while it is on screen
        self.renewal.timeout.connect(self._renew)
        self.renewal.start(int(CLAIM_S * 1000 / 3))
        self._show(None)

    # ----------------------------------------------------------------- the plant's queue
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.table.rowCount() and self.loading is None:
            self.reload()

    def filters(self) -> dict:
        return {"station": self.station_filter.currentData() or None,
                "product": self.product_filter.currentData() or None,
                "reason": self.reason_filter.currentData() or None}

    def reload(self) -> None:
        if self.loading is not None:
            return
        chosen = self.filters()
        self.refresh_button.setEnabled(False)
        self.count_label.setText(self.tr("Asking the plant ..."))

        def work(_job):
            return (self.reviewing.page(limit=PAGE_SIZE, **chosen), self.reviewing.waiting_count(**chosen),
                    self.reviewing.choices())
        self.loading = start_job(self, work, "desk page", on_success=self._loaded, on_failure=self._load_failed,
                                 on_end=self._load_done)

    def _load_done(self) -> None:
        self.loading = None
        self.refresh_button.setEnabled(True)

    def _load_failed(self, error: Exception) -> None:
        self.count_label.setText(self.tr("The plant could not be asked: {message}").format(message=error_words(error)))

    def _loaded(self, result) -> None:
        frames, waiting, (stations, products) = result
        _refill(self.station_filter, stations)
        _refill(self.product_filter, products)
        self.table.set_records(frames, self._cells)
        self.waiting = waiting
        self._update_count()
        if self.table.current() is None and self.table.rowCount():
            self.table.setCurrentCell(0, 1)
        elif _key(self.table.current()) != _key(self.shown):
            self._show(self.table.current())

    def _cells(self, frame: DeskFrame) -> list:
        why = QTableWidgetItem(short_reasons(frame.reason, prefix=False))
        why.setToolTip(reason_words(frame.reason, sentence=False))
        return [frame.station, str(frame.sequence), frame.created_at.astimezone().strftime("%m-%d %H:%M"), why]

    def _update_count(self) -> None:
        text = (self.tr("More than {count} frames waiting").format(count=f"{1000:,}") if self.waiting > 1000
                else self.tr("%n frame(s) waiting", "", self.waiting))
        if self.decided:
            text += self.tr(" - %n decided now", "", self.decided)
        self.count_label.setText(text)

    # ----------------------------------------------------------------- the frame on screen
    def _show(self, frame: DeskFrame | None) -> None:
        if frame is not None and frame.key == _key(self.shown):
            self.shown = frame  # the same frame, read again: it stays on screen, held
            return
        self._release()
        self.shown, self.ready = frame, False
        self._enable(False)
        self.view.set_pixmap(QPixmap())
        if frame is None:
            self.opinions_label.setText(self.tr("No frame waits.") if not self.table.rowCount()
                                        else self.tr("Nothing selected"))
            return
        self.table.select(frame.key)
        self.opinions_label.setText(self.tr("Opening frame {id} of {station} ...").format(
            id=frame.sequence, station=frame.station))

        def work(_job):
            if not self.reviewing.claim(frame.key):
                return None
            classes = (self.classes.get((frame.station, frame.product))
                       or self.reviewing.classes(frame.station, frame.product))
            return classes, QImage.fromData(self.desk.image(frame))
        start_job(self, work, "desk frame", on_success=lambda result: self._opened(frame, result),
                  on_failure=lambda error: self._open_failed(frame, error))

    def _opened(self, frame: DeskFrame, result) -> None:
        if result is None:  # another reviewer has it, or it was decided meanwhile
            self._drop(frame, self.tr("Frame {id} of {station} is with another reviewer.").format(
                id=frame.sequence, station=frame.station))
            return
        if frame.key != _key(self.shown):  # moved on while it opened: let it go again
            start_job(self, lambda _job: self.reviewing.release(frame.key), "desk release")
            return
        classes, image = result
        self.held, self.ready = frame.key, True
        self.classes[(frame.station, frame.product)] = classes
        self.panel.set_answers([(c.key, shown_name(c), c.good) for c in classes])
        self.view.set_pixmap(QPixmap.fromImage(image))
        names = {c.key: escape(shown_name(c)) for c in classes}  # what the plant says is text, never markup
        self.opinions_label.setText(self.tr(
            "<b>{station}, part no. {id}</b> ({at}) {product}<br>Vision model: <b>{label_a}</b> ({conf_a} sure)<br>"
            "Second check: <b>{label_b}</b> ({conf_b} sure)<br>{reasons}").format(
                station=escape(frame.station), id=frame.sequence,
                at=frame.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), product=escape(frame.product),
                label_a=names.get(frame.label_a, escape(frame.label_a)), conf_a=f"{frame.conf_a:.0%}",
                label_b=names.get(frame.label_b, escape(frame.label_b)), conf_b=f"{frame.conf_b:.0%}",
                reasons=escape(reason_words(frame.reason))))
        self._enable(True)

    def _open_failed(self, frame: DeskFrame, error: Exception) -> None:
        if frame.key == _key(self.shown):
            self.opinions_label.setText(self.tr("Frame {id} of {station} could not be opened: {message}").format(
                id=frame.sequence, station=frame.station, message=error_words(error)))
            self.panel.skip_button.setEnabled(True)

    def _enable(self, on: bool) -> None:
        self.panel.enable(on, self.shown is not None)

    def decide(self, class_key: str) -> None:
        frame = self.shown
        if frame is None or not self.ready:
            return
        note = self.note_edit.text().strip()
        self.ready = False  # one decision a frame: keys pressed while it is stored do nothing
        self.deciding.add(frame.key)  # its claim is kept until the decision is stored, whatever is shown meanwhile
        self._enable(False)
        start_job(self, lambda _job: self.desk.decide(self.user, frame, class_key, note), "desk decision",
                  on_success=lambda _good: self._decided(frame),
                  on_failure=lambda error: self._not_decided(frame, error))

    def _decided(self, frame: DeskFrame) -> None:
        self.deciding.discard(frame.key)
        self.decided += 1
        self.waiting = max(0, self.waiting - 1)
        self.held = None if self.held == frame.key else self.held  # the decision ended the claim
        self._drop(frame)

    def _not_decided(self, frame: DeskFrame, error: Exception) -> None:
        self.deciding.discard(frame.key)
        if isinstance(error, DeskConflict):
            self.held = None if self.held == frame.key else self.held
            self._drop(frame, error_words(error))
            return
        QMessageBox.warning(self, self.tr("Review"),
                            self.tr("The decision was not saved: {error}").format(error=error_words(error)))
        if frame.key == _key(self.shown):
            self.ready = True
            self._enable(True)

    def _drop(self, frame: DeskFrame, why: str = "") -> None:
        self.note_edit.clear()
        self.table.remove_record(frame.key)
        if why:
            self.statusBar().showMessage(why, 8000)
        self._update_count()
        if frame.key == _key(self.shown):
            self.shown = None
            self._show(self.table.current())
        if not self.table.rowCount():
            self.reload()

    def skip(self) -> None:
        row = self.table.currentRow()
        if row + 1 < self.table.rowCount():
            self.table.setCurrentCell(row + 1, 1)

    def previous(self) -> None:
        row = self.table.currentRow()
        if row > 0:
            self.table.setCurrentCell(row - 1, 1)

    def _renew(self) -> None:
        if self.held is not None:
            held = self.held
            start_job(self, lambda _job: self.reviewing.claim(held), "desk claim")

    def _release(self) -> None:
        if self.held is not None:
            held, self.held = self.held, None
            if held not in self.deciding:  # a decision being stored ends its claim itself
                start_job(self, lambda _job: self.reviewing.release(held), "desk release")

    # ----------------------------------------------------------------- what became of the decisions
    def load_outcomes(self) -> None:
        start_job(self, lambda _job: self.reviewing.decisions(), "desk outcomes", on_success=self._outcomes_loaded)

    def _outcomes_loaded(self, decisions: list[dict]) -> None:
        self.outcomes.set_records(decisions, lambda d: [
            d["station"], str(d["inspection"]), self._answer_name(d["station"], d["label"]), d["reviewer"],
            d["outcome"] or self.tr("not taken back yet")])

    def _answer_name(self, station: str, key: str) -> str:
        """The answer as the buttons said it (the station's class in the window's language), else its key."""
        names = {c.key: shown_name(c) for (at, _), classes in self.classes.items() if at == station for c in classes}
        return names.get(key, key)

    # ----------------------------------------------------------------- closing
    def end_now(self) -> None:
        """Close without asking (SIGTERM)."""
        end_window(self)

    def closeEvent(self, event) -> None:
        self.renewal.stop()
        if self.held is not None:  # let the frame go now rather than when the claim runs out
            try:
                self.reviewing.release(self.held)
            except Exception:  # the plant is away: the claim runs out by itself
                pass
            self.held = None
        super().closeEvent(event)


def _key(frame: DeskFrame | None) -> tuple[str, int] | None:
    """Which frame, whichever read of it (a refreshed page holds new objects for the same frames)."""
    return frame.key if frame is not None else None


def _refill(combo: QComboBox, values: list[str]) -> None:
    """The filter's choices as the plant has them now, keeping what is chosen."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for v in values:
        combo.addItem(v, v)
    index = combo.findData(chosen)
    combo.setCurrentIndex(max(index, 0))
    combo.blockSignals(False)
