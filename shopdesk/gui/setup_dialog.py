"""First start on an empty database: describe the store and create the owner."""

from __future__ import annotations

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError, ValidationError
from shopdesk.gui.forms import load_form
from shopdesk.gui.messages import error_text
from shopdesk.services.staff_session import StaffSession
from shopdesk.services.store_setup import StoreSetup, initialize_store
from shopdesk.store.database import Database

CURRENCIES = ("EUR", "USD", "GBP", "CNY", "JPY", "CHF", "CAD", "AUD", "SEK", "PLN", "HKD", "SGD", "INR")
LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "zh_CN", "zh_TW", "ja_JP")


class SetupDialog(QDialog):
    def __init__(self, db: Database, parent=None) -> None:
        super().__init__(parent)
        self.db = db
        self.session: StaffSession | None = None
        self.setWindowTitle(self.tr("ShopDesk — set up your store"))
        form = load_form("setup_dialog", self)
        self.fields: dict[str, QWidget] = {
            "store_name": form.findChild(QLineEdit, "storeNameEdit"),
            "address": form.findChild(QPlainTextEdit, "addressEdit"),
            "tax_id": form.findChild(QLineEdit, "taxIdEdit"),
            "currency": form.findChild(QComboBox, "currencyCombo"),
            "locale": form.findChild(QComboBox, "localeCombo"),
            "standard_tax_percent": form.findChild(QLineEdit, "taxRateEdit"),
            "reduced_tax_percent": form.findChild(QLineEdit, "reducedRateEdit"),
            "prices_include_tax": form.findChild(QCheckBox, "pricesIncludeTaxCheck"),
            "display_name": form.findChild(QLineEdit, "ownerNameEdit"),
            "username": form.findChild(QLineEdit, "usernameEdit"),
            "password": form.findChild(QLineEdit, "passwordEdit"),
            "confirm": form.findChild(QLineEdit, "confirmEdit"),
            "pin": form.findChild(QLineEdit, "pinEdit"),
        }
        self.error: QLabel = form.findChild(QLabel, "errorLabel")
        self.fields["currency"].addItems(CURRENCIES)
        self.fields["locale"].addItems(LOCALES)
        system = QLocale.system()
        self.fields["locale"].setCurrentText(system.name())
        currency = system.currencySymbol(QLocale.CurrencySymbolFormat.CurrencyIsoCode)
        self.fields["currency"].setCurrentText(currency or "EUR")
        buttons: QDialogButtonBox = form.findChild(QDialogButtonBox, "buttons")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create store"))
        buttons.accepted.connect(self.create_store)
        buttons.rejected.connect(self.reject)
        self.fields["store_name"].setFocus()

    def _text(self, name: str) -> str:
        widget = self.fields[name]
        if isinstance(widget, QComboBox):
            return widget.currentText()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        return widget.text()

    def create_store(self) -> None:
        try:
            if self._text("password") != self._text("confirm"):
                raise ValidationError("confirm", self.tr("The two passwords differ; type them again."))
            self.session = initialize_store(self.db, StoreSetup(
                store_name=self._text("store_name"), address=self._text("address"),
                tax_id=self._text("tax_id"), currency=self._text("currency"), locale=self._text("locale"),
                standard_tax_percent=self._text("standard_tax_percent"),
                reduced_tax_percent=self._text("reduced_tax_percent") or None,
                prices_include_tax=self.fields["prices_include_tax"].isChecked(),
                owner_username=self._text("username"), owner_name=self._text("display_name"),
                owner_password=self._text("password"), owner_pin=self._text("pin") or None,
            ))
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            field = getattr(err, "field", None)
            target = self.fields.get({"owner_password": "password"}.get(field, field)) if field else None
            if target is not None:
                target.setFocus()
            return
        self.accept()
