"""Small dialogs of the orders area: take a payment, give money back, cancel an order, add
a note. Each calls its service itself and stays open with the service's message when it
refuses, so nothing typed is lost; ``view`` holds the order as it is afterwards."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import format_amount, format_money, parse_money
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.services.orders import PAYMENT_METHODS, OrderView

METHOD_LABELS = {
    "card": QT_TRANSLATE_NOOP("payment_methods", "Card"),
    "transfer": QT_TRANSLATE_NOOP("payment_methods", "Bank transfer"),
    "cash": QT_TRANSLATE_NOOP("payment_methods", "Cash"),
    "cod": QT_TRANSLATE_NOOP("payment_methods", "Cash on delivery"),
    "voucher": QT_TRANSLATE_NOOP("payment_methods", "Voucher"),
    "web": QT_TRANSLATE_NOOP("payment_methods", "Paid on the web shop"),
    "store_credit": QT_TRANSLATE_NOOP("payment_methods", "Store credit"),
}


def method_label(method: str) -> str:
    """How a payment method reads for people (anything unknown as stored)."""
    return QCoreApplication.translate("payment_methods", METHOD_LABELS.get(method, method))


def fill_methods(combo: QComboBox, first: tuple[str, str] | None = None) -> None:
    """The order payment methods, labelled; ``first`` = (label, data) put before them."""
    if first is not None:
        combo.addItem(first[0], first[1])
    for method in PAYMENT_METHODS:
        combo.addItem(method_label(method), method)


class OrderActionDialog(QDialog):
    """A form, a red line for what the service refused, OK/Cancel. Subclasses fill
    ``form`` and implement :meth:`apply` (one service call returning the new view)."""

    def __init__(self, ctx: AppContext, order: OrderView, title: str, ok_text: str, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.order = ctx, order
        self.view: OrderView | None = None
        self.setWindowTitle(title.replace("%1", order.number))
        self.setMinimumWidth(440)
        self.intro = QLabel(self)
        self.intro.setObjectName("orderDialogIntro")
        self.intro.setWordWrap(True)
        self.form = QFormLayout()
        self.error = QLabel(self)
        self.error.setObjectName("orderDialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color:#8a0012; font-weight:bold;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def money(self, amount: int) -> str:
        return format_money(amount, self.order.currency, self.ctx.store.locale)

    def parse_amount(self, field: QLineEdit) -> int:
        return parse_money(field.text(), self.order.currency, self.ctx.store.locale, field="amount",
                           allow_negative=False)

    def fields(self) -> dict[str, QWidget]:
        """Error field name → the widget to focus."""
        return {}

    def apply(self) -> OrderView:  # pragma: no cover - subclasses
        raise NotImplementedError

    def submit(self) -> None:
        try:
            self.view = self.apply()
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            widget = self.fields().get(err.field) if isinstance(err, ValidationError) else None
            if widget is not None:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                if isinstance(widget, QLineEdit):
                    widget.selectAll()
            return
        self.accept()


class RecordPaymentDialog(OrderActionDialog):
    """Money taken against the order: how, how much (the amount due to start with), a reference."""

    def __init__(self, ctx: AppContext, order: OrderView, parent=None) -> None:
        super().__init__(ctx, order, self.tr("Record payment — %1"), self.tr("&Record payment"), parent)
        self.setObjectName("recordPaymentDialog")
        self.intro.setText(self.tr("Total %1, paid %2, due %3.").replace("%1", self.money(order.grand_total))
                           .replace("%2", self.money(order.paid_total)).replace("%3", self.money(order.due)))
        self.method = QComboBox(self)
        self.method.setObjectName("paymentMethod")
        fill_methods(self.method)
        if order.cash_on_delivery:
            self.method.setCurrentIndex(self.method.findData("cod"))
        self.amount = QLineEdit(format_amount(max(order.due, 0), order.currency, ctx.store.locale), self)
        self.amount.setObjectName("paymentAmount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.reference = QLineEdit(self)
        self.reference.setObjectName("paymentReference")
        self.reference.setPlaceholderText(self.tr("Optional: card slip, transfer reference…"))
        self.form.addRow(self.tr("&Method:"), self.method)
        self.form.addRow(self.tr("&Amount:"), self.amount)
        self.form.addRow(self.tr("R&eference:"), self.reference)
        self.amount.setFocus()
        self.amount.selectAll()

    def fields(self) -> dict[str, QWidget]:
        return {"amount": self.amount, "method": self.method}

    def apply(self) -> OrderView:
        amount = self.parse_amount(self.amount)
        return self.ctx.orders.record_payment(self.ctx.require_staff(), self.order.order_id,
                                              self.method.currentData(), amount, self.reference.text())


class RefundDialog(OrderActionDialog):
    """Money given back (at most what was paid), the way it came unless another way is chosen."""

    def __init__(self, ctx: AppContext, order: OrderView, parent=None) -> None:
        super().__init__(ctx, order, self.tr("Refund — %1"), self.tr("&Refund"), parent)
        self.setObjectName("refundDialog")
        self.intro.setText(self.tr("%1 has been paid on this order; a refund gives money back and does not "
                                   "change the order's state.").replace("%1", self.money(order.paid_total)))
        self.amount = QLineEdit(format_amount(max(order.paid_total, 0), order.currency, ctx.store.locale), self)
        self.amount.setObjectName("refundAmount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.method = QComboBox(self)
        self.method.setObjectName("refundMethod")
        fill_methods(self.method, (self.tr("The way it was paid"), ""))
        self.reason = QLineEdit(self)
        self.reason.setObjectName("refundReason")
        self.reason.setPlaceholderText(self.tr("Why, e.g. item out of stock"))
        self.form.addRow(self.tr("&Amount:"), self.amount)
        self.form.addRow(self.tr("&Pay back by:"), self.method)
        self.form.addRow(self.tr("Rea&son:"), self.reason)
        self.amount.setFocus()
        self.amount.selectAll()

    def fields(self) -> dict[str, QWidget]:
        return {"amount": self.amount, "method": self.method}

    def apply(self) -> OrderView:
        amount = self.parse_amount(self.amount)
        return self.ctx.orders.refund(self.ctx.require_staff(), self.order.order_id, amount,
                                      method=self.method.currentData() or "", reason=self.reason.text().strip())


class CancelOrderDialog(OrderActionDialog):
    """Cancel an order that has not left: its stock is released, what was paid is refunded."""

    def __init__(self, ctx: AppContext, order: OrderView, parent=None) -> None:
        super().__init__(ctx, order, self.tr("Cancel order %1"), self.tr("Cancel &order"), parent)
        self.setObjectName("cancelOrderDialog")
        text = self.tr("Order %1 will be cancelled and its stock released.").replace("%1", order.number)
        if order.paid_total > 0:
            text += " " + self.tr("%1 that was paid will be refunded the way it came.").replace(
                "%1", self.money(order.paid_total))
        self.intro.setText(text)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("cancelReason")
        self.reason.setPlaceholderText(self.tr("Why, e.g. customer changed their mind"))
        self.form.addRow(self.tr("Rea&son:"), self.reason)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("&Keep the order"))
        self.reason.setFocus()

    def apply(self) -> OrderView:
        return self.ctx.orders.cancel(self.ctx.require_staff(), self.order.order_id, self.reason.text().strip())


class NoteDialog(OrderActionDialog):
    """A note on the order's timeline (a call from the customer, a promise made)."""

    def __init__(self, ctx: AppContext, order: OrderView, parent=None) -> None:
        super().__init__(ctx, order, self.tr("Note on %1"), self.tr("&Add note"), parent)
        self.setObjectName("orderNoteDialog")
        self.intro.setText(self.tr("The note is kept on the order's timeline with your name."))
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("orderNoteText")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(110)
        self.form.addRow(self.tr("&Note:"), self.note)
        self.note.setFocus()

    def fields(self) -> dict[str, QWidget]:
        return {"note": self.note}

    def apply(self) -> OrderView:
        return self.ctx.orders.add_note(self.ctx.require_staff(), self.order.order_id, self.note.toPlainText())
