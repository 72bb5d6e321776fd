"""Sign-in, and on a new station the first manager's account."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QMessageBox

from station.service.accounts import AuthError
from station.service import accounts

from .messages import error_words, words


class SignInDialog(QDialog):
    def __init__(self, station, hint: str = "", parent=None):
        super().__init__(parent)
        self.station = station
        self.user = None
        self.first_account = accounts.needs_first_account(station.db)
        self.setWindowTitle(self.tr("{station}: sign in").format(station=station.config.name))
        self.setMinimumWidth(460)  # a box a gloved hand can use
        self.name_edit, self.password_edit, self.repeat_edit = QLineEdit(), QLineEdit(), QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel(words(hint))
        self.message.setWordWrap(True)
        form = QFormLayout(self)
        if self.first_account:
            form.addRow(QLabel(self.tr("<b>New station.</b> Create the first account: a manager, who then adds everyone else.")))
        form.addRow(self.tr("User name"), self.name_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        if self.first_account:
            form.addRow(self.tr("Password again"), self.repeat_edit)
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Create and sign in") if self.first_account else self.tr("Sign in"))
        buttons.accepted.connect(self.try_sign_in)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.name_edit.setFocus()

    def try_sign_in(self) -> None:
        name, password = self.name_edit.text().strip(), self.password_edit.text()
        try:
            if self.first_account:
                self.user = accounts.create_first_manager(self.station.db, name, password, self.repeat_edit.text())
            else:
                self.user = accounts.sign_in_user(self.station.db, name, password)
        except (AuthError, ValueError) as e:
            self.message.setStyleSheet("color:#b3261e;")
            text = error_words(e)
            self.message.setText(text if text.endswith((".", "。")) else self.tr("{message}.").format(message=text))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        except Exception as e:
            QMessageBox.warning(self, self.tr("Sign in"), self.tr("Could not sign in: {error}").format(error=error_words(e)))
            return
        self.accept()
