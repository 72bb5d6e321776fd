"""Self-tests, for managers: the PRM attack test and the backdoor probe, their history and reports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QMessageBox, QPushButton, QSpinBox, QSplitter, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)
from station.service import selftests
from station.service.selftests import (
    INVERSION_VARIANT, InversionSettings, PrmRunSettings, ResultLine, RunSummary, StrengthError, parse_strengths,
    run_is_ineffective,
)

from ..context import AppContext
from ..messages import error_words
from ..jobs import start_job
from ..reads import PageRead, ReadProblem
from ..record_table import RecordTable
from ..selftest_words import (
    OUTCOME_WORDS, STATUS_WORDS, _words, ineffective_words, inversion_words, run_row_summary, variant_words,
)
from ..widgets import (
    ImageView, ProgressPanel, ScheduleNotice, TrendChart, WrappingCheck, list_table, pixmap_from_rgb, tidy_form,
    verdict_name,
)

# module-level words are marked for lupdate with the context "Selftests" and translated where shown (tr_)
REFERENCES = [("generated", QT_TRANSLATE_NOOP("Selftests", "Generated parts (simulated)")),
              ("reviews", QT_TRANSLATE_NOOP("Selftests", "Parts reviewed on this station")),
              ("folder", QT_TRANSLATE_NOOP("Selftests", "Labelled folder ..."))]
PRM_MODES = (("input", QT_TRANSLATE_NOOP("Selftests", "the vision model's input (after the station's resize)")),
             ("frame", QT_TRANSLATE_NOOP("Selftests", "the camera picture (through the station's resize)")))
def tr_(text: str) -> str:
    return QCoreApplication.translate("Selftests", text)


def parse_eps(text: str) -> list[float]:
    """The station's rule (`parse_strengths`, which the CLI uses too), with the message in the window's language."""
    try:
        return parse_strengths(text)
    except StrengthError:
        raise ValueError(QCoreApplication.translate(
            "Selftests", "each strength must be a number from 0 to 64 (in 1/255 steps of brightness), separated "
                         "by commas, e.g. 4,8,16; got '{text}'").format(text=text)) from None


class SelftestPage(QWidget):
    title = QT_TRANSLATE_NOOP("Pages", "Self-tests")
    permission = "selftest.run"

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.job = None
        self.folder = ""

        self.mode_box = QComboBox()
        for key, words in PRM_MODES:
            self.mode_box.addItem(tr_(words), key)
        self.eps_edit = QLineEdit("8")
        self.iters_spin = QSpinBox(minimum=1, maximum=5000, value=250)
        self.images_spin = QSpinBox(minimum=1, maximum=2000, value=16)
        self.prm_reference = QComboBox()
        self.prm_button = QPushButton(self.tr("Start attack test"))
        prm_tab = QWidget()
        form = tidy_form(prm_tab, self.tr("Could someone holding the public vision model make this station pass "
                                          "bad parts?"))
        form.addRow(self.tr("Attack on"), self.mode_box)
        form.addRow(self.tr("Strengths (1/255 steps, e.g. 4,8,16)"), self.eps_edit)
        sizes = QHBoxLayout()  # two short numbers on one row: the tab fits a 1024x768 panel with a run going
        sizes.addWidget(self.iters_spin, 1)
        sizes.addWidget(QLabel(self.tr("Parts")))
        sizes.addWidget(self.images_spin, 1)
        form.addRow(self.tr("Steps per attack"), sizes)
        form.addRow(self.tr("Parts from"), self.prm_reference)
        form.addRow(self.prm_button)

        self.probe_images = QSpinBox(minimum=2, maximum=2000, value=30)
        self.probe_invert = WrappingCheck(self.tr("Also search for triggers of unknown kinds (trigger inversion; "
                                                  "seconds for the demo model)"))
        self.probe_invert.setChecked(True)
        self.probe_reference = QComboBox()
        self.probe_button = QPushButton(self.tr("Start backdoor probe"))
        probe_tab = QWidget()
        pform = tidy_form(probe_tab, self.tr("Do small stickers, patterns or warps flip the vision model's answer?"))
        pform.addRow(self.tr("Parts"), self.probe_images)
        pform.addRow(self.tr("Parts from"), self.probe_reference)
        pform.addRow(self.probe_invert)
        pform.addRow(self.probe_button)
        for box in (self.prm_reference, self.probe_reference):
            box.activated.connect(lambda _i, b=box: self._reference_chosen(b))
        self._fill_references()
        self.tests = QTabWidget()
        self.tests.addTab(prm_tab, self.tr("Attack test (PRM)"))
        self.tests.addTab(probe_tab, self.tr("Backdoor probe"))

        self.progress = ProgressPanel()
        self.progress.cancel_requested.connect(self.cancel)
        self.history = RecordTable([self.tr("Run"), self.tr("Started"), self.tr("Test"), self.tr("Status"),
                                   self.tr("Result")], stretch=4)
        self.history.setWordWrap(True)
        self.history.horizontalHeader().sectionResized.connect(lambda *_: self.history.resizeRowsToContents())
        self.history.setColumnWidth(0, 48)
        self.history.setColumnWidth(1, 130)
        self.history.doubleClicked.connect(self.open_run)
        self.trend = TrendChart()
        self.open_button = QPushButton(self.tr("Open run"))
        self.report_button = QPushButton(self.tr("Export report ..."))
        self.open_button.clicked.connect(self.open_run)
        self.report_button.clicked.connect(self.export_report)

        trend_box = QGroupBox(self.tr("Attack test trend"))
        tl = QVBoxLayout(trend_box)
        trend_words = QLabel(self.tr("Oldest left; hatched: an attack that did not bite, which says nothing."))
        trend_words.setWordWrap(True)
        tl.addWidget(trend_words)
        tl.addWidget(self.trend, 1)
        top = QHBoxLayout()
        top.addWidget(self.tests, 1)
        top.addWidget(trend_box, 1)
        buttons = QHBoxLayout()
        history_words = QLabel(self.tr("History (double-click a run to open it)"))
        history_words.setWordWrap(True)
        buttons.addWidget(history_words, 1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.report_button)
        self.schedule_notice = ScheduleNotice()
        self.read_problem = ReadProblem()
        self.reads = PageRead(self, "self-test history", self._show_history, self._read_failed)
        self.result_reads = PageRead(self, "self-test run", self._open_read_run, self._read_failed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.schedule_notice)
        layout.addWidget(self.read_problem)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        layout.addWidget(self.history, 1)

        self.prm_button.clicked.connect(self.start_prm)
        self.probe_button.clicked.connect(self.start_probe)
        self.runs: list[RunSummary] = []

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fill_references()
        self.refresh_history()

    def _fill_references(self) -> None:
        """The sources of parts; with a product live, its held-out photos first (what its acceptance measured)."""
        product = self.ctx.station.product
        for box in (self.prm_reference, self.probe_reference):
            chosen, label = box.currentData(), box.currentText()
            box.clear()
            if product is not None:
                box.addItem(self.tr("Held-out photos of {product}").format(product=product.label), "product")
            for key, words in REFERENCES:
                box.addItem(tr_(words), key)
            if chosen == "folder" and self.folder:
                box.setItemText(box.findData("folder"), label)
            if chosen is not None and box.findData(chosen) >= 0 and chosen != "generated":
                box.setCurrentIndex(box.findData(chosen))

    def refresh_history(self) -> None:
        """Read the runs and the schedule off the GUI thread; shown when they arrive."""
        station = self.ctx.station
        self.reads.request(lambda: (selftests.history(station.db, limit=200), selftests.schedule(station)))

    def _read_failed(self, error: Exception) -> None:
        self.read_problem.setText(self.tr("Could not read the self-test history: {message}")
                                  .format(message=error_words(error)))
        self.read_problem.setVisible(True)

    # ----------------------------------------------------------------- starting
    def _reference_chosen(self, box: QComboBox) -> None:
        if box.currentData() == "folder":
            folder = QFileDialog.getExistingDirectory(self, self.tr("Labelled folder (one sub-folder per class)"))
            if folder:
                self.folder = folder
                box.setItemText(box.currentIndex(), self.tr("Folder: {name}").format(name=Path(folder).name))
            else:
                box.setCurrentIndex(0)

    def reference(self, box: QComboBox, count: int):
        """The reference the box names, read on the job's thread (the box is read here, on the GUI thread)."""
        station, kind, folder = self.ctx.station, box.currentData(), self.folder
        return lambda: selftests.reference_frames(station, kind, count, folder)

    def start_prm(self) -> None:
        try:
            eps = parse_eps(self.eps_edit.text())
        except ValueError as e:
            QMessageBox.warning(self, self.tr("Attack test"), error_words(e))
            return
        settings = PrmRunSettings(eps=eps, iterations=self.iters_spin.value(), mode=self.mode_box.currentData())
        station, user, reference = self.ctx.station, self.ctx.user, self.reference(self.prm_reference,
                                                                                   self.images_spin.value())
        self._start("attack test", self.tr("Starting the attack test ..."), lambda job: selftests.run_prm(
            station, user, reference(), settings, progress=job))

    def start_probe(self) -> None:
        inversion = InversionSettings() if self.probe_invert.isChecked() else None
        station, user, reference = self.ctx.station, self.ctx.user, self.reference(self.probe_reference,
                                                                                   self.probe_images.value())
        self._start("backdoor probe", self.tr("Starting the backdoor probe ..."), lambda job: selftests.run_probe(
            station, user, reference(), inversion, progress=job))

    def _start(self, name: str, words: str, work) -> None:
        if self.job is not None:  # the station refuses a second one too; this says it at once
            QMessageBox.information(self, self.tr("Self-tests"), self.tr("A self-test is running already."))
            return
        self.progress.begin(words)
        self.prm_button.setEnabled(False)
        self.probe_button.setEnabled(False)
        self.job = start_job(self, work, name, on_success=self._done, on_failure=self._failed,
                             on_progress=self.progress.update_progress, on_cancel=self._cancelled,
                             on_end=self._ended)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _done(self, run_id) -> None:
        self.refresh_history()

    def _failed(self, error: Exception) -> None:
        QMessageBox.warning(self, self.tr("Self-test"), self.tr("The self-test stopped: {message}")
                            .format(message=error_words(error)))

    def _cancelled(self) -> None:
        self.refresh_history()

    def _ended(self) -> None:
        self.job = None
        self.progress.end()
        self.prm_button.setEnabled(True)
        self.probe_button.setEnabled(True)
        self.refresh_history()

    # ----------------------------------------------------------------- history
    def _show_history(self, answer) -> None:
        self.runs, schedule = answer
        self.read_problem.setVisible(False)
        kinds = {"prm": self.tr("Attack test (PRM)"), "backdoor": self.tr("Backdoor probe")}

        def cells(run: RunSummary) -> list:
            items = [QTableWidgetItem(text) for text in (
                str(run.id), run.started_at.strftime("%Y-%m-%d %H:%M"), kinds.get(run.kind, run.kind),
                _words(STATUS_WORDS, run.status.value), run_row_summary(run))]
            if run.ineffective:
                for item in items:
                    item.setForeground(QColor("#8a4b00"))
                    item.setToolTip(self.tr("{ineffective}: the vision model's answers barely moved, so these "
                                            "outcomes are no evidence")
                                    .format(ineffective=ineffective_words()))
            return items

        self.history.set_records(self.runs, cells)  # the highlighted run stays highlighted as new runs arrive
        self.history.resizeRowsToContents()  # a whole summary, however many lines it takes
        prm = [r for r in reversed(self.runs) if r.kind == "prm" and r.summary.get("by_eps")]

        def first(run, key):
            return next(iter(run.summary["by_eps"].values()))[key]

        self.trend.set_series({
            self.tr("defects passed"): ("#b3261e", [first(r, "defect_escape") for r in prm]),
            self.tr("wrong, not noticed"): ("#e37400", [first(r, "silent_failure") for r in prm]),
            self.tr("sent to review"): ("#1a73e8", [first(r, "caught") for r in prm]),
            self.tr("vision model right under attack"): ("#5f6368", [first(r, "check_a_attacked") for r in prm]),
        }, hatched=[run_is_ineffective(r.summary) for r in prm])
        self.schedule_notice.show_schedule(*schedule)
        self.schedule_notice.setVisible(True)  # managers see the schedule even when nothing is due

    def selected_run(self) -> RunSummary | None:
        return self.history.current()

    def open_run(self) -> None:
        run, db = self.selected_run(), self.ctx.station.db
        if run is not None:
            self.result_reads.request(lambda: (run, selftests.results(db, run.id)))

    def _open_read_run(self, answer) -> None:
        run, results = answer
        RunDialog(self.ctx, run, results, self).exec()

    def export_report(self) -> None:
        run = self.selected_run()
        if run is None:
            QMessageBox.information(self, self.tr("Report"), self.tr("Pick a run in the history first."))
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save report"), f"selftest-{run.id}.html",
                                              self.tr("HTML (*.html)"))
        if not path:
            return
        station, run_id = self.ctx.station, run.id
        self.report_job = start_job(self, lambda job: selftests.export_report(station, run_id, path), "report",
                                    on_success=lambda saved: QMessageBox.information(
                                        self, self.tr("Report"), self.tr("Report saved to {path}").format(path=saved)),
                                    on_failure=lambda error: QMessageBox.warning(self, self.tr("Report"),
                                                                                 error_words(error)))


class RunDialog(QDialog):
    """One run's per-part results above; the clean and attacked pictures side by side below."""

    def __init__(self, ctx: AppContext, run: RunSummary, results: list[ResultLine], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Self-test run {id}").format(id=run.id))
        self.resize(960, 700)
        self.ctx = ctx
        self.results = results  # read off the GUI thread by the page (selftests.results)
        names = ctx.class_names
        self.table = list_table([self.tr("Part"), self.tr("True class"), self.tr("Test"), self.tr("Outcome")], stretch=2,
                                rows=len(self.results))
        header = self.table.horizontalHeader()
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        for i, r in enumerate(self.results):
            for j, text in enumerate([r.item, names.get(r.true_label, r.true_label), variant_words(r.variant),
                                      tr_(OUTCOME_WORDS[r.outcome]) if r.outcome in OUTCOME_WORDS else r.outcome]):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.clean_view, self.attacked_view, self.diff_view = ImageView(), ImageView(), ImageView()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        images = QHBoxLayout()
        self.view_titles = []
        for title, view in ((self.tr("Clean"), self.clean_view), (self.tr("Attacked"), self.attacked_view),
                            (self.tr("Change, magnified"), self.diff_view)):
            col = QVBoxLayout()
            label = QLabel(title)
            self.view_titles.append(label)
            col.addWidget(label, alignment=Qt.AlignmentFlag.AlignHCenter)
            col.addWidget(view, 1)
            images.addLayout(col, 1)
        pictures = QWidget()
        pl = QVBoxLayout(pictures)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addLayout(images, 1)
        pl.addWidget(self.caption)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(pictures)
        splitter.setStretchFactor(1, 2)
        summary = QLabel(run_row_summary(run) or _words(STATUS_WORDS, run.status.value))
        summary.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.table.currentCellChanged.connect(lambda row, *_: self.show_result(row))
        if self.results:
            self.table.setCurrentCell(0, 0)

    def show_result(self, row: int) -> None:
        if not 0 <= row < len(self.results):
            return
        r, store, names = self.results[row], self.ctx.station.images, self.ctx.class_names
        details = r.details or {}
        if r.variant == INVERSION_VARIANT:
            self.show_inversion(r)
            return
        clean_path, adv_path = details.get("clean_image"), r.image_path
        clean = store.read(clean_path) if clean_path else None
        adv = store.read(adv_path) if adv_path else None
        for view, image in ((self.clean_view, clean), (self.attacked_view, adv)):
            view.set_pixmap(pixmap_from_rgb(image) if image is not None else pixmap_from_rgb(np.zeros((8, 8, 3), np.uint8)))
        if clean is not None and adv is not None:
            diff = np.clip(128 + (adv.astype(np.int16) - clean.astype(np.int16)) * 8, 0, 255).astype(np.uint8)
            self.diff_view.set_pixmap(pixmap_from_rgb(diff))
        a, c = details.get("attacked", {}), details.get("clean", {})
        if a:
            self.caption.setText(self.tr(
                "Clean: {clean} (vision model {clean_a}, second check {clean_b}).  Attacked: {attacked} "
                "(vision model {attacked_a}, second check {attacked_b}).").format(
                    clean=verdict_name(c.get("verdict")), clean_a=names.get(c.get("a"), c.get("a")),
                    clean_b=names.get(c.get("b"), c.get("b")), attacked=verdict_name(a.get("verdict")),
                    attacked_a=names.get(a.get("a"), a.get("a")), attacked_b=names.get(a.get("b"), a.get("b"))))
        else:
            self.caption.setText(self.tr("Clean answer: {clean}; with the trigger: {triggered}").format(
                clean=names.get(details.get("clean"), details.get("clean")),
                triggered=names.get(details.get("triggered"), details.get("triggered"))))

    def show_inversion(self, r: ResultLine) -> None:
        """The inverted trigger: a frame with it, the trigger (mask x pattern) and its mask."""
        store, details = self.ctx.station.images, r.details or {}
        for view, path in ((self.clean_view, details.get("stamped_image")), (self.attacked_view, r.image_path),
                           (self.diff_view, details.get("mask_image"))):
            try:
                image = store.read(path) if path else None
            except (OSError, ValueError):
                image = None
            view.set_pixmap(pixmap_from_rgb(image if image is not None else np.zeros((8, 8, 3), np.uint8)))
        self.caption.setText(self.tr("Left: a clean frame with the inverted trigger; middle: the trigger "
                                     "(mask x pattern); right: its mask.") + "  " + inversion_words(details))
