"""Log in with user name and password, or pick your name and type your PIN."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QTabWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.gui.forms import load_form
from shopdesk.gui.messages import error_text
from shopdesk.services.auth import AuthService
from shopdesk.services.staff_session import StaffSession


class LoginDialog(QDialog):
    PASSWORD_TAB, PIN_TAB = 0, 1

    def __init__(self, auth: AuthService, store_name: str = "", *, pin_first: bool = False, parent=None) -> None:
        super().__init__(parent)
        self.auth = auth
        self.session: StaffSession | None = None
        self.setWindowTitle(self.tr("ShopDesk — log in"))
        form = load_form("login_dialog", self)
        self.tabs: QTabWidget = form.findChild(QTabWidget, "modeTabs")
        self.username: QLineEdit = form.findChild(QLineEdit, "usernameEdit")
        self.password: QLineEdit = form.findChild(QLineEdit, "passwordEdit")
        self.staff_combo: QComboBox = form.findChild(QComboBox, "staffCombo")
        self.pin: QLineEdit = form.findChild(QLineEdit, "pinEdit")
        self.error: QLabel = form.findChild(QLabel, "errorLabel")
        if store_name:
            form.findChild(QLabel, "storeLabel").setText(store_name)
        buttons: QDialogButtonBox = form.findChild(QDialogButtonBox, "buttons")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Log in"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        for member in auth.staff():
            if member.has_pin:
                self.staff_combo.addItem(f"{member.display_name} ({member.username})", member.username)
        self.pin.returnPressed.connect(self.try_login)
        self.password.returnPressed.connect(self.try_login)
        self.username.returnPressed.connect(self.password.setFocus)
        if pin_first and self.staff_combo.count():
            self.tabs.setCurrentIndex(self.PIN_TAB)
            self.pin.setFocus()
        else:
            self.username.setFocus()

    def try_login(self) -> None:
        try:
            if self.tabs.currentIndex() == self.PIN_TAB:
                self.session = self.auth.login_pin(self.staff_combo.currentData() or "", self.pin.text())
            else:
                self.session = self.auth.login(self.username.text(), self.password.text())
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            self.password.clear()
            self.pin.clear()
            (self.pin if self.tabs.currentIndex() == self.PIN_TAB else self.password).setFocus()
            return
        self.accept()
