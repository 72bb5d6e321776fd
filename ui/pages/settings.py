"""Settings, for managers: classes and their prompt texts, thresholds, camera, fail-safe, sign-out time."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit,
    QMessageBox, QPushButton, QSpinBox, QTableWidgetItem, QVBoxLayout, QWidget,
)

from station.config import (
    SOURCE_KINDS, ClassSpec, FailSafe, ScheduleSpec, SourceSpec, StationConfig, Thresholds, UiSpec, bounds,
)
from station.service.settings import apply_settings

from ..context import AppContext
from ..widgets import list_table

PROMPT_SEPARATOR = " | "


class SettingsPage(QWidget):
    title = "Settings"
    permission = "settings.change"

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.classes = list_table(["Key", "Name people see", "Good part?", "Prompt texts (separate with |)"], stretch=3,
                                  editable=True)
        self.classes.setColumnWidth(0, 130)
        self.classes.setColumnWidth(1, 150)
        add, remove = QPushButton("Add class"), QPushButton("Remove selected class")
        add.clicked.connect(lambda: self._add_class_row(ClassSpec("new", "new class", ["a photo of a part"], False)))
        remove.clicked.connect(lambda: self.classes.removeRow(self.classes.currentRow()))
        class_box = QGroupBox("Classes (changes apply after a restart)")
        cl = QVBoxLayout(class_box)
        cl.addWidget(self.classes)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        cl.addLayout(row)

        def spin(schema, key, step, decimals=2):  # offers only what the settings schema accepts
            box = QDoubleSpinBox()
            box.setDecimals(decimals)
            box.setRange(*bounds(schema, key))
            box.setSingleStep(step)
            return box

        def whole(schema, key):
            return QSpinBox(minimum=bounds(schema, key)[0], maximum=bounds(schema, key)[1])

        self.conf_a, self.conf_b = spin(Thresholds, "conf_a", 0.05), spin(Thresholds, "conf_b", 0.05)
        self.window_spin, self.min_frames = whole(FailSafe, "window"), whole(FailSafe, "min_frames")
        self.share = spin(FailSafe, "max_review_share", 0.05)
        self.source_kind = QComboBox()
        self.source_kind.addItems(list(SOURCE_KINDS))
        self.source_target = QLineEdit()
        self.fps = spin(SourceSpec, "fps", 1, 1)
        self.defect_rate = spin(SourceSpec, "defect_rate", 0.05)
        self.idle = spin(UiSpec, "idle_signout_minutes", 1, 1)
        self.prm_days = spin(ScheduleSpec, "prm_every_days", 1, 1)
        self.backdoor_days = spin(ScheduleSpec, "backdoor_every_days", 1, 1)
        form_box = QGroupBox("Decisions, camera and safety")
        form = QFormLayout(form_box)
        form.addRow("Vision model: confidence needed (0.05-1)", self.conf_a)
        form.addRow("Second check: confidence needed (0.05-1)", self.conf_b)
        form.addRow("Fail-safe: parts looked at", self.window_spin)
        form.addRow("Fail-safe: share to review that trips it", self.share)
        form.addRow("Fail-safe: fewest parts before it can trip", self.min_frames)
        form.addRow("Camera kind", self.source_kind)
        form.addRow("Camera address, number or path", self.source_target)
        form.addRow("Frames per second (0 = as fast as possible)", self.fps)
        form.addRow("Simulated camera: share of defective parts", self.defect_rate)
        form.addRow("Sign out after this many idle minutes", self.idle)
        form.addRow("Attack test due every ... days (0 = not scheduled)", self.prm_days)
        form.addRow("Backdoor probe due every ... days (0 = not scheduled)", self.backdoor_days)

        self.save_button = QPushButton("Save settings")
        self.revert_button = QPushButton("Undo my edits")
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.load)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(class_box, 1)
        layout.addWidget(form_box)
        layout.addLayout(buttons)
        self.load()

    def _add_class_row(self, c: ClassSpec) -> None:
        r = self.classes.rowCount()
        self.classes.insertRow(r)
        self.classes.setItem(r, 0, QTableWidgetItem(c.key))
        self.classes.setItem(r, 1, QTableWidgetItem(c.name))
        good = QTableWidgetItem("good" if c.good else "defect")
        good.setFlags(good.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        good.setCheckState(Qt.CheckState.Checked if c.good else Qt.CheckState.Unchecked)
        self.classes.setItem(r, 2, good)
        self.classes.setItem(r, 3, QTableWidgetItem(PROMPT_SEPARATOR.join(c.prompts)))

    def load(self) -> None:
        cfg = self.ctx.station.config
        self.classes.setRowCount(0)
        for c in cfg.classes:
            self._add_class_row(c)
        self.conf_a.setValue(cfg.thresholds.conf_a)
        self.conf_b.setValue(cfg.thresholds.conf_b)
        self.window_spin.setValue(cfg.failsafe.window)
        self.share.setValue(cfg.failsafe.max_review_share)
        self.min_frames.setValue(cfg.failsafe.min_frames)
        self.source_kind.setCurrentText(cfg.source.kind)
        self.source_target.setText(cfg.source.target)
        self.fps.setValue(cfg.source.fps)
        self.defect_rate.setValue(cfg.source.defect_rate)
        self.idle.setValue(cfg.ui.idle_signout_minutes)
        self.prm_days.setValue(cfg.schedule.prm_every_days)
        self.backdoor_days.setValue(cfg.schedule.backdoor_every_days)

    def edited(self) -> StationConfig:
        cfg = self.ctx.station.config
        classes = []
        for r in range(self.classes.rowCount()):
            def text(col):
                item = self.classes.item(r, col)
                return item.text().strip() if item else ""
            prompts = [p.strip() for p in text(3).split("|") if p.strip()]
            good = self.classes.item(r, 2).checkState() == Qt.CheckState.Checked
            classes.append(ClassSpec(text(0), text(1), prompts, good))
        return replace(
            cfg, classes=classes,
            thresholds=replace(cfg.thresholds, conf_a=round(self.conf_a.value(), 4), conf_b=round(self.conf_b.value(), 4)),
            failsafe=replace(cfg.failsafe, window=self.window_spin.value(), max_review_share=round(self.share.value(), 4),
                             min_frames=self.min_frames.value()),
            source=replace(cfg.source, kind=self.source_kind.currentText(), target=self.source_target.text().strip(),
                           fps=round(self.fps.value(), 3), defect_rate=round(self.defect_rate.value(), 4)),
            ui=replace(cfg.ui, idle_signout_minutes=round(self.idle.value(), 2)),
            schedule=replace(cfg.schedule, prm_every_days=round(self.prm_days.value(), 1),
                             backdoor_every_days=round(self.backdoor_days.value(), 1)),
        )

    def save(self) -> None:
        try:
            new = self.edited()  # a refused value raises ConfigError naming the key and what is allowed
            applied = apply_settings(self.ctx.station, self.ctx.user, new)
        except Exception as e:  # ConfigError, PermissionError, a failed write: tell the manager, keep the page
            QMessageBox.warning(self, "Settings not saved", str(e))
            return
        if applied.nothing_changed:
            QMessageBox.information(self, "Settings", "Nothing was changed.")
            return
        later = applied.restart_needed
        self.ctx.events.settings_changed.emit()
        QMessageBox.information(self, "Settings saved", "Saved: " + ", ".join(applied.changed)
                                + ("\n\nThese take effect after the station is restarted: " + ", ".join(later) if later else ""))
