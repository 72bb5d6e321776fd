"""Prompts and models, for managers: which model and prompt set are live, tuning, activation, import (model files
and station packs)."""

from __future__ import annotations

import open_clip
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QTabWidget,
    QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QSpinBox,
    QVBoxLayout, QWidget,
)
from station.service.prompt_sets import RvptRecipe
from station.service import prompt_sets

from ..context import AppContext
from ..messages import error_words
from ..messages import words as station_words
from ..jobs import start_job
from ..reads import PageRead
from ..pack_import import PackImporter
from ..record_table import RecordTable
from ..touch import touch_lists
from ..widgets import ProgressPanel, WrappingCheck, tidy_form


def tr_(text: str) -> str:
    return QCoreApplication.translate("Prompts", text)


def metrics_words(metrics: dict) -> str:
    parts = []
    if "train_accuracy" in metrics:
        parts.append(QCoreApplication.translate("Prompts", "accuracy on its examples {accuracy}").format(
            accuracy=f"{metrics['train_accuracy']:.0%}"))
    if "seconds" in metrics:
        parts.append(QCoreApplication.translate("Prompts", "tuned in {seconds} s").format(
            seconds=f"{metrics['seconds']:.0f}"))
    return QCoreApplication.translate("Prompts", ", ").join(parts)


class PromptsPage(QWidget):
    title = QT_TRANSLATE_NOOP("Pages", "Prompts and models")
    permission = "prompts.manage"

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.job = None
        self.rows: list[prompt_sets.PromptSetSummary] = []

        self.live_label = QLabel()
        self.live_label.setWordWrap(True)
        self.table = RecordTable([self.tr("Id"), self.tr("Name"), self.tr("Created"), self.tr("Tokens per block", "column"),
                                 self.tr("Quality"), self.tr("Live")], stretch=4)
        self.activate_button = QPushButton(self.tr("Make selected live ..."))
        self.rollback_button = QPushButton(self.tr("Go back to the previous one ..."))
        self.activate_button.clicked.connect(self.activate_selected)
        self.rollback_button.clicked.connect(self.rollback)

        self.tokens_spin = QSpinBox(minimum=1, maximum=200, value=RvptRecipe().tokens_per_block)
        self.epochs_spin = QSpinBox(minimum=1, maximum=500, value=RvptRecipe().epochs)
        self.shots_spin = QSpinBox(minimum=1, maximum=256, value=RvptRecipe().shots_per_class)
        depth = len(ctx.station.clip.model.visual.transformer.resblocks)
        self.depth_spin = QSpinBox(minimum=0, maximum=depth - 1, value=min(RvptRecipe().first_prompted_block, depth - 1))
        self.name_edit = QLineEdit("rvpt")
        self.activate_check = WrappingCheck(self.tr("Make it live when done"))
        self.choose_check = WrappingCheck(self.tr("Choose the depth, tokens and strength on held-out parts "
                                                  "(tries four recipes; slower)"))
        self.tune_button = QPushButton(self.tr("Tune from reviewed parts"))
        self.tune_button.clicked.connect(self.tune)
        tune_tab = QWidget()
        form = tidy_form(tune_tab, self.tr("A new prompt set: a defence against a tampered vision model, tuned "
                                           "on reviewed parts."))
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Examples per class"), self.shots_spin)
        form.addRow(self.tr("Tokens per block"), self.tokens_spin)
        form.addRow(self.tr("First prompted block (of {depth})").format(depth=depth), self.depth_spin)
        form.addRow(self.tr("Passes over the examples"), self.epochs_spin)
        form.addRow(self.choose_check)
        form.addRow(self.activate_check)
        form.addRow(self.tune_button)
        self.progress = ProgressPanel()
        self.progress.cancel_requested.connect(lambda: self.job and self.job.cancel())

        self.import_button = QPushButton(self.tr("Import a model file ..."))
        self.import_button.clicked.connect(self.import_model)
        self.pack_button = QPushButton(self.tr("Import a station pack ..."))
        self.pack_button.setToolTip(self.tr("A signed pack from another station: its model, prompt set and settings. "
                                            "The settings it changes are shown before anything is imported."))
        self.packs = PackImporter(self)
        self.pack_button.clicked.connect(self.packs.choose)
        self.gate_label = QLabel()
        self.gate_label.setWordWrap(True)
        self.gate_button = QPushButton(self.tr("Rebuild the input gate's reference bank"))
        self.gate_button.setToolTip(self.tr("From every reviewed part (and generated parts on the demo model); "
                                            "calibrated on held-out frames. Takes a minute or two."))
        self.gate_button.clicked.connect(self.rebuild_gate)

        sets_tab = QWidget()
        sets = QVBoxLayout(sets_tab)
        sets.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.activate_button)
        buttons.addWidget(self.rollback_button)
        buttons.addStretch(1)
        sets.addLayout(buttons)

        models_tab = QWidget()
        models = QVBoxLayout(models_tab)
        for words, button in (
                (self.tr("A CLIP checkpoint from your supplier, checked and recorded before the station uses it."),
                 self.import_button),
                (self.tr("A signed pack from another station: its model, prompt set and settings. The settings it "
                         "changes are shown before anything is imported."), self.pack_button)):
            row = QHBoxLayout()
            label = QLabel(words)
            label.setWordWrap(True)
            row.addWidget(label, 1)
            row.addWidget(button)
            models.addLayout(row)
        models.addSpacing(12)
        gate_row = QHBoxLayout()
        gate_row.addWidget(self.gate_label, 1)
        gate_row.addWidget(self.gate_button)
        models.addLayout(gate_row)
        gate_words = QLabel(self.tr("The reference bank is built from every reviewed part (and generated parts on "
                                    "the demo model) and calibrated on held-out frames. It takes a minute or two."))
        gate_words.setWordWrap(True)
        models.addWidget(gate_words)
        models.addStretch(1)

        self.tabs = QTabWidget()
        self.tabs.addTab(sets_tab, self.tr("Prompt sets"))
        self.tabs.addTab(tune_tab, self.tr("Tune a new set"))
        self.tabs.addTab(models_tab, self.tr("Models, packs and input gate"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.live_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.progress)
        ctx.events.prompts_changed.connect(self.refresh)
        self.reads = PageRead(self, "prompt sets", self._show,
                              lambda error: QMessageBox.warning(self, self.tr("Prompt sets"), error_words(error)))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Read the prompt sets off the GUI thread; shown when they arrive."""
        st = self.ctx.station
        self.reads.request(lambda: prompt_sets.prompt_sets(st))

    def _show(self, rows) -> None:
        st = self.ctx.station
        self.rows = rows
        live = next((r for r in self.rows if r.active), None)
        live_words = (self.tr("{name} v{version} (id {id})").format(name=live.name, version=live.version, id=live.id)
                      if live else self.tr("none: the vision model runs without a defence"))
        self.live_label.setText(self.tr(
            "<b>Vision model</b>: {arch} ({file}, fingerprint {fingerprint})<br><b>Second check</b>: {check_b}<br>"
            "<b>Live prompt set</b>: {live}").format(
                arch=st.clip.spec.arch, file=st.clip.path.name if st.clip.path else self.tr("bundled"),
                fingerprint=st.clip.sha256[:12], check_b=check_b_words(st.check_b.kind), live=live_words))
        self.gate_label.setText(gate_words(st))
        self.table.set_records(self.rows, lambda r: [
            r.id, r.label, r.created_at.strftime("%Y-%m-%d %H:%M"), r.tokens_per_block,
            metrics_words(r.metrics) + ("" if r.usable else "  " + self.tr("(made for another model)")),
            self.tr("LIVE") if r.active else ""])

    def _change(self, title: str, question: str, action) -> None:
        if QMessageBox.question(self, title, question) != QMessageBox.StandardButton.Yes:
            return
        try:
            action(self.ctx.station, self.ctx.user)
        except Exception as e:
            QMessageBox.warning(self, title, error_words(e))
        self.ctx.events.prompts_changed.emit()

    def activate_selected(self) -> None:
        r = self.table.current()
        if r is None:
            QMessageBox.information(self, self.tr("Prompt sets"), self.tr("Pick a prompt set in the list first."))
            return
        self._change(self.tr("Make live"),
                     self.tr("Make '{label}' the live prompt set? Every part from now on is judged with it.")
                     .format(label=r.label),
                     lambda st, u: prompt_sets.activate_prompt_set(st, u, r.id, reason="from the prompts page"))

    def rollback(self) -> None:
        self._change(self.tr("Go back"), self.tr("Go back to the prompt set that was live before this one?"),
                     prompt_sets.roll_back_prompt_set)

    def tune(self) -> None:
        if self.job is not None:
            return
        recipe = RvptRecipe(tokens_per_block=self.tokens_spin.value(), epochs=self.epochs_spin.value(),
                            shots_per_class=self.shots_spin.value(), first_prompted_block=self.depth_spin.value())
        name, make_live = self.name_edit.text().strip() or "rvpt", self.activate_check.isChecked()
        choose = self.choose_check.isChecked()
        self.tune_button.setEnabled(False)
        self.progress.begin(self.tr("Collecting reviewed parts ..."))

        def work(job):
            return prompt_sets.tune(self.ctx.station, self.ctx.user, recipe, name=name, make_live=make_live,
                                    choose=choose, progress=job)

        self.job = start_job(self, work, "prompt tuning", on_success=self._tuned, on_failure=self._tune_failed,
                             on_end=self._tune_ended)

    def _tuned(self, row) -> None:
        self.ctx.events.prompts_changed.emit()
        QMessageBox.information(self, self.tr("Prompt set"), (
            self.tr("'{label}' is ready and live.") if row.active
            else self.tr("'{label}' is ready. Select it and press 'Make selected live'.")).format(label=row.label))

    def _tune_failed(self, error: Exception) -> None:
        QMessageBox.warning(self, self.tr("Prompt tuning"), error_words(error))

    def _tune_ended(self) -> None:
        self.job = None
        self.progress.end()
        self.tune_button.setEnabled(True)

    def rebuild_gate(self) -> None:
        if self.job is not None:
            return
        self.gate_button.setEnabled(False)
        self.progress.begin(self.tr("Collecting frames for the reference bank ..."))

        def work(job):
            return prompt_sets.rebuild_reference_bank(self.ctx.station, self.ctx.user, progress=job)

        self.job = start_job(self, work, "reference bank", on_success=self._gate_built,
                             on_failure=lambda error: QMessageBox.warning(self, self.tr("Input gate"), error_words(error)),
                             on_progress=self.progress.update_progress, on_end=self._gate_ended)

    def _gate_built(self, row) -> None:
        QMessageBox.information(self, self.tr("Input gate"), self.tr(
            "Reference bank v{version} is live: {frames} frames, {share} of held-out clean frames sent to review.")
            .format(version=row.version, frames=row.frames, share=f"{row.false_review:.1%}"))

    def _gate_ended(self) -> None:
        self.job = None
        self.progress.end()
        self.gate_button.setEnabled(True)
        self.refresh()

    def import_model(self) -> None:
        dialog = ImportModelDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path, arch, sha, use = dialog.values()
        try:
            dest = prompt_sets.import_model(self.ctx.station, self.ctx.user, path, arch, sha, use)
        except Exception as e:
            QMessageBox.warning(self, self.tr("Import a model"), error_words(e))
            return
        QMessageBox.information(self, self.tr("Import a model"), (
            self.tr("Imported {arch} to {dest}. It is used from the next start of the station.") if use
            else self.tr("Imported {arch} to {dest}.")).format(arch=arch, dest=dest))


class ImportModelDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import a model file"))
        self.setMinimumWidth(640)
        self.path_edit = QLineEdit()
        browse = QPushButton(self.tr("Browse ..."))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.arch_box = QComboBox()
        self.arch_box.addItems([m for m in open_clip.list_models() if m.startswith("ViT")])
        self.arch_box.setCurrentText("ViT-B-32")
        touch_lists(self)
        self.sha_edit = QLineEdit()
        self.sha_edit.setPlaceholderText(self.tr("optional: the sha256 the supplier gave you"))
        self.use_check = QCheckBox(self.tr("Use this model from the next start"))
        form = QFormLayout(self)
        form.addRow(self.tr("Checkpoint file"), row)
        form.addRow(self.tr("Architecture"), self.arch_box)
        form.addRow(self.tr("Expected sha256"), self.sha_edit)
        form.addRow(self.use_check)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Model checkpoint"), "",
                                              self.tr("Checkpoints (*.safetensors *.pt *.bin)"))
        if path:
            self.path_edit.setText(path)

    def values(self) -> tuple[str, str, str, bool]:
        return self.path_edit.text().strip(), self.arch_box.currentText(), self.sha_edit.text().strip(), self.use_check.isChecked()


CHECK_B_WORDS = {"demo_cnn": QT_TRANSLATE_NOOP("Prompts", "the demo's own CNN (no weights shared with CLIP)"),
                 "linear_probe": QT_TRANSLATE_NOOP("Prompts", "a linear probe on the vision model's features"),
                 "torchscript": QT_TRANSLATE_NOOP("Prompts", "a TorchScript model"),
                 "onnx": QT_TRANSLATE_NOOP("Prompts", "an ONNX model")}


def check_b_words(kind: str) -> str:
    return tr_(CHECK_B_WORDS[kind]) if kind in CHECK_B_WORDS else kind


def gate_words(station) -> str:
    """The input gate's state for the page: on or off, its bank version and calibration."""
    state, detail = prompt_sets.gate_state(station)
    words = {"off": QCoreApplication.translate("Prompts", "OFF"), "closed": QCoreApplication.translate("Prompts", "closed"),
             "on": QCoreApplication.translate("Prompts", "on")}[state]
    return QCoreApplication.translate("Prompts", "<b>Input gate</b>: {state}: {detail}").format(
        state=words, detail=station_words(detail))
