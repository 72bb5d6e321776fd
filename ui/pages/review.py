"""The review queue, for reviewers: frames the checks could not settle, decided by a person.

Keys (ui/decision_panel.py): 1-9 (and 0 for the tenth) record that class for the shown part at once; X records
"no whole part"; N writes a note first; S or the down arrow skips, the up arrow goes back; + and - zoom; F fits.

A decision always lands on the part whose picture and number are on screen (`shown`): the list's
highlight follows that part by its id, never by a row number.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QMessageBox, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget,
)

from station.service.review_queue import QueueLength, ReviewError
from station.service import review_queue

from ..context import AppContext
from ..decision_panel import DecisionPanel
from ..i18n import shown_name
from ..jobs import start_job
from ..messages import error_words
from ..reason_words import reason_words, short_reasons
from ..record_table import RecordTable
from ..widgets import pixmap_from_file

PAGE_SIZE = 50
THUMB = 48
LOAD_AHEAD = 5  # load the next page when this few parts are left below the shown one


@dataclass
class QueueItem:
    id: int
    at: str
    label_a: str
    conf_a: float
    label_b: str
    conf_b: float
    reason: str
    image_path: str
    thumbnail: QImage
    answers: list[tuple[str, str, bool]]  # (key, name in the window's language, good): the classes it was judged with


def answer_rows(answers) -> list[tuple[str, str, bool]]:
    """What the decision panel shows for these answers, named in the window's language."""
    return [(a.key, shown_name(a), a.good) for a in answers]


def load_queue_page(ctx: AppContext, after_id: int) -> tuple[list[QueueItem], QueueLength]:
    """Runs on a worker thread: one keyset page of the queue and its thumbnails, and the queue's length."""
    frames, pending = review_queue.queue_page(ctx.station, after_id=after_id, limit=PAGE_SIZE)
    items = []
    for r in frames:
        thumb = QImage(str(r.image))
        if not thumb.isNull():
            thumb = thumb.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        items.append(QueueItem(r.id, r.at.strftime("%Y-%m-%d %H:%M:%S"), r.label_a, r.conf_a, r.label_b,
                               r.conf_b, r.reason, str(r.image), thumb, answer_rows(r.answers)))
    return items, pending


class ReviewPage(QWidget):
    title = QT_TRANSLATE_NOOP("Pages", "Review queue")
    permission = "review"
    pending_changed = Signal(object)  # how many parts wait (a QueueLength), for the page list's entry

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.shown: QueueItem | None = None  # the part on screen: every decision is for this one
        self.last_loaded_id = 0
        self.more = True
        self.loading = None
        self.decided = 0
        self.decided_ids: set[int] = set()  # decided from this page (or found decided elsewhere)
        self.pending = QueueLength(0)

        self.count_label = QLabel("")
        self.count_label.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.more_button = QPushButton(self.tr("Load more"))
        self.table = RecordTable([self.tr("Part"), self.tr("No."), self.tr("Time"), self.tr("Why")], stretch=3)
        self.table.verticalHeader().setDefaultSectionSize(THUMB + 6)
        self.table.setIconSize(QPixmap(THUMB, THUMB).size())
        self.table.setColumnWidth(0, THUMB + 12)
        self.table.setColumnWidth(1, 64)
        self.table.setColumnWidth(2, 80)
        left = QVBoxLayout()
        head = QHBoxLayout()
        head.addWidget(self.count_label, 1)
        head.addWidget(self.refresh_button)
        left.addLayout(head)
        left.addWidget(self.table, 1)
        left.addWidget(self.more_button)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setMinimumWidth(260)

        self.panel = DecisionPanel(self.decide, self.skip, self.previous)
        self.answers = answer_rows(review_queue.live_answers(ctx.station))
        self.panel.set_answers(self.answers)
        self.panel.install_keys(self)
        self.view, self.opinions_label, self.note_edit = self.panel.view, self.panel.opinions_label, self.panel.note_edit
        self.skip_button = self.panel.skip_button
        splitter = self.panel.beside(left_box, [330, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.table.record_changed.connect(self._show)
        self.refresh_button.clicked.connect(self.reload)
        self.more_button.clicked.connect(self.load_more)
        ctx.events.inspections_recorded.connect(self._maybe_reload)
        self._show(None)

    # ----------------------------------------------------------------- loading
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.table.rowCount():
            self.reload()

    def _maybe_reload(self) -> None:
        if self.isVisible() and not self.table.rowCount():
            self.reload()

    def reload(self) -> None:
        """The queue again from its start: the shown part stays on screen if it still waits."""
        if self.loading is not None:
            return
        self._load(after=0, fresh=True)

    def load_more(self) -> None:
        if self.loading is not None or not self.more:
            return
        self._load(after=self.last_loaded_id, fresh=False)

    def _load(self, after: int, fresh: bool) -> None:
        self.more_button.setEnabled(False)
        self.refresh_button.setEnabled(False)
        self.count_label.setText(self.tr("Loading ..."))
        self.loading = start_job(self, lambda job: load_queue_page(self.ctx, after), "review page",
                                 on_success=lambda result: self._page_loaded(result, fresh),
                                 on_failure=self._load_failed, on_end=self._load_done)

    def _load_done(self) -> None:
        self.loading = None
        self.refresh_button.setEnabled(True)
        self.more_button.setEnabled(self.more)

    def _load_failed(self, error: Exception) -> None:
        self.count_label.setText(self.tr("Could not read the queue: {message}").format(message=error_words(error)))

    def _cells(self, item: QueueItem) -> list:
        icon = QTableWidgetItem()
        if not item.thumbnail.isNull():
            icon.setIcon(QIcon(QPixmap.fromImage(item.thumbnail)))
        why = QTableWidgetItem(short_reasons(item.reason, prefix=False))
        why.setToolTip(reason_words(item.reason, sentence=False))
        return [icon, str(item.id), item.at[11:], why]

    def _page_loaded(self, result, fresh: bool) -> None:
        items, pending = result
        items = [i for i in items if i.id not in self.decided_ids]  # read before a decision made here landed
        if fresh:
            self.table.set_records(items, self._cells)  # keeps the shown part highlighted if it is still there
        else:
            self.table.append_records(items, self._cells)
        ids = [i.id for i in result[0]]
        self.last_loaded_id = ids[-1] if ids else (0 if fresh else self.last_loaded_id)
        self.more = len(ids) == PAGE_SIZE
        self.pending = pending
        self._update_count()
        if self.table.current() is None and self.table.rowCount():
            self.table.setCurrentCell(0, 1)  # shows it (record_changed)
        elif self.table.current() is not self.shown:
            self._show(self.table.current())

    def _update_count(self) -> None:
        text = (self.tr("More than {count} parts waiting").format(count=f"{self.pending.count:,}") if self.pending.more
                else self.tr("%n part(s) waiting", "", self.pending.count))
        if self.decided:
            text += self.tr(" - %n decided now", "", self.decided)
        self.count_label.setText(text)
        self.pending_changed.emit(self.pending)

    # ----------------------------------------------------------------- deciding
    @property
    def class_buttons(self) -> list[QPushButton]:
        """The answers' buttons for the part on screen (they follow the classes its product has)."""
        return self.panel.class_buttons

    def current(self) -> QueueItem | None:
        """The part on screen, which every key and button decides."""
        return self.shown

    def _show(self, item: QueueItem | None) -> None:
        self.shown = item
        if item is not None and self.table.current() is not item:
            self.table.select(item.id)  # the highlight always marks the part on screen
        if item is not None and item.answers != self.answers:  # judged by another product than the one before
            self.answers = item.answers
            self.panel.set_answers(self.answers)
        for b in self.class_buttons + [self.skip_button]:
            b.setEnabled(item is not None)
        if item is None:
            self.opinions_label.setText(self.tr("The queue is empty.") if not self.table.rowCount()
                                        else self.tr("Nothing selected"))
            self.view.set_pixmap(QPixmap())
            return
        names = {**self.ctx.class_names, **{key: name for key, name, _ in item.answers}}
        self.view.set_pixmap(pixmap_from_file(item.image_path))
        self.opinions_label.setText(self.tr(
            "<b>Part no. {id}</b> ({at})<br>Vision model: <b>{label_a}</b> ({conf_a} sure)<br>"
            "Second check: <b>{label_b}</b> ({conf_b} sure)<br>{reasons}").format(
                id=item.id, at=item.at, label_a=names.get(item.label_a, item.label_a), conf_a=f"{item.conf_a:.0%}",
                label_b=names.get(item.label_b, item.label_b), conf_b=f"{item.conf_b:.0%}",
                reasons=reason_words(item.reason)))

    def decide(self, class_key: str) -> None:
        item = self.shown
        if item is None:
            return
        try:
            review_queue.decide(self.ctx.station, self.ctx.user, item.id, class_key, note=self.note_edit.text().strip())
        except ReviewError as e:  # decided meanwhile by someone else: drop it from the list
            QMessageBox.information(self, self.tr("Review"), error_words(e))
        except Exception as e:
            QMessageBox.warning(self, self.tr("Review"),
                                self.tr("The decision was not saved: {error}").format(error=error_words(e)))
            return
        else:
            self.decided += 1
            self.pending = self.pending.less_one()  # "more than 1,000" stays so: never a made-up exact number
        self.decided_ids.add(item.id)
        self._remove(item)

    def _remove(self, item: QueueItem) -> None:
        self.note_edit.clear()
        self.table.remove_record(item.id)  # the highlight moves on, and the next part is shown
        if self.shown is item:
            self._show(self.table.current())
        self._update_count()
        if self.more and self.table.rowCount() - max(self.table.currentRow(), 0) < LOAD_AHEAD:
            self.load_more()

    def skip(self) -> None:
        row = self.table.currentRow()
        if row + 1 < self.table.rowCount():
            self.table.setCurrentCell(row + 1, 1)
        elif self.more:
            self.load_more()

    def previous(self) -> None:
        row = self.table.currentRow()
        if row > 0:
            self.table.setCurrentCell(row - 1, 1)
