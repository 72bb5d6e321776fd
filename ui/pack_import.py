"""Importing a station pack from the window: checked off the GUI thread (hashing a model takes a while),
its settings changes shown for the manager to confirm, then imported off the GUI thread too.

Runs the same station.service.packs functions as `station pack import`; what was shown is what is imported
(the import compares the manifest's hash with the one confirmed)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLabel, QMessageBox, QPlainTextEdit, QVBoxLayout

from station.service import packs

from .jobs import start_job
from .messages import error_words

TITLE = QT_TRANSLATE_NOOP("PackImport", "Import a station pack")


def title() -> str:
    return QCoreApplication.translate("PackImport", TITLE)


class PackConfirmDialog(QDialog):
    """The pack's signer and contents, and every setting it would change, with Import and Cancel."""

    def __init__(self, preview, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title())
        self.resize(720, 480)
        described, changes = packs.preview_lines(preview)
        heading = QLabel(self.tr("<b>%n setting(s) of this station would change.</b> Read them before you "
                                 "import: lower thresholds, a weaker fail-safe or a defect class made good let bad "
                                 "parts pass.", "", len(changes))
                         if changes else self.tr("<b>The pack changes none of this station's settings.</b>"))
        if preview.older:  # going back: said first, and the button says it
            heading.setText(self.tr("<b>This pack is OLDER than the last one this station took from the same "
                                    "signer (sequence {sequence}, last {last}).</b> Importing it goes back to older "
                                    "settings and models. ").format(sequence=preview.manifest.sequence,
                                                                   last=preview.last_sequence) + heading.text())
        heading.setWordWrap(True)
        self.text = QPlainTextEdit("\n".join(described + ["", self.tr("Settings it would change:")]
                                             + [f"  {line}" for line in changes or [self.tr("none")]]))
        self.text.setReadOnly(True)
        self.text.setFont(QFont("monospace"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton(
            self.tr("Import this older pack") if preview.older else self.tr("Import and change these settings"),
            QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)


class PackImporter(QObject):
    """Drives one import for a page that has `ctx`, `job` (one job at a time) and `progress` (a ProgressPanel).

    Its slots are methods of a GUI-thread object, so the jobs' signals reach them on the GUI thread."""

    def __init__(self, page):
        super().__init__(page)
        self.page = page
        self._checked_preview = None

    @Slot()
    def choose(self) -> None:
        if self.page.job is not None:
            return
        path, _ = QFileDialog.getOpenFileName(self.page, self.tr("Station pack"), "",
                                              self.tr("Station packs (*.pack *.stationpack *.zip);;All files (*)"))
        if path:
            self.check(path)

    def check(self, path: str) -> None:
        st, user = self.page.ctx.station, self.page.ctx.user
        own = st.own_config or st.config  # the settings' own values: a live product's are not the station's settings
        self._start(lambda job: packs.preview_import(st.db, st.data_dir, own, path, user), "pack check",
                    self.tr("Checking the pack's signature and every file's sha256: {path}").format(path=path),
                    self._checked)

    def _start(self, work, name: str, words: str, on_success, cancellable: bool = True) -> None:
        self.page.progress.begin(words)
        self.page.progress.cancel_button.setEnabled(cancellable)  # an import is not undone half way: it runs to its end
        self.page.job = start_job(self, work, name, on_success=on_success, on_failure=self._failed, on_end=self._ended)

    @Slot(object)
    def _checked(self, preview) -> None:
        self._checked_preview = preview  # confirmed once the check's thread has ended (see _ended)

    @Slot(str)
    def _failed(self, error: Exception) -> None:
        QMessageBox.warning(self.page, title(), error_words(error))

    @Slot()
    def _ended(self) -> None:
        self.page.job = None
        self.page.progress.end()
        preview, self._checked_preview = self._checked_preview, None
        if preview is not None:
            self._confirm(preview)

    def _confirm(self, preview) -> None:
        if PackConfirmDialog(preview, self.page).exec() != QDialog.DialogCode.Accepted:
            return
        st, user = self.page.ctx.station, self.page.ctx.user
        own = st.own_config or st.config
        self._start(lambda job: packs.import_pack(st.db, st.data_dir, own, preview, user,
                                                  allow_older=preview.older),  # the person confirmed going back
                    "pack import", self.tr("Importing {file} ...").format(file=preview.path.name), self._imported,
                    cancellable=False)

    @Slot(object)
    def _imported(self, preview) -> None:
        self.page.ctx.events.settings_changed.emit()
        QMessageBox.information(self.page, title(), self.tr(
            "Imported {file}, signed by {signer}; %n setting(s) changed. Restart the station to use its model, "
            "prompt set and settings.", "", len(preview.changes)).format(file=preview.path.name,
                                                                         signer=preview.signer_name))
