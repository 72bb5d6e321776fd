"""Products, for managers: the versions and their acceptance, signing, changeover, recipe numbers, and onboarding
a new product from a folder of photos (checked first, then trained with progress and Cancel)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMessageBox,
    QPlainTextEdit, QPushButton, QSpinBox, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)
from station.messages import Message
from station.service import products

from ..context import AppContext
from ..jobs import start_job
from ..messages import error_words, words
from ..reads import PageRead
from ..record_table import RecordTable
from ..widgets import ProgressPanel, WrappingCheck, list_table, tidy_form


def _pct(x) -> str:
    return QCoreApplication.translate("Products", "not measured") if x is None else f"{x:.1%}"


def photo_check_words(check) -> list[str]:
    """The photo check (station.products.photos.PhotoCheck) as the window says it, a line each."""
    translate = QCoreApplication.translate
    out = [translate("Products", "Photos in {folder}: {usable} usable, in {classes} classes").format(
        folder=check.folder, usable=len(check.photos), classes=len(check.class_keys))]
    for key in check.class_keys:
        note = (translate("Products", "(good)") if key == check.good else
                translate("Products", "(too few to learn, under {min}: all held out, to test the good-parts check)")
                .format(min=products.MIN_PHOTOS) if key in check.held_out_whole else "")
        out.append(f"  {key}: {check.count(key)}  {note}".rstrip())
    sizes = [(p.width, p.height) for p in check.photos]
    if sizes:
        out.append("  " + translate("Products", "sizes: {small} to {large} px").format(
            small=f"{min(w for w, _ in sizes)}x{min(h for _, h in sizes)}",
            large=f"{max(w for w, _ in sizes)}x{max(h for _, h in sizes)}"))
    for title, items in ((translate("Products", "{n} unreadable, left out:"), [p for p, _ in check.unreadable]),
                         (translate("Products", "{n} exact duplicates, counted once:"),
                          [f"{p} = {same}" for p, same in check.duplicates]),
                         (translate("Products", "{n} filed under more than one class, left out:"),
                          [f"{p}: {', '.join(c)}" for p, c in check.conflicts]),
                         (translate("Products", "{n} smaller than {side} px on a side, left out:"),
                          [f"{p}: {w}x{h}" for p, w, h in check.too_small])):
        if items:
            out.append("  " + title.format(n=len(items), side=products.MIN_SIDE))
            out += [f"    {i}" for i in items[:10]]
            if len(items) > 10:
                out.append("    " + translate("Products", "... and {n} more").format(n=len(items) - 10))
    if check.groups:
        out.append("  " + translate("Products", "{n} groups of near duplicates ({photos} photos): each group stays in "
                                                "one part of the split").format(
            n=len(check.groups), photos=sum(map(len, check.groups))))
    return out


def _coded_words(coded: dict) -> str:
    """A station Message kept as {code, params}, in the window's words; "" when this version does not know it."""
    try:
        return words(Message(coded["code"], **coded["params"]))
    except (KeyError, TypeError, ValueError, IndexError):
        return ""


def acceptance_words(a: dict) -> list[str]:
    """The acceptance report's figures, a line each, in the window's language."""
    translate = QCoreApplication.translate
    if not a:
        return [translate("Products", "no acceptance report")]
    lines = [
        translate("Products", "Defective parts passed: {escapes} of {defects} (95% upper bound {bound})").format(
            escapes=a.get("escapes"), defects=a.get("defects"), bound=_pct(a.get("escape_rate_upper_95"))),
        translate("Products", "Good parts failed: {fails} of {goods} ({share})").format(
            fails=a.get("false_fails"), goods=a.get("goods"), share=_pct(a.get("false_fail_rate"))),
        translate("Products", "Sent to review: {reviews} of {photos} ({share})").format(
            reviews=a.get("reviews"), photos=a.get("photos"), share=_pct(a.get("review_share")))]
    unmeasured, coded = a.get("not_measured", []), a.get("not_measured_codes") or []
    if len(coded) == len(unmeasured):  # each in the window's words; a report from before the codes, as written
        unmeasured = [_coded_words(c) or text for c, text in zip(coded, unmeasured)]
    lines += [translate("Products", "Not measured: {what}").format(what=what) for what in unmeasured]
    return lines


class ProductsPage(QWidget):
    title = QT_TRANSLATE_NOOP("Pages", "Products")
    permission = "products.manage"

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.job = None
        self.checked = None  # the photo check of the folder and good class on the form, once it found nothing blocking

        self.live_label = QLabel()
        self.live_label.setWordWrap(True)
        self.plant_note = QLabel()  # what the last changeover took from the plant ([plant] install_at_changeover)
        self.plant_note.setWordWrap(True)
        self.plant_note.setTextFormat(Qt.TextFormat.RichText)  # always: its escaped parts must never show as "&lt;"
        self.plant_note.setVisible(False)
        ctx.station_events.arrived.connect(self._arrived)
        self.table = RecordTable([self.tr("Product"), self.tr("Recipe"), self.tr("Signed by"), self.tr("Passed defects"),
                                  self.tr("To review"), self.tr("Live")], stretch=0)
        self.report_button = QPushButton(self.tr("Acceptance report ..."))
        self.sign_button = QPushButton(self.tr("Sign the acceptance ..."))
        self.live_button = QPushButton(self.tr("Make live (changeover) ..."))
        self.none_button = QPushButton(self.tr("No product ..."))
        self.none_button.setToolTip(self.tr("Back to the classes of the settings"))
        self.recipe_button = QPushButton(self.tr("Recipe number ..."))
        self.recipe_button.setToolTip(self.tr("The number a PLC selects the product by"))
        for button, slot in ((self.report_button, self.show_report), (self.sign_button, self.sign),
                             (self.live_button, self.make_live), (self.none_button, self.make_none_live),
                             (self.recipe_button, self.set_recipe)):
            button.clicked.connect(slot)
        versions_tab = QWidget()
        versions = QVBoxLayout(versions_tab)
        versions.addWidget(self.table, 1)
        for group in ((self.report_button, self.sign_button), (self.live_button, self.none_button, self.recipe_button)):
            row = QHBoxLayout()  # two rows: five buttons side by side would not fit a 1024 px panel
            for button in group:
                row.addWidget(button)
            row.addStretch(1)
            versions.addLayout(row)

        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText(self.tr("a folder with one sub-folder of photos per class"))
        self.folder_edit.editingFinished.connect(self._folder_changed)
        browse = QPushButton(self.tr("Browse ..."))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        self.good_box = QComboBox()
        self.good_box.currentIndexChanged.connect(self._forget_check)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("letters, digits, '.', '_', '-'"))
        self.name_en_edit = QLineEdit()
        self.name_ja_edit = QLineEdit()
        self.epochs_spin = QSpinBox(minimum=1, maximum=500, value=products.CheckBRecipe().epochs)
        self.prompts_check = WrappingCheck(self.tr("Tune the vision model's prompts for it (slower)"))
        self.prompts_check.setChecked(True)
        self.check_button = QPushButton(self.tr("1. Check the photos"))
        self.check_button.clicked.connect(self.check)
        self.onboard_button = QPushButton(self.tr("2. Onboard"))
        self.onboard_button.setEnabled(False)
        self.onboard_button.clicked.connect(self.onboard)
        self.names_button = QPushButton(self.tr("Class names ..."))  # what reviewers read on their buttons
        self.names_button.setEnabled(False)
        self.names_button.clicked.connect(self.edit_class_names)
        self.class_names: dict[str, tuple[str, str]] = {}  # class folder -> (name, name in Japanese)
        self.findings = QPlainTextEdit()
        self.findings.setReadOnly(True)
        self.findings.setPlaceholderText(self.tr("What the photo check finds shows here, before anything is trained."))
        onboard_tab = QWidget()
        form = tidy_form(onboard_tab, self.tr("A new product, or a new version of one, from labelled photos. The "
                                              "photos are checked first; the acceptance report comes at the end."))
        form.addRow(self.tr("Photos"), folder_row)
        form.addRow(self.tr("Good parts' folder"), self.good_box)
        form.addRow(self.tr("Product name"), self.name_edit)
        self.name_en_edit.setPlaceholderText(self.tr("in English"))
        self.name_ja_edit.setPlaceholderText(self.tr("in Japanese"))
        names = QHBoxLayout()
        names.addWidget(self.name_en_edit)
        names.addWidget(self.name_ja_edit)
        form.addRow(self.tr("Names for people"), names)
        form.addRow(self.tr("Second check's training passes"), self.epochs_spin)
        form.addRow(self.prompts_check)
        buttons = QWidget()  # a widget, not a bare layout: QFormLayout.addRow(layout) leaves it to Python's collector
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check_button)
        row.addWidget(self.names_button)
        row.addWidget(self.onboard_button)
        row.addStretch(1)
        form.addRow(buttons)
        outer = onboard_tab.layout()  # the findings take the height the form leaves (before the form's stretch)
        outer.insertWidget(outer.count() - 1, self.findings, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(versions_tab, self.tr("Versions and changeover"))
        self.tabs.addTab(onboard_tab, self.tr("Onboard a product"))
        self.progress = ProgressPanel()
        self.progress.cancel_requested.connect(lambda: self.job and self.job.cancel())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.live_label)
        layout.addWidget(self.plant_note)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.progress)
        self.reads = PageRead(self, "products", self._show,
                              lambda error: QMessageBox.warning(self, self.tr("Products"), error_words(error)))

    # ----------------------------------------------------------------- the versions
    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        st = self.ctx.station
        self.reads.request(lambda: products.products_on_disk(st))

    def _show(self, lines) -> None:
        live = self.ctx.station.product
        self.live_label.setText(
            self.tr("<b>Live product</b>: {label}").format(label=live.label) if live is not None
            else self.tr("<b>Live product</b>: none, the classes of the settings"))
        self.table.set_records(lines, lambda p: [
            p.label, p.recipe or "", p.accepted_by or self.tr("not signed"),
            f"{p.acceptance.get('escapes')} / {p.acceptance.get('defects')}", _pct(p.acceptance.get("review_share")),
            self.tr("LIVE") if p.live else ""])

    def _arrived(self, arrived) -> None:
        if arrived.problem:  # the station's own words about the plant: shown as text, never as markup
            text = self.tr("The plant's newer {name}, if it has one, was not taken at the changeover: {why}").format(
                name=escape(arrived.product), why=escape(arrived.problem))
        else:
            text = self.tr("<b>From the plant</b>, taken at the changeover: {labels}. Read its acceptance report and "
                           "sign it before it can go live.").format(labels=escape(", ".join(arrived.taken)))
        self.plant_note.setText(text)
        self.plant_note.setVisible(True)
        if self.isVisible():
            self.refresh()

    def _selected(self):
        line = self.table.current()
        if line is None:
            QMessageBox.information(self, self.tr("Products"), self.tr("Pick a product version in the list first."))
        return line

    def show_report(self) -> None:
        line = self._selected()
        if line is not None:
            self._show_acceptance(line)

    def _act(self, title: str, question: str, act, done: str) -> None:
        """A manager's act after a yes, off the GUI thread; the list is read again when it ends."""
        if self.job is not None or QMessageBox.question(self, title, question) != QMessageBox.StandardButton.Yes:
            return
        self.progress.begin(title)
        self.progress.cancel_button.setEnabled(False)  # a switch is done in one go

        def finished(result) -> None:
            QMessageBox.information(self, title, done.format(result=result))
            self.ctx.events.settings_changed.emit()  # the classes and thresholds the window shows may have changed

        self.job = start_job(self, lambda job: act(), title, on_success=finished,
                             on_failure=lambda error: QMessageBox.warning(self, title, error_words(error)),
                             on_end=self._ended)

    def _ended(self) -> None:
        self.job = None
        self.progress.end()
        self.refresh()

    def sign(self) -> None:
        line = self._selected()
        if line is None:
            return
        st, user = self.ctx.station, self.ctx.user
        self._act(self.tr("Sign the acceptance"), self.tr(
            "Sign the acceptance report of {label} in your name? Read it first (Acceptance report ...): only a "
            "signed version can go live.").format(label=line.label) + self._warning(line),
            lambda: products.accept_product(st, user, line.name, line.version).label,
            self.tr("{result}: signed."))

    def make_live(self) -> None:
        line = self._selected()
        if line is None:
            return
        st, user = self.ctx.station, self.ctx.user
        self._act(self.tr("Changeover"), self.tr(
            "Make {label} the live product? From the next part on, the station judges with its classes, checks and "
            "thresholds; parts already taken are judged by the product before.").format(label=line.label)
            + self._warning(line),
            lambda: products.change_over(st, user, line.name, line.version),
            self.tr("{result} is live."))

    def _manual_mode_warning(self, line):
        """The warning that this version's acceptance would put the line in manual mode, or None."""
        return products.manual_mode_warning(self.ctx.station, line.acceptance)

    def _warning(self, line) -> str:
        """The acceptance's warning, as a paragraph of a question; or nothing."""
        warning = self._manual_mode_warning(line)
        return "\n\n" + words(warning) if warning else ""

    def _show_acceptance(self, line) -> None:
        AcceptanceDialog(line, self, self._manual_mode_warning(line)).exec()

    def make_none_live(self) -> None:
        st, user = self.ctx.station, self.ctx.user
        self._act(self.tr("Changeover"), self.tr("Inspect the classes of the settings again, with no product live?"),
                  lambda: products.change_over(st, user, None), self.tr("No product is live."))

    def set_recipe(self) -> None:
        line = self._selected()
        if line is None:
            return
        number, ok = QInputDialog.getInt(self, self.tr("Recipe number"), self.tr(
            "The number a PLC writes to select {name} (0: none):").format(name=line.name), line.recipe or 0, 0, 65535)
        if not ok:
            return
        try:
            products.set_product_recipe(self.ctx.station, self.ctx.user, line.name, number or None)
        except Exception as e:
            QMessageBox.warning(self, self.tr("Recipe number"), error_words(e))
        self.refresh()

    # ----------------------------------------------------------------- onboarding
    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder of photos"), self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)
            self._folder_changed()

    def _folder_changed(self) -> None:
        """The class folders, to pick the good parts' folder from (a folder named 'good' first)."""
        folder = Path(self.folder_edit.text().strip())
        classes = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
        classes.sort(key=lambda name: name.lower() not in ("good", "ok"))
        self.good_box.clear()
        self.good_box.addItems(classes)
        if not self.name_edit.text() and folder.name:
            self.name_edit.setText(folder.name)
        self._forget_check()

    def _forget_check(self) -> None:
        self.checked = None
        self.onboard_button.setEnabled(False)
        self.names_button.setEnabled(False)

    def check(self) -> None:
        folder, good = self.folder_edit.text().strip(), self.good_box.currentText()
        if self.job is not None:
            return
        if not folder or not good:
            if not folder:
                said = self.tr("Choose the folder of photos first: one sub-folder per class, one of them the good parts.")
            elif not Path(folder).is_dir():
                said = self.tr("The folder {folder} does not exist: check the path, or choose it with Browse.").format(
                    folder=folder)
            else:
                said = self.tr("{folder} holds no sub-folders of photos: it needs one sub-folder per class, named by "
                               "the class (good, scratch, ...).").format(folder=folder)
            QMessageBox.information(self, self.tr("Onboard a product"), said)
            return
        self._forget_check()
        self.findings.clear()
        self.progress.begin(self.tr("Checking the photos ..."))
        self.job = start_job(self, lambda job: products.check_photos(folder, good, job), "photo check",
                             on_success=self._checked, on_progress=self.progress.update_progress,
                             on_failure=lambda e: self.findings.setPlainText(error_words(e)), on_end=self._ended)

    def _checked(self, check) -> None:
        problems = [words(p) for p in check.blocking()]
        text = "\n".join(photo_check_words(check))
        if problems:
            text += "\n\n" + self.tr("Cannot onboard these photos yet:") + "\n- " + "\n- ".join(problems)
        else:
            self.checked = check
            text += "\n\n" + self.tr("Ready: name the classes for people if you like (Class names ...), then press "
                                     "Onboard.")
        self.findings.setPlainText(text)
        self.onboard_button.setEnabled(self.checked is not None)
        self.names_button.setEnabled(self.checked is not None)

    def edit_class_names(self) -> None:
        """The names reviewers read on their buttons, in English and Japanese, for each class folder."""
        if self.checked is None:
            return
        dialog = ClassNamesDialog(self.checked.class_keys, self.class_names, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.class_names = dialog.names()

    def onboard(self) -> None:
        if self.job is not None or self.checked is None:
            return
        st, user, check = self.ctx.station, self.ctx.user, self.checked
        name, folder = self.name_edit.text().strip(), self.folder_edit.text().strip()
        choices = products.OnboardingChoices(good=self.good_box.currentText(), name_en=self.name_en_edit.text().strip(),
                                             name_ja=self.name_ja_edit.text().strip(),
                                             tune_prompts=self.prompts_check.isChecked(),
                                             check_b=products.CheckBRecipe(epochs=self.epochs_spin.value()),
                                             class_names=tuple((k, *v) for k, v in self.class_names.items()
                                                               if k in check.class_keys))
        self.onboard_button.setEnabled(False)
        self.check_button.setEnabled(False)
        self.progress.begin(self.tr("Onboarding {name} ...").format(name=name))
        self.job = start_job(self, lambda job: products.onboard_product(st, user, name, folder, choices, job, check),
                             "onboarding", on_success=self._onboarded, on_progress=self.progress.update_progress,
                             on_failure=lambda e: QMessageBox.warning(self, self.tr("Onboard a product"), error_words(e)),
                             on_cancel=lambda: self.findings.appendPlainText(self.tr("Cancelled: nothing was recorded.")),
                             on_end=self._onboarding_ended)

    def _onboarding_ended(self) -> None:
        self.check_button.setEnabled(True)
        self.onboard_button.setEnabled(self.checked is not None)
        self._ended()

    def _onboarded(self, line) -> None:
        self.tabs.setCurrentIndex(0)
        self.refresh()
        self._show_acceptance(line)


class ClassNamesDialog(QDialog):
    """A row per class folder: the name reviewers read on its button, in English and in Japanese (empty: the
    folder's name)."""

    def __init__(self, keys: list[str], names: dict[str, tuple[str, str]], parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Class names"))
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        said = QLabel(self.tr("The names reviewers read on their buttons. Empty: the folder's name."))
        said.setWordWrap(True)
        layout.addWidget(said)
        self.table = list_table([self.tr("Class folder"), self.tr("Name"), self.tr("Name in Japanese")], stretch=2,
                                rows=len(keys), editable=True)
        for row, key in enumerate(keys):
            folder = QTableWidgetItem(key)
            folder.setFlags(folder.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 0, folder)
            for col, text in enumerate(names.get(key, ("", "")), start=1):
                self.table.setItem(row, col, QTableWidgetItem(text))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def names(self) -> dict[str, tuple[str, str]]:
        def cell(row: int, col: int) -> str:
            item = self.table.item(row, col)
            return item.text().strip() if item is not None else ""

        return {cell(row, 0): (cell(row, 1), cell(row, 2)) for row in range(self.table.rowCount())}


class AcceptanceDialog(QDialog):
    """A version's acceptance figures, with the full report (every escape, false fail and review) a click away."""

    def __init__(self, line, parent=None, warning=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Acceptance report: {label}").format(label=line.label))
        self.setMinimumWidth(640)  # its wrapped lines (and the warning) get the height they need at this width
        layout = QVBoxLayout(self)
        state = (self.tr("signed by {name}").format(name=line.accepted_by) if line.accepted
                 else self.tr("not signed: it cannot go live until a manager signs it"))
        head = QLabel(self.tr("<b>{label}</b>, {state}. Measured on held-out photos the product never learned "
                              "from, through the whole station:").format(label=line.label, state=state))
        head.setWordWrap(True)
        layout.addWidget(head)
        figures = QLabel("<br>".join(acceptance_words(line.acceptance)))
        figures.setWordWrap(True)
        layout.addWidget(figures)
        self.warning = QLabel(words(warning) if warning else "")  # the line would go to manual mode
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color:#b3261e; font-weight:bold;")
        self.warning.setVisible(warning is not None)
        layout.addWidget(self.warning)
        self.report = Path(line.folder) / "acceptance.html"
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        open_button = buttons.addButton(self.tr("Open the full report"), QDialogButtonBox.ButtonRole.ActionRole)
        open_button.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.report))))
        open_button.setEnabled(self.report.is_file())
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
