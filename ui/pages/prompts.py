"""Prompts and models, for managers: which model and prompt set are live, tuning, activation, import (model files
and station packs)."""

from __future__ import annotations

import open_clip
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QGroupBox,
    QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton, QSpinBox, QTableWidgetItem,
    QVBoxLayout, QWidget,
)
from station.prompts.rvpt import RvptRecipe
from station.service import prompt_sets

from ..context import AppContext
from ..jobs import start_job
from ..pack_import import PackImporter
from ..widgets import ProgressPanel, list_table


def metrics_words(metrics: dict) -> str:
    parts = []
    if "train_accuracy" in metrics:
        parts.append(f"accuracy on its examples {metrics['train_accuracy']:.0%}")
    if "seconds" in metrics:
        parts.append(f"tuned in {metrics['seconds']:.0f} s")
    return ", ".join(parts)


class PromptsPage(QWidget):
    title = "Prompts and models"
    permission = "prompts.manage"

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.job = None
        self.rows: list[prompt_sets.PromptSetSummary] = []

        self.live_label = QLabel()
        self.live_label.setWordWrap(True)
        self.table = list_table(["Id", "Name", "Created", "Tokens per block", "Quality", "Live"], stretch=4)
        self.activate_button = QPushButton("Make selected live ...")
        self.rollback_button = QPushButton("Go back to the previous one ...")
        self.activate_button.clicked.connect(self.activate_selected)
        self.rollback_button.clicked.connect(self.rollback)

        self.tokens_spin = QSpinBox(minimum=1, maximum=200, value=RvptRecipe().tokens_per_block)
        self.epochs_spin = QSpinBox(minimum=1, maximum=500, value=RvptRecipe().epochs)
        self.shots_spin = QSpinBox(minimum=1, maximum=256, value=RvptRecipe().shots_per_class)
        depth = len(ctx.station.clip.model.visual.transformer.resblocks)
        self.depth_spin = QSpinBox(minimum=0, maximum=depth - 1, value=min(RvptRecipe().first_prompted_block, depth - 1))
        self.name_edit = QLineEdit("rvpt")
        self.activate_check = QCheckBox("Make it live when done")
        self.tune_button = QPushButton("Tune from reviewed parts")
        self.tune_button.clicked.connect(self.tune)
        tune_box = QGroupBox("New prompt set (defence against a tampered vision model)")
        form = QFormLayout(tune_box)
        form.addRow("Name", self.name_edit)
        form.addRow("Examples per class", self.shots_spin)
        form.addRow("Tokens per block", self.tokens_spin)
        form.addRow(f"First prompted block (of {depth})", self.depth_spin)
        form.addRow("Passes over the examples", self.epochs_spin)
        form.addRow(self.activate_check)
        form.addRow(self.tune_button)
        self.progress = ProgressPanel()
        self.progress.cancel_requested.connect(lambda: self.job and self.job.cancel())

        self.import_button = QPushButton("Import a model file ...")
        self.import_button.clicked.connect(self.import_model)
        self.pack_button = QPushButton("Import a station pack ...")
        self.pack_button.setToolTip("A signed pack from another station: its model, prompt set and settings. "
                                    "The settings it changes are shown before anything is imported.")
        self.packs = PackImporter(self)
        self.pack_button.clicked.connect(self.packs.choose)
        self.gate_label = QLabel()
        self.gate_label.setWordWrap(True)
        self.gate_button = QPushButton("Rebuild the input gate's reference bank")
        self.gate_button.setToolTip("From every reviewed part (and generated parts on the demo model); "
                                    "calibrated on held-out frames. Takes a minute or two.")
        self.gate_button.clicked.connect(self.rebuild_gate)

        buttons = QHBoxLayout()
        buttons.addWidget(self.activate_button)
        buttons.addWidget(self.rollback_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.pack_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.live_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(tune_box)
        gate_row = QHBoxLayout()
        gate_row.addWidget(self.gate_label, 1)
        gate_row.addWidget(self.gate_button)
        layout.addLayout(gate_row)
        layout.addWidget(self.progress)
        ctx.events.prompts_changed.connect(self.refresh)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        st = self.ctx.station
        self.rows = prompt_sets.prompt_sets(st)
        live = next((r for r in self.rows if r.active), None)
        self.live_label.setText(
            f"<b>Vision model</b>: {st.clip.spec.arch} ({st.clip.path.name if st.clip.path else 'bundled'}, "
            f"fingerprint {st.clip.sha256[:12]})<br><b>Second check</b>: {st.check_b.kind}<br>"
            f"<b>Live prompt set</b>: " + (f"{live.name} v{live.version} (id {live.id})" if live else "none: the vision model runs without a defence"))
        self.gate_label.setText(gate_words(st))
        self.table.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            for j, text in enumerate([str(r.id), r.label, r.created_at.strftime("%Y-%m-%d %H:%M"),
                                      str(r.tokens_per_block), metrics_words(r.metrics)
                                      + ("" if r.usable else "  (made for another model)"),
                                      "LIVE" if r.active else ""]):
                self.table.setItem(i, j, QTableWidgetItem(text))

    def _change(self, title: str, question: str, action) -> None:
        if QMessageBox.question(self, title, question) != QMessageBox.StandardButton.Yes:
            return
        try:
            action(self.ctx.station, self.ctx.user)
        except Exception as e:
            QMessageBox.warning(self, title, str(e))
        self.ctx.events.prompts_changed.emit()

    def activate_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            QMessageBox.information(self, "Prompt sets", "Pick a prompt set in the list first.")
            return
        r = self.rows[row]
        self._change("Make live", f"Make '{r.label}' the live prompt set? Every part from now on is judged with it.",
                     lambda st, u: prompt_sets.activate_prompt_set(st, u, r.id, reason="from the prompts page"))

    def rollback(self) -> None:
        self._change("Go back", "Go back to the prompt set that was live before this one?",
                     prompt_sets.roll_back_prompt_set)

    def tune(self) -> None:
        if self.job is not None:
            return
        recipe = RvptRecipe(tokens_per_block=self.tokens_spin.value(), epochs=self.epochs_spin.value(),
                            shots_per_class=self.shots_spin.value(), first_prompted_block=self.depth_spin.value())
        name, make_live = self.name_edit.text().strip() or "rvpt", self.activate_check.isChecked()
        self.tune_button.setEnabled(False)
        self.progress.begin("Collecting reviewed parts ...")

        def work(job):
            return prompt_sets.tune(self.ctx.station, self.ctx.user, recipe, name=name, make_live=make_live,
                                    progress=job)

        self.job = start_job(self, work, "prompt tuning", on_success=self._tuned, on_failure=self._tune_failed)
        self.job.finished.connect(self._tune_ended)

    def _tuned(self, row) -> None:
        self.ctx.events.prompts_changed.emit()
        QMessageBox.information(self, "Prompt set", f"'{row.label}' is ready"
                                + (" and live." if row.active else ". Select it and press 'Make selected live'."))

    def _tune_failed(self, message: str) -> None:
        QMessageBox.warning(self, "Prompt tuning", message)

    def _tune_ended(self) -> None:
        self.job = None
        self.progress.end()
        self.tune_button.setEnabled(True)

    def rebuild_gate(self) -> None:
        if self.job is not None:
            return
        reason = self.ctx.claim("reference bank build")
        if reason:
            QMessageBox.information(self, "Input gate", reason)
            return
        self.gate_button.setEnabled(False)
        self.progress.begin("Collecting frames for the reference bank ...")

        def work(job):
            return prompt_sets.rebuild_reference_bank(self.ctx.station, self.ctx.user, progress=job)

        self.job = start_job(self, work, "reference bank", on_success=self._gate_built,
                             on_failure=lambda m: QMessageBox.warning(self, "Input gate", m),
                             on_progress=self.progress.update_progress)
        self.job.finished.connect(self._gate_ended)

    def _gate_built(self, row) -> None:
        QMessageBox.information(self, "Input gate", f"Reference bank v{row.version} is live: {row.frames} frames, "
                                f"{row.false_review:.1%} of held-out clean frames sent to review.")

    def _gate_ended(self) -> None:
        self.job = None
        self.ctx.release("reference bank build")
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
            QMessageBox.warning(self, "Import a model", str(e))
            return
        QMessageBox.information(self, "Import a model", f"Imported {arch} to {dest}."
                                + (" It is used from the next start of the station." if use else ""))


class ImportModelDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Import a model file")
        self.path_edit = QLineEdit()
        browse = QPushButton("Browse ...")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.arch_box = QComboBox()
        self.arch_box.addItems([m for m in open_clip.list_models() if m.startswith("ViT")])
        self.arch_box.setCurrentText("ViT-B-32")
        self.sha_edit = QLineEdit()
        self.sha_edit.setPlaceholderText("optional: the sha256 the supplier gave you")
        self.use_check = QCheckBox("Use this model from the next start")
        form = QFormLayout(self)
        form.addRow("Checkpoint file", row)
        form.addRow("Architecture", self.arch_box)
        form.addRow("Expected sha256", self.sha_edit)
        form.addRow(self.use_check)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Model checkpoint", "", "Checkpoints (*.safetensors *.pt *.bin)")
        if path:
            self.path_edit.setText(path)

    def values(self) -> tuple[str, str, str, bool]:
        return self.path_edit.text().strip(), self.arch_box.currentText(), self.sha_edit.text().strip(), self.use_check.isChecked()


def gate_words(station) -> str:
    """The input gate's state for the page: on or off, its bank version and calibration."""
    state, detail = prompt_sets.gate_state(station)
    words = {"off": "OFF", "closed": "closed", "on": "on"}[state]
    return f"<b>Input gate</b>: {words}: {detail}"
