"""Settings, for managers: classes and their prompt texts, thresholds, camera, fail-safe, sign-out time."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QT_TRANSLATE_NOOP, QLocale, Qt
from PySide6.QtWidgets import (
    QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QLineEdit,
    QMessageBox, QPushButton, QSpinBox, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from station.service.settings import (
    SOURCE_KINDS, ClassSpec, FailSafe, ScheduleSpec, SourceSpec, StationConfig, Thresholds, UiSpec, apply_settings,
    bounds,
)

from ..context import AppContext
from ..messages import error_words
from ..i18n import SETTINGS as LANGUAGE_SETTINGS, choose_language, has_font_for
from ..widgets import fit_titles, list_table, tidy_form
from .live import SOURCES, source_words

PROMPT_SEPARATOR = " | "
GOOD_COLUMN = 3
LANGUAGE_WORDS = {"auto": QT_TRANSLATE_NOOP("SettingsPage", "The system's language"),
                  "en": "English", "ja": "日本語 (Japanese)"}  # each language by its own name


class SettingsPage(QWidget):
    title = QT_TRANSLATE_NOOP("Pages", "Settings")
    permission = "settings.change"

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.classes = list_table([self.tr("Key"), self.tr("Name people see"), self.tr("Name in Japanese"),
                                   self.tr("Good part?"), self.tr("Prompt texts (separate with |)")], stretch=4,
                                  editable=True)
        self.classes.setColumnWidth(0, 120)
        self.classes.setColumnWidth(1, 140)
        self.classes.setColumnWidth(2, 110)
        fit_titles(self.classes)  # the widths above, or a title's when it is wider (Japanese, a longer word)
        add, remove = QPushButton(self.tr("Add class")), QPushButton(self.tr("Remove selected class"))
        add.clicked.connect(lambda: self._add_class_row(ClassSpec("new", "new class", ["a photo of a part"], False)))
        remove.clicked.connect(lambda: self.classes.removeRow(self.classes.currentRow()))
        class_box = QWidget()
        cl = QVBoxLayout(class_box)
        cl.addWidget(QLabel(self.tr("Changes to the classes apply after a restart.")))
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
        words = {kind: text for kind, text, _ in SOURCES}
        for kind in SOURCE_KINDS:  # each kind in words; the setting keeps the kind
            self.source_kind.addItem(source_words(words[kind]) if kind in words else kind, kind)
        self.source_target = QLineEdit()
        self.fps = spin(SourceSpec, "fps", 1, 1)
        self.defect_rate = spin(SourceSpec, "defect_rate", 0.05)
        self.idle = spin(UiSpec, "idle_signout_minutes", 1, 1)
        self.hold = spin(UiSpec, "review_hold_seconds", 1, 0)
        self.prm_days = spin(ScheduleSpec, "prm_every_days", 1, 1)
        self.backdoor_days = spin(ScheduleSpec, "backdoor_every_days", 1, 1)
        self.language = QComboBox()
        for value in LANGUAGE_SETTINGS:
            self.language.addItem(self.tr(LANGUAGE_WORDS[value]) if value == "auto" else LANGUAGE_WORDS[value], value)
        self.setting_names = {"classes": self.tr("Classes")}
        decisions, camera, station = QWidget(), QWidget(), QWidget()
        form = tidy_form(decisions)
        self._row(form, "thresholds.conf_a", self.tr("Vision model: confidence needed (0.05-1)"), self.conf_a)
        self._row(form, "thresholds.conf_b", self.tr("Second check: confidence needed (0.05-1)"), self.conf_b)
        self._row(form, "failsafe.window", self.tr("Fail-safe: parts looked at"), self.window_spin)
        self._row(form, "failsafe.max_review_share", self.tr("Fail-safe: share to review that trips it"), self.share)
        self._row(form, "failsafe.min_frames", self.tr("Fail-safe: fewest parts before it can trip"), self.min_frames)
        form = tidy_form(camera)
        self._row(form, "source.kind", self.tr("Camera kind"), self.source_kind)
        self._row(form, "source.target", self.tr("Camera address, number or path"), self.source_target)
        self._row(form, "source.fps", self.tr("Frames per second (0 = as fast as possible)"), self.fps)
        self._row(form, "source.defect_rate", self.tr("Simulated camera: share of defective parts"), self.defect_rate)
        form = tidy_form(station)
        self._row(form, "ui.idle_signout_minutes", self.tr("Sign out after this many idle minutes"), self.idle)
        self._row(form, "ui.review_hold_seconds", self.tr("A part to check by hand stays on the live page for ... seconds (0 = until the operator "
                            "confirms)"), self.hold)
        self._row(form, "schedule.prm_every_days", self.tr("Attack test due every ... days (0 = not scheduled)"), self.prm_days)
        self._row(form, "schedule.backdoor_every_days", self.tr("Backdoor probe due every ... days (0 = not scheduled)"), self.backdoor_days)
        self._row(form, "ui.language", self.tr("Language of the window (after a restart)"), self.language)
        self.language_note = QLabel(self.tr("No Japanese font is installed on this computer: the window stays in "
                                            "English until one is (Debian or Ubuntu: sudo apt-get install "
                                            "fonts-noto-cjk)."))
        self.language_note.setWordWrap(True)
        self.language_note.setStyleSheet("color:#8a4b00;")
        self.language_note.setVisible(False)
        form.addRow(self.language_note)
        self.language.currentIndexChanged.connect(self._show_language_note)
        self.tabs = QTabWidget()
        self.tabs.addTab(class_box, self.tr("Classes"))
        self.tabs.addTab(decisions, self.tr("Decisions and fail-safe"))
        self.tabs.addTab(camera, self.tr("Camera"))
        self.tabs.addTab(station, self.tr("Station"))

        self.save_button = QPushButton(self.tr("Save settings"))
        self.revert_button = QPushButton(self.tr("Undo my edits"))
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.load)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.load()

    def _show_language_note(self) -> None:
        """Said before the restart: a language no installed font writes would start in English."""
        language = choose_language(self.language.currentData() or "auto", QLocale.system().name())
        self.language_note.setVisible(not has_font_for(language))

    def _row(self, form, key: str, label: str, field) -> None:
        """A form row whose words also name the setting when it is saved ('Saved: Camera kind, ...')."""
        self.setting_names[key] = label
        form.addRow(label, field)

    def _add_class_row(self, c: ClassSpec) -> None:
        r = self.classes.rowCount()
        self.classes.insertRow(r)
        self.classes.setItem(r, 0, QTableWidgetItem(c.key))
        self.classes.setItem(r, 1, QTableWidgetItem(c.name))
        self.classes.setItem(r, 2, QTableWidgetItem(c.name_ja))
        good = QTableWidgetItem(self.tr("good") if c.good else self.tr("defect"))
        good.setFlags(good.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        good.setCheckState(Qt.CheckState.Checked if c.good else Qt.CheckState.Unchecked)
        self.classes.setItem(r, GOOD_COLUMN, good)
        self.classes.setItem(r, 4, QTableWidgetItem(PROMPT_SEPARATOR.join(c.prompts)))

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
        self.source_kind.setCurrentIndex(max(0, self.source_kind.findData(cfg.source.kind)))
        self.source_target.setText(cfg.source.target)
        self.fps.setValue(cfg.source.fps)
        self.defect_rate.setValue(cfg.source.defect_rate)
        self.idle.setValue(cfg.ui.idle_signout_minutes)
        self.hold.setValue(cfg.ui.review_hold_seconds)
        self.prm_days.setValue(cfg.schedule.prm_every_days)
        self.backdoor_days.setValue(cfg.schedule.backdoor_every_days)
        self.language.setCurrentIndex(max(0, self.language.findData(cfg.ui.language)))
        self._show_language_note()

    def edited(self) -> StationConfig:
        cfg = self.ctx.station.config
        classes = []
        for r in range(self.classes.rowCount()):
            def text(col):
                item = self.classes.item(r, col)
                return item.text().strip() if item else ""
            prompts = [p.strip() for p in text(4).split("|") if p.strip()]
            good = self.classes.item(r, GOOD_COLUMN).checkState() == Qt.CheckState.Checked
            classes.append(ClassSpec(text(0), text(1), prompts, good, text(2)))
        return replace(
            cfg, classes=classes,
            thresholds=replace(cfg.thresholds, conf_a=round(self.conf_a.value(), 4), conf_b=round(self.conf_b.value(), 4)),
            failsafe=replace(cfg.failsafe, window=self.window_spin.value(), max_review_share=round(self.share.value(), 4),
                             min_frames=self.min_frames.value()),
            source=replace(cfg.source, kind=self.source_kind.currentData(), target=self.source_target.text().strip(),
                           fps=round(self.fps.value(), 3), defect_rate=round(self.defect_rate.value(), 4)),
            ui=replace(cfg.ui, idle_signout_minutes=round(self.idle.value(), 2), language=self.language.currentData(),
                       review_hold_seconds=round(self.hold.value(), 1)),
            schedule=replace(cfg.schedule, prm_every_days=round(self.prm_days.value(), 1),
                             backdoor_every_days=round(self.backdoor_days.value(), 1)),
        )

    def save(self) -> None:
        try:
            new = self.edited()  # a refused value raises ConfigError naming the key and what is allowed
            applied = apply_settings(self.ctx.station, self.ctx.user, new)
        except Exception as e:  # ConfigError, PermissionError, a failed write: tell the manager, keep the page
            QMessageBox.warning(self, self.tr("Settings not saved"), error_words(e))
            return
        if applied.nothing_changed:
            QMessageBox.information(self, self.tr("Settings"), self.tr("Nothing was changed."))
            return
        later = applied.restart_needed
        self.ctx.events.settings_changed.emit()
        def named(keys) -> str:
            return self.tr(", ").join(self.setting_names.get("classes" if k.startswith("classes") else k, k)
                                      for k in keys)

        text = self.tr("Saved: {changes}").format(changes=named(applied.changed))
        if later:
            text += "\n\n" + self.tr("These take effect after the station is restarted: {changes}").format(
                changes=named(later))
        QMessageBox.information(self, self.tr("Settings saved"), text)
