"""Store settings for owners: the shop's details on receipts and the receipt printer."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.gui.background import run_in_background
from shopdesk.gui.context import AppContext
from shopdesk.gui.forms import load_form
from shopdesk.gui.messages import error_text
from shopdesk.services.store_settings import store_info, update_store

ERROR_STYLE = "color: #b00020;"
OK_STYLE = "color: #0a5c26;"


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Store settings"))
        form = load_form("settings_dialog", self)
        self.name: QLineEdit = form.findChild(QLineEdit, "nameEdit")
        self.address: QPlainTextEdit = form.findChild(QPlainTextEdit, "addressEdit")
        self.tax_id: QLineEdit = form.findChild(QLineEdit, "taxIdEdit")
        self.footer: QPlainTextEdit = form.findChild(QPlainTextEdit, "footerEdit")
        self.printer: QLineEdit = form.findChild(QLineEdit, "printerEdit")
        self.status: QLabel = form.findChild(QLabel, "errorLabel")
        self.test_button: QPushButton = form.findChild(QPushButton, "testPrintButton")
        self.fields = {"name": self.name, "address": self.address, "tax_id": self.tax_id,
                       "receipt_footer": self.footer, "receipt_printer": self.printer}
        info = store_info(ctx.db)
        self.name.setText(info.name)
        self.address.setPlainText(info.address)
        self.tax_id.setText(info.tax_id)
        self.footer.setPlainText(info.receipt_footer)
        self.printer.setText(info.receipt_printer)
        buttons: QDialogButtonBox = form.findChild(QDialogButtonBox, "buttons")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.test_button.clicked.connect(self.test_print)

    def _say(self, text: str, ok: bool) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)

    def save(self) -> None:
        try:
            update_store(
                self.ctx.db, self.ctx.require_staff(), name=self.name.text(),
                address=self.address.toPlainText(), tax_id=self.tax_id.text(),
                receipt_footer=self.footer.toPlainText(), receipt_printer=self.printer.text(),
            )
        except ShopDeskError as err:
            self._say(error_text(err), ok=False)
            widget = self.fields.get(getattr(err, "field", ""))
            if widget is not None:
                widget.setFocus()
            return
        self.ctx.reload_store()
        self.accept()

    def test_print(self) -> None:
        spec = self.printer.text()
        self.test_button.setEnabled(False)
        self._say(self.tr("Printing a test receipt…"), ok=True)

        def done(_result) -> None:
            self.test_button.setEnabled(True)
            self._say(self.tr("The test receipt was sent to the printer."), ok=True)

        def failed(err: Exception) -> None:
            self.test_button.setEnabled(True)
            self._say(error_text(err) if isinstance(err, ShopDeskError) else str(err), ok=False)

        run_in_background(lambda: self.ctx.receipts.print_test(spec), done, failed)
