"""Users and audit, for managers: accounts and roles; the audit trail and its check."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
    QLineEdit, QMessageBox, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget,
)

from station.service.accounts import ROLES
from station.service import accounts

from ..audit_words import audit_sentence
from ..context import AppContext
from ..messages import error_words
from ..jobs import start_job
from ..reads import PageRead, ReadProblem
from ..record_table import RecordTable
from ..touch import touch_lists
from ..widgets import list_table

ROLE_WORDS = {"operator": QT_TRANSLATE_NOOP("Roles", "Operator (runs the line)"),
              "reviewer": QT_TRANSLATE_NOOP("Roles", "Reviewer (decides the review queue)"),
              "manager": QT_TRANSLATE_NOOP("Roles", "Manager (everything)")}
ROLE_NAMES = {"operator": QT_TRANSLATE_NOOP("Roles", "operator"), "reviewer": QT_TRANSLATE_NOOP("Roles", "reviewer"),
              "manager": QT_TRANSLATE_NOOP("Roles", "manager")}


def role_words(role: str, long: bool = True) -> str:
    """A role in the window's language: 'Operator (runs the line)', or with long=False just 'operator'."""
    words = ROLE_WORDS if long else ROLE_NAMES
    return QCoreApplication.translate("Roles", words[role]) if role in words else role
AUDIT_PAGE = 200


class UsersPage(QWidget):
    title = QT_TRANSLATE_NOOP("Pages", "Users and audit")
    permission = "users.manage"

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.users = []
        self.events = []

        self.user_table = RecordTable([self.tr("User"), self.tr("Name"), self.tr("Role"), self.tr("Status")], stretch=1,
                                      id_of=lambda u: u.username)
        add, role = QPushButton(self.tr("Add user ...")), QPushButton(self.tr("Change role ..."))
        toggle = QPushButton(self.tr("Deactivate / activate"))
        add.clicked.connect(self.add_user)
        role.clicked.connect(self.change_role)
        toggle.clicked.connect(self.toggle_active)
        users_box = QGroupBox(self.tr("Users"))
        ul = QVBoxLayout(users_box)
        ul.addWidget(self.user_table)
        row = QHBoxLayout()
        for b in (add, role, toggle):
            row.addWidget(b)
        row.addStretch(1)
        ul.addLayout(row)

        self.audit_table = list_table([self.tr("No."), self.tr("When (UTC)"), self.tr("Who"), self.tr("What")], stretch=3)
        self.audit_table.setColumnWidth(1, 160)
        self.verify_button = QPushButton(self.tr("Check the trail for tampering"))
        self.more_button = QPushButton(self.tr("Older events"))
        self.verify_label = QLabel("")
        self.verify_label.setWordWrap(True)
        self.verify_button.clicked.connect(self.verify)
        self.more_button.clicked.connect(self.load_older)
        audit_box = QGroupBox(self.tr("Audit trail (newest first)"))
        al = QVBoxLayout(audit_box)
        al.addWidget(self.audit_table)
        row = QHBoxLayout()
        row.addWidget(self.verify_button)
        row.addWidget(self.verify_label, 1)
        row.addWidget(self.more_button)
        al.addLayout(row)

        self.read_problem = ReadProblem()
        self.reads = PageRead(self, "accounts read", self._show, self._read_failed)
        self.older_reads = PageRead(self, "older audit events", self._show_older, self._read_failed)

        layout = QVBoxLayout(self)
        layout.addWidget(self.read_problem)
        layout.addWidget(users_box, 1)
        layout.addWidget(audit_box, 2)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        """Read the accounts and the newest audit events off the GUI thread; shown when they arrive."""
        st, user = self.ctx.station, self.ctx.user
        self.reads.request(lambda: (user, accounts.accounts(st.db, user),
                                    accounts.audit_lines(st.db, user, limit=AUDIT_PAGE)))

    def _show(self, answer) -> None:
        user, users, events = answer
        if user is not self.ctx.user:
            return  # signed out (or someone else signed in) while it was read
        self.users, self.events = users, events
        self.read_problem.setVisible(False)
        self.user_table.set_records(self.users, lambda u: [
            u.username, u.display_name, role_words(u.role, long=False),
            self.tr("active") if u.active else self.tr("deactivated")])
        self.audit_table.setRowCount(0)
        self._append_events(self.events)

    def _read_failed(self, error: Exception) -> None:
        self.read_problem.setText(self.tr("Could not read the accounts and the audit trail: {message}")
                                  .format(message=error_words(error)))
        self.read_problem.setVisible(True)

    def _append_events(self, events) -> None:
        for e in events:
            r = self.audit_table.rowCount()
            self.audit_table.insertRow(r)
            for j, text in enumerate([str(e.id), e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor,
                                      audit_sentence(e.action, e.detail, self.ctx.class_names)]):
                self.audit_table.setItem(r, j, QTableWidgetItem(text))
        self.more_button.setEnabled(len(events) == AUDIT_PAGE)

    def load_older(self) -> None:
        if not self.events:
            return
        st, user, before = self.ctx.station, self.ctx.user, self.events[-1].id
        self.more_button.setEnabled(False)
        self.older_reads.request(lambda: (user, before, accounts.audit_lines(st.db, user, before_id=before,
                                                                             limit=AUDIT_PAGE)))

    def _show_older(self, answer) -> None:
        user, before, older = answer
        if user is not self.ctx.user or not self.events or self.events[-1].id != before:
            return  # the list was read anew meanwhile
        self.events += older
        self._append_events(older)

    def verify(self) -> None:
        """Off the GUI thread: on a long-running station the check reads every record."""
        st, user = self.ctx.station, self.ctx.user
        self.verify_button.setEnabled(False)
        self.verify_label.setStyleSheet("")
        self.verify_label.setText(self.tr("Checking every event and record..."))
        self.verify_job = start_job(self, lambda job: accounts.check_records(st.db, st.data_dir, user), "audit check",
                                    on_success=self._verified, on_failure=self._verify_failed)

    def _verified(self, report) -> None:
        self.verify_button.setEnabled(True)
        if report.ok:
            self.verify_label.setStyleSheet("color:#1b7f3b;")
            self.verify_label.setText(self.tr("All {events} events are intact; {records} records match their seals.")
                                      .format(events=report.events, records=report.records))
            return
        self.verify_label.setStyleSheet("color:#b3261e; font-weight:bold;")
        shown = "\n".join(str(f) for f in report.findings[:5])
        more = len(report.findings) + report.more - 5
        text = self.tr("NOT intact: {findings}").format(findings=shown)
        if more > 0:
            text += "\n" + self.tr("... and %n more (station audit verify lists them)", "", more)
        self.verify_label.setText(text + "\n" + self.tr("Report this to IT and quality."))

    def _verify_failed(self, error: Exception) -> None:
        self.verify_button.setEnabled(True)
        self.verify_label.setStyleSheet("color:#b3261e;")
        self.verify_label.setText(self.tr("The check could not run: {message}").format(message=error_words(error)))

    def selected_user(self):
        user = self.user_table.current()
        if user is not None:
            return user
        QMessageBox.information(self, self.tr("Users"), self.tr("Pick a user in the list first."))
        return None

    def _act(self, title: str, action) -> None:
        """`action(db, user)` changes an account; a refusal is shown (and was audited by the station)."""
        try:
            action(self.ctx.station.db, self.ctx.user)
        except Exception as e:
            QMessageBox.warning(self, title, error_words(e))
        self.refresh()

    def add_user(self) -> None:
        dialog = AddUserDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name, display, role, password = dialog.values()

        self._act(self.tr("Add user"), lambda db, by: accounts.add_account(db, by, name, role, password, display))

    def change_role(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Change role"))
        box.setText(self.tr("New role for {user}:").format(user=user.username))
        buttons = {box.addButton(role_words(r), QMessageBox.ButtonRole.AcceptRole): r for r in ROLES}
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        role = buttons.get(box.clickedButton())
        if role:
            self._act(self.tr("Change role"), lambda db, by: accounts.change_role(db, by, user.username, role))

    def toggle_active(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        verb = self.tr("Deactivate") if user.active else self.tr("Activate")
        question = (self.tr("Deactivate {user}?") if user.active else self.tr("Activate {user}?")).format(user=user.username)
        if QMessageBox.question(self, verb, question) == QMessageBox.StandardButton.Yes:
            self._act(verb, lambda db, by: accounts.set_account_active(db, by, user.username, not user.active))


class AddUserDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add user"))
        self.name_edit, self.display_edit = QLineEdit(), QLineEdit()
        self.password_edit, self.repeat_edit = QLineEdit(), QLineEdit()
        for e in (self.password_edit, self.repeat_edit):
            e.setEchoMode(QLineEdit.EchoMode.Password)
        self.role_box = QComboBox()
        for r in ROLES:
            self.role_box.addItem(role_words(r), r)
        form = QFormLayout(self)
        form.addRow(self.tr("User name"), self.name_edit)
        form.addRow(self.tr("Full name"), self.display_edit)
        form.addRow(self.tr("Role"), self.role_box)
        touch_lists(self)
        form.addRow(self.tr("Password (8 characters or more)"), self.password_edit)
        form.addRow(self.tr("Password again"), self.repeat_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _check(self) -> None:
        if self.password_edit.text() != self.repeat_edit.text():
            QMessageBox.warning(self, self.tr("Add user"), self.tr("The two passwords differ."))
            return
        self.accept()

    def values(self) -> tuple[str, str, str, str]:
        return (self.name_edit.text().strip(), self.display_edit.text().strip(), self.role_box.currentData(),
                self.password_edit.text())
