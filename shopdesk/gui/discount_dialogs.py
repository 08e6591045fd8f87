"""Discounts at the counter: a line discount (F6), a cart discount (F7) and a price
override (F8), and the manager's PIN right there when a limit is exceeded.

The service decides (:mod:`shopdesk.services.cart_discounts`); these dialogs only ask.
:func:`ask_approval` is for any feature that needs a second person's PIN: pick who
approves, type their PIN, and (with ``check``) the action is tried with that approver
while the dialog is still open, so a refusal ("Max may approve at most 50 %") can be
answered by someone else without starting over.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.cart import line_amount
from shopdesk.domain.discounts import AMOUNT, PERCENT, Discount
from shopdesk.domain.errors import ShopDeskError, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import currency_symbols, format_amount, format_money, parse_money
from shopdesk.domain.parsing import NotANumber, parse_localized_decimal
from shopdesk.domain.permissions import Permission, Role, role_allows
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.scan_input import ERROR, SUCCESS
from shopdesk.services.cart_discounts import ApprovalRequired, CartDiscountService
from shopdesk.services.cart_view import CartLineView, CartView
from shopdesk.services.staff_session import StaffSession

T = TypeVar("T")
ERROR_STYLE = "color:#8a0012; font-weight:bold;"
_APPROVER_ORDER = {Role.OWNER: 1, Role.MANAGER: 0, Role.CASHIER: 2, Role.CLERK: 3}


# -- approval ---------------------------------------------------------------------------------
class ApprovalDialog(QDialog):
    """Another person picks their name and types their PIN to approve ``reason_text``."""

    def __init__(self, ctx: AppContext, reason_text: str, check: Callable[[StaffSession], object] | None = None,
                 permission: Permission | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.check = check
        self.approver: StaffSession | None = None
        self.setObjectName("approvalDialog")
        self.setWindowTitle(self.tr("Manager approval"))
        self.setMinimumWidth(420)

        self.reason = QLabel(reason_text, self)
        self.reason.setObjectName("approvalReason")
        self.reason.setWordWrap(True)
        self.staff_combo = QComboBox(self)
        self.staff_combo.setObjectName("approverCombo")
        me = ctx.staff.user_id if ctx.staff else None
        members = [m for m in ctx.auth.staff() if m.has_pin and m.user_id != me
                   and (permission is None or role_allows(m.role, permission))]
        members.sort(key=lambda m: (_APPROVER_ORDER.get(m.role, 9), m.display_name))
        for member in members:
            self.staff_combo.addItem(f"{member.display_name} ({member.username})", member.username)
        self.pin = QLineEdit(self)
        self.pin.setObjectName("approverPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(6)
        self.pin.setPlaceholderText(self.tr("PIN"))
        self.pin.returnPressed.connect(self.try_approve)
        self.error = QLabel(self)
        self.error.setObjectName("approvalError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        if not members:
            self.error.setText(self.tr("Nobody else with a PIN can approve this."))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Approve"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setAutoDefault(False)
        buttons.accepted.connect(self.try_approve)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Approved by:"), self.staff_combo)
        form.addRow(self.tr("PIN:"), self.pin)
        root = QVBoxLayout(self)
        root.addWidget(self.reason)
        root.addLayout(form)
        root.addWidget(self.error)
        root.addWidget(buttons)
        self.pin.setFocus()

    def try_approve(self) -> None:
        try:
            session = self.ctx.auth.login_pin(self.staff_combo.currentData() or "", self.pin.text())
            if self.check is not None:
                self.check(session)
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            self.pin.clear()
            self.pin.setFocus()
            return
        self.approver = session
        self.accept()


def ask_approval(parent: QWidget | None, ctx: AppContext, reason_text: str,
                 check: Callable[[StaffSession], object] | None = None,
                 permission: Permission | None = None) -> StaffSession | None:
    """Ask another person's PIN; their session, or None when cancelled.

    ``check`` (optional) runs with the approver before the dialog closes; a
    :class:`ShopDeskError` it raises is shown and the dialog stays open for another try.
    ``permission`` lists only people whose role carries it.
    """
    dialog = ApprovalDialog(ctx, reason_text, check, permission, parent)
    dialog.exec()
    approver = dialog.approver
    dialog.deleteLater()
    return approver


class NotApproved(ShopDeskError):
    def __init__(self) -> None:
        super().__init__(QT_TRANSLATE_NOOP("errors", "Not approved: nothing was changed."))


def with_approval(parent: QWidget | None, ctx: AppContext, call: Callable[[StaffSession | None], T]) -> T:
    """``call(None)``; when it needs approval, ask for a PIN and ``call(approver)`` again.

    Raises :class:`NotApproved` when the approval is cancelled, or the call's own error.
    """
    try:
        return call(None)
    except ApprovalRequired as need:
        done: list[T] = []
        approver = ask_approval(parent, ctx, error_text(need), lambda who: done.append(call(who)),
                                need.permission)
        if approver is None or not done:
            raise NotApproved() from None
        return done[0]


# -- discount and price dialogs -----------------------------------------------------------
class _CounterDialog(QDialog):
    """The shared frame: a heading, a form, a message line and Apply/Cancel (+ extra)."""

    def __init__(self, ctx: AppContext, title: str, heading: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: CartView | None = None
        self.setWindowTitle(title)
        self.setMinimumWidth(380)
        self.heading = QLabel(heading, self)
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold;")
        self.form = QFormLayout()
        self.error = QLabel(self)
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Apply"))
        self.ok_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.try_apply)
        self.buttons.rejected.connect(self.reject)
        root = QVBoxLayout(self)
        root.addWidget(self.heading)
        root.addLayout(self.form)
        root.addWidget(self.error)
        root.addWidget(self.buttons)

    def try_apply(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _submit(self, call: Callable[[StaffSession | None], CartView]) -> None:
        try:
            self.view = with_approval(self, self.ctx, call)
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        self.accept()


class DiscountDialog(_CounterDialog):
    """A percent or an amount off ``base``; shows what the price becomes."""

    def __init__(self, ctx: AppContext, title: str, heading: str, base: int, current: Discount | None,
                 submit: Callable[[Discount | None, StaffSession | None], CartView], currency: str, locale: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, title, heading, parent)
        self.setObjectName("discountDialog")
        self.base, self.submit, self.currency, self.locale = base, submit, currency, locale
        self.percent_button = QRadioButton(self.tr("Percent (%)"), self)
        self.percent_button.setObjectName("percentButton")
        self.amount_button = QRadioButton(self.tr("Amount (%1)").replace("%1", _symbol(currency, locale)), self)
        self.amount_button.setObjectName("amountButton")
        kinds = QButtonGroup(self)
        kinds.addButton(self.percent_button)
        kinds.addButton(self.amount_button)
        toggle = QHBoxLayout()
        toggle.addWidget(self.percent_button)
        toggle.addWidget(self.amount_button)
        toggle.addStretch(1)
        self.value = QLineEdit(self)
        self.value.setObjectName("discountValue")
        self.price_label = QLabel(format_money(base, currency, locale), self)
        self.result = QLabel(self)
        self.result.setObjectName("resultLabel")
        self.result.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.form.addRow(self.tr("Price:"), self.price_label)
        self.form.addRow(self.tr("Discount as:"), toggle)
        self.form.addRow(self.tr("Discount:"), self.value)
        self.form.addRow(self.tr("Becomes:"), self.result)
        self.remove_button = QPushButton(self.tr("Remove discount"), self)
        self.remove_button.setObjectName("removeDiscountButton")
        self.remove_button.setAutoDefault(False)
        self.remove_button.setEnabled(current is not None)
        self.remove_button.clicked.connect(self.remove)
        self.buttons.addButton(self.remove_button, QDialogButtonBox.ButtonRole.ResetRole)

        if current is not None and current.kind == AMOUNT:
            self.amount_button.setChecked(True)
            self.value.setText(format_amount(int(current.value), currency, locale))
        else:
            self.percent_button.setChecked(True)
            if current is not None:
                self.value.setText(_plain(current.value))
        self.value.selectAll()
        self.value.textChanged.connect(self.update_result)
        self.percent_button.toggled.connect(self.update_result)
        self.value.returnPressed.connect(self.try_apply)
        self.update_result()
        self.value.setFocus()

    def discount(self) -> Discount:
        text = self.value.text()
        if self.amount_button.isChecked():
            minor = parse_money(text, self.currency, self.locale, field="discount", allow_negative=False)
            return Discount(AMOUNT, Decimal(minor))
        try:
            value = parse_localized_decimal(text, self.locale, affixes=("%",))
        except NotANumber:
            raise ValidationError("discount", QT_TRANSLATE_NOOP(
                "errors", "'{text}' is not a percent. Type a number, e.g. 10 or 7.5."), text=text) from None
        return Discount(PERCENT, value)

    def update_result(self) -> None:
        if not self.value.text().strip():
            self.result.setText(format_money(self.base, self.currency, self.locale))
            self.error.clear()
            return
        try:
            off = self.discount().amount_off(self.base)
        except ShopDeskError as err:
            self.result.setText("—")
            self.error.setText(error_text(err))
            return
        self.error.clear()
        self.result.setText(self.tr("%1 (−%2)").replace(
            "%1", format_money(self.base - off, self.currency, self.locale)).replace(
            "%2", format_money(off, self.currency, self.locale)))

    def try_apply(self) -> None:
        if not self.value.text().strip():
            self.remove()
            return
        try:
            discount = self.discount()
            discount.amount_off(self.base)
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        self._submit(lambda approver: self.submit(discount, approver))

    def remove(self) -> None:
        self._submit(lambda approver: self.submit(None, approver))


class PriceDialog(_CounterDialog):
    """Sell a line at another unit price (below the shelf price a manager may be asked)."""

    def __init__(self, ctx: AppContext, heading: str, unit_price: int,
                 submit: Callable[[int, StaffSession | None], CartView], currency: str, locale: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, "", heading, parent)
        self.setWindowTitle(self.tr("Price override"))
        self.setObjectName("priceDialog")
        self.submit, self.currency, self.locale = submit, currency, locale
        self.form.addRow(self.tr("Price now:"), QLabel(format_money(unit_price, currency, locale), self))
        self.price = QLineEdit(format_amount(unit_price, currency, locale), self)
        self.price.setObjectName("newPrice")
        self.form.addRow(self.tr("New unit price:"), self.price)
        self.reason = QLineEdit(self)
        self.reason.setObjectName("priceReason")
        self.reason.setPlaceholderText(self.tr("e.g. damaged packaging, price match"))
        self.form.addRow(self.tr("Reason:"), self.reason)
        self.price.selectAll()
        self.price.returnPressed.connect(self.try_apply)
        self.price.setFocus()

    def try_apply(self) -> None:
        try:
            price = parse_money(self.price.text(), self.currency, self.locale, field="unit_price",
                                allow_negative=False)
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        self._submit(lambda approver: self.submit(price, approver))


def _symbol(currency: str, locale: str) -> str:
    symbols = currency_symbols(currency, locale)
    return symbols[1] if len(symbols) > 1 else symbols[0]


def _plain(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- on the counter -----------------------------------------------------------------------------
class DiscountActions(QObject):
    """The counter's discount buttons and keys (F6 line, F7 cart, F8 price)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.service = CartDiscountService(window.ctx.db)
        self.line_button = QPushButton(self.tr("Line discount… (F6)"), window)
        self.line_button.setObjectName("lineDiscountButton")
        self.cart_button = QPushButton(self.tr("Cart discount… (F7)"), window)
        self.cart_button.setObjectName("cartDiscountButton")
        self.price_button = QPushButton(self.tr("Price… (F8)"), window)
        self.price_button.setObjectName("priceOverrideButton")
        window.add_action(self.line_button, self.line_discount, Qt.Key.Key_F6)
        window.add_action(self.cart_button, self.cart_discount, Qt.Key.Key_F7)
        window.add_action(self.price_button, self.override_price, Qt.Key.Key_F8)

    # -- helpers ----------------------------------------------------------------------------
    def _who(self) -> tuple[StaffSession, str]:
        ctx = self.window.ctx
        return ctx.require_staff(), ctx.till.till_id

    def _selected_line(self) -> CartLineView | None:
        line_id = self.window._selected_line_id()
        if line_id is None:
            self.window.show_message(self.tr("Select a line first."), ERROR)
            self.window.focus_scan()
            return None
        return self.window.model.line(self.window.model.row_of(line_id))

    def _done(self, dialog: _CounterDialog, message: Callable[[CartView], str]) -> None:
        if dialog.exec() and dialog.view is not None:
            self.window._show_cart(dialog.view)
            self.window.show_message(message(dialog.view), SUCCESS)
        dialog.deleteLater()
        self.window.focus_scan()

    def _money(self, minor: int) -> str:
        cart = self.window.cart
        return format_money(minor, cart.currency, cart.locale)

    # -- actions ----------------------------------------------------------------------------
    def line_discount(self) -> None:
        line = self._selected_line()
        if line is None:
            return
        staff, till_id = self._who()
        cart = self.window.cart
        current = Discount(line.discount_kind, line.discount_value) if line.discount_kind else None
        dialog = DiscountDialog(
            self.window.ctx, self.tr("Line discount"), line.name, line_amount(line.quantity, line.unit_price),
            current, lambda d, approver: self.service.set_line_discount(staff, till_id, line.line_id, d, approver),
            cart.currency, cart.locale, self.window)

        def said(view: CartView) -> str:
            now = next((x for x in view.lines if x.line_id == line.line_id), None)
            if now is None or not now.line_discount:
                return self.tr("Discount removed from %1.").replace("%1", line.name)
            return self.tr("%1: %2 off.").replace("%1", line.name).replace("%2", self._money(now.line_discount))
        self._done(dialog, said)

    def cart_discount(self) -> None:
        cart = self.window.cart
        if cart is None or cart.is_empty:
            self.window.show_message(self.tr("The cart is empty: scan an item first."), ERROR)
            self.window.focus_scan()
            return
        staff, till_id = self._who()
        base = sum(max(line_amount(x.quantity, x.unit_price) - x.line_discount, 0)
                   for x in cart.lines if x.quantity > 0)
        current = Discount(cart.discount_kind, cart.discount_value) if cart.discount_kind else None
        dialog = DiscountDialog(
            self.window.ctx, self.tr("Cart discount"), self.tr("The whole cart"), base, current,
            lambda d, approver: self.service.set_cart_discount(staff, till_id, d, approver),
            cart.currency, cart.locale, self.window)

        def said(view: CartView) -> str:
            if not view.cart_discount:
                return self.tr("Cart discount removed.")
            return self.tr("Cart discount: %1 off.").replace("%1", self._money(view.cart_discount))
        self._done(dialog, said)

    def override_price(self) -> None:
        line = self._selected_line()
        if line is None:
            return
        staff, till_id = self._who()
        cart = self.window.cart
        dialog = PriceDialog(
            self.window.ctx, line.name, line.unit_price,
            lambda price, approver: self.service.override_price(
                staff, till_id, line.line_id, price, approver, dialog.reason.text().strip()),
            cart.currency, cart.locale, self.window)

        def said(view: CartView) -> str:
            now = next((x for x in view.lines if x.line_id == line.line_id), line)
            return self.tr("%1 now sells at %2.").replace("%1", line.name).replace("%2", self._money(now.unit_price))
        self._done(dialog, said)


def install_discounts(window) -> DiscountActions:
    """Add the discount buttons and keys to the counter (called from CheckoutWindow)."""
    actions = DiscountActions(window)
    window.discount_actions = actions
    return actions


__all__ = ["ApprovalDialog", "DiscountActions", "DiscountDialog", "NotApproved", "PriceDialog", "ask_approval",
           "install_discounts", "with_approval"]
