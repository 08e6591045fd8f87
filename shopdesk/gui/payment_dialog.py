"""Taking cash: total due, cash given (pre-filled with the exact amount), change due.

Enter on the pre-filled amount completes an exact-cash sale in one keystroke.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
)

from shopdesk.domain.cash import quick_cash_amounts
from shopdesk.domain.errors import ShopDeskError, ValidationError
from shopdesk.domain.money import format_amount, format_money, parse_money
from shopdesk.gui.forms import load_form
from shopdesk.gui.messages import error_text
from shopdesk.services.payments import SaleResult


class PaymentDialog(QDialog):
    def __init__(self, total: int, currency: str, locale: str,
                 complete: Callable[[int], SaleResult], parent=None) -> None:
        super().__init__(parent)
        self.total, self.currency, self.locale = total, currency, locale
        self.complete = complete
        self.result_sale: SaleResult | None = None
        self.setWindowTitle(self.tr("Payment"))
        self.setMinimumWidth(460)
        form = load_form("payment_dialog", self)
        self.due: QLabel = form.findChild(QLabel, "dueLabel")
        self.tendered: QLineEdit = form.findChild(QLineEdit, "tenderedEdit")
        self.change: QLabel = form.findChild(QLabel, "changeLabel")
        self.error: QLabel = form.findChild(QLabel, "errorLabel")
        buttons: QDialogButtonBox = form.findChild(QDialogButtonBox, "buttons")
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Complete sale"))
        buttons.accepted.connect(self.try_complete)
        buttons.rejected.connect(self.reject)
        quick: QHBoxLayout = form.findChild(QHBoxLayout, "quickCashLayout")
        exact = QPushButton(self.tr("Exact"), self)
        exact.clicked.connect(lambda: self._quick(self.total))
        quick.addWidget(exact)
        for amount in quick_cash_amounts(total, currency):
            button = QPushButton(format_money(amount, currency, locale), self)
            button.clicked.connect(lambda _=False, a=amount: self._quick(a))
            quick.addWidget(button)
        self.due.setText(format_money(total, currency, locale))
        self.tendered.setText(format_amount(total, currency, locale))
        self.tendered.selectAll()
        self.tendered.setFocus()
        self.tendered.textChanged.connect(self._update_change)
        self.tendered.returnPressed.connect(self.try_complete)
        self._update_change()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_F12:
            event.accept()
            self.try_complete()
            return
        super().keyPressEvent(event)

    def _quick(self, amount: int) -> None:
        self.tendered.setText(format_amount(amount, self.currency, self.locale))
        self.try_complete()

    def _parsed(self) -> int:
        return parse_money(self.tendered.text(), self.currency, self.locale, field="tendered")

    def _update_change(self) -> None:
        try:
            given = self._parsed()
        except ValidationError:
            self.change.setText("—")
            return
        change = given - self.total
        self.change.setText(format_money(change, self.currency, self.locale) if change >= 0 else "—")

    def try_complete(self) -> None:
        if self.result_sale is not None:
            return  # a second Enter must never take a second payment
        try:
            self.result_sale = self.complete(self._parsed())
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            self.tendered.selectAll()
            self.tendered.setFocus()
            return
        self.accept()
