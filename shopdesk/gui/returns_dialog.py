"""Returns at the counter (F11): find the sale by its receipt (scan the receipt's barcode or
type its number, or search by date, amount and customer), tick the lines and quantities to take
back (and which are damaged), and OK puts negative lines into the cart. The cashier may
then scan new items (an exchange) and takes payment as usual: Pay refunds a negative total.

"Return without receipt…" needs a manager's PIN unless the cashier may refund.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_amount, format_money, parse_money
from shopdesk.domain.permissions import Permission, role_allows
from shopdesk.domain.quantity import format_quantity
from shopdesk.gui.context import AppContext
from shopdesk.gui.customer_dialogs import CustomerDialog
from shopdesk.gui.messages import error_text
from shopdesk.gui.product_picker import ProductPicker
from shopdesk.gui.scan_input import INFO
from shopdesk.services.cart_view import CartView
from shopdesk.services.catalog_search import SearchHit
from shopdesk.services.customers import CustomerService
from shopdesk.services.returns import (
    FLOOR,
    SCRAP,
    ReturnPick,
    ReturnsService,
    SaleForReturn,
    SaleSummary,
)
from shopdesk.services.staff_session import StaffSession

if TYPE_CHECKING:
    from shopdesk.gui.checkout_window import CheckoutWindow

SEARCH_LIMIT = 50


def install_returns(window: CheckoutWindow) -> None:
    """The checkout window's "Return… (F11)" button."""
    button = QPushButton(QCoreApplication.translate("ReturnsDialog", "Re&turn… (F11)"), window)
    button.setObjectName("returnButton")
    window.add_action(button, lambda: open_returns(window), Qt.Key.Key_F11)


def open_returns(window: CheckoutWindow) -> None:
    dialog = ReturnsDialog(window.ctx, window)
    if dialog.exec() and dialog.cart is not None:
        window.reload()
        view = dialog.cart
        if view.total < 0:
            text = dialog.tr("Returned items are in the cart. Scan new items for an exchange, or press "
                             "Pay (F12) to refund %1.").replace(
                "%1", format_money(-view.total, view.currency, view.locale))
        else:
            text = dialog.tr("Returned items are in the cart. Press Pay (F12) to take %1.").replace(
                "%1", format_money(view.total, view.currency, view.locale))
        window.show_message(text, INFO)
    window.focus_scan()


class ReturnsDialog(QDialog):
    RETURN, ITEM, SOLD, RETURNED, RETURNABLE, PAID, QUANTITY, DAMAGED = range(8)

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ReturnsService(ctx.db)
        self.sale: SaleForReturn | None = None
        self.cart: CartView | None = None  # the cart after OK
        self.setWindowTitle(self.tr("Return items"))
        self.resize(820, 560)

        self.receipt = QLineEdit(self)
        self.receipt.setObjectName("receiptEdit")
        self.receipt.setPlaceholderText(self.tr("Scan the receipt's barcode or type its number, then Enter"))
        self.receipt.returnPressed.connect(self.find_receipt)
        find = QPushButton(self.tr("&Find"), self)
        find.setAutoDefault(False)
        find.clicked.connect(self.find_receipt)

        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-30), self)
        self.date_to = QDateEdit(today, self)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
        self.amount = QLineEdit(self)
        self.amount.setObjectName("amountEdit")
        self.amount.setPlaceholderText(self.tr("Total (optional)"))
        self.amount.returnPressed.connect(self.search)
        self.customers = CustomerService(ctx.db)
        self.customer_id: str | None = None  # search only this customer's sales
        self.customer_button = QPushButton(self.tr("C&ustomer…"), self)
        self.customer_button.setObjectName("returnCustomerButton")
        self.customer_button.setAutoDefault(False)
        self.customer_button.clicked.connect(self.choose_customer)
        self.clear_customer_button = QPushButton(self.tr("Clear"), self)
        self.clear_customer_button.setObjectName("clearCustomerButton")
        self.clear_customer_button.setAutoDefault(False)
        self.clear_customer_button.setToolTip(self.tr("Search the sales of any customer"))
        self.clear_customer_button.clicked.connect(self.clear_customer)
        self.clear_customer_button.hide()
        search = QPushButton(self.tr("&Search"), self)
        search.setAutoDefault(False)
        search.clicked.connect(self.search)
        self.results = QTableWidget(0, 4, self)
        self.results.setObjectName("searchResults")
        self.results.setHorizontalHeaderLabels([self.tr("Receipt"), self.tr("Date"), self.tr("Total"),
                                                self.tr("Customer")])
        self.results.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.results.setMaximumHeight(140)
        self.results.cellActivated.connect(lambda row, _column: self._pick_result(row))
        self.results.cellDoubleClicked.connect(lambda row, _column: self._pick_result(row))
        self.results.hide()

        self.sale_label = QLabel(self.tr("No sale chosen yet."), self)
        self.sale_label.setObjectName("saleLabel")
        self.lines = QTableWidget(0, 8, self)
        self.lines.setObjectName("returnLines")
        self.lines.setHorizontalHeaderLabels([
            self.tr("Return"), self.tr("Item"), self.tr("Sold"), self.tr("Returned"), self.tr("Returnable"),
            self.tr("Paid each"), self.tr("Quantity"), self.tr("Damaged")])
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.horizontalHeader().setSectionResizeMode(self.ITEM, QHeaderView.ResizeMode.Stretch)
        self.error = QLabel(self)
        self.error.setObjectName("errorLabel")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)

        self.no_receipt_button = QPushButton(self.tr("Return &without receipt…"), self)
        self.no_receipt_button.setObjectName("noReceiptButton")
        self.no_receipt_button.setAutoDefault(False)
        self.no_receipt_button.clicked.connect(self.return_without_receipt)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Put in cart"))
        self.ok_button.setAutoDefault(False)
        self.ok_button.setEnabled(False)
        self.buttons.accepted.connect(self.put_in_cart)
        self.buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Receipt:"), self))
        top.addWidget(self.receipt, 1)
        top.addWidget(find)
        by_date = QHBoxLayout()
        by_date.addWidget(QLabel(self.tr("or sold from"), self))
        by_date.addWidget(self.date_from)
        by_date.addWidget(QLabel(self.tr("to"), self))
        by_date.addWidget(self.date_to)
        by_date.addWidget(self.amount, 1)
        by_date.addWidget(self.customer_button)
        by_date.addWidget(self.clear_customer_button)
        by_date.addWidget(search)
        bottom = QHBoxLayout()
        bottom.addWidget(self.no_receipt_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(by_date)
        layout.addWidget(self.results)
        layout.addWidget(self.sale_label)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.error)
        layout.addLayout(bottom)
        self.receipt.setFocus()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.activateWindow()
        self.receipt.setFocus(Qt.FocusReason.ActiveWindowFocusReason)  # ready for the receipt scan

    # -- finding the sale ----------------------------------------------------------------
    def find_receipt(self) -> None:
        try:
            sale = self.service.find_by_receipt(self.receipt.text(), self.ctx.till.till_id)
        except ShopDeskError as err:
            self._fail(err)
            self.receipt.selectAll()
            return
        self.show_sale(sale)

    def search(self) -> None:
        store = self.ctx.store
        try:
            text = self.amount.text().strip()
            amount = parse_money(text, store.currency, store.locale, field="amount") if text else None
            found = self.service.search(_day(self.date_from.date()), _day(self.date_to.date()), amount=amount,
                                        customer_id=self.customer_id, limit=SEARCH_LIMIT)
        except ShopDeskError as err:
            self._fail(err)
            return
        self.error.clear()
        self.results.setRowCount(len(found))
        for row, summary in enumerate(found):
            local = summary.created_at.astimezone()
            cells = [summary.receipt_number, local.strftime("%Y-%m-%d %H:%M"),
                     format_money(summary.total, store.currency, store.locale), summary.customer_name]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, summary)
                self.results.setItem(row, column, item)
        self.results.setVisible(True)
        if not found:
            self.error.setText(self.tr("No sale matches; widen the dates or clear the amount or customer."))

    def choose_customer(self) -> None:
        """Find the customer as in F5, but only to narrow the search: nothing is attached."""
        store = self.ctx.store
        dialog = CustomerDialog(self.customers, self.ctx.require_staff, store.currency, store.locale,
                                parent=self)
        dialog.setWindowTitle(self.tr("Sales of which customer?"))
        dialog.attach_button.setText(self.tr("&Choose"))
        dialog.new_button.hide()  # a customer registered now has no earlier sale to return
        dialog.detach_button.hide()
        if not dialog.exec() or dialog.chosen_id is None:
            return
        hit = dialog.current_hit()
        if hit is not None and hit.id == dialog.chosen_id:
            name = hit.name
        else:
            try:
                name = self.customers.get(dialog.chosen_id).name
            except ShopDeskError as err:
                self._fail(err)
                return
        self.set_customer(dialog.chosen_id, name)

    def set_customer(self, customer_id: str | None, name: str = "") -> None:
        self.customer_id = customer_id
        if customer_id is None:
            self.customer_button.setText(self.tr("C&ustomer…"))
            self.customer_button.setToolTip("")
        else:
            self.customer_button.setText(self.tr("Customer: %1").replace("%1", name.replace("&", "&&")))
            self.customer_button.setToolTip(self.tr("Only sales of %1; click to choose another").replace(
                "%1", name))
        self.clear_customer_button.setVisible(customer_id is not None)

    def clear_customer(self) -> None:
        self.set_customer(None)

    def _pick_result(self, row: int) -> None:
        item = self.results.item(row, 0)
        summary: SaleSummary | None = item.data(Qt.ItemDataRole.UserRole) if item else None
        if summary is None:
            return
        try:
            self.show_sale(self.service.sale(summary.sale_id, self.ctx.till.till_id))
        except ShopDeskError as err:
            self._fail(err)

    def show_sale(self, sale: SaleForReturn) -> None:
        self.sale = sale
        self.error.clear()
        store = self.ctx.store
        when = sale.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        text = self.tr("Receipt %1 of %2 — total %3").replace("%1", sale.receipt_number).replace(
            "%2", when).replace("%3", format_money(sale.total, sale.currency, store.locale))
        if sale.customer_name:
            text += " — " + sale.customer_name
        self.sale_label.setText(text)
        self.lines.setRowCount(len(sale.lines))
        for row, line in enumerate(sale.lines):
            returnable = line.returnable > 0
            tick = QCheckBox(self.lines)
            tick.setEnabled(returnable)
            spin = QDoubleSpinBox(self.lines)
            spin.setDecimals(0 if line.unit == "piece" else 3)
            spin.setRange(0, float(line.returnable))
            spin.setEnabled(returnable)
            damaged = QCheckBox(self.tr("damaged"), self.lines)
            damaged.setEnabled(returnable)
            tick.toggled.connect(lambda on, s=spin, r=line.returnable: self._ticked(on, s, r))
            spin.valueChanged.connect(lambda value, t=tick: self._quantity_changed(value, t))
            self.lines.setCellWidget(row, self.RETURN, tick)
            self.lines.setCellWidget(row, self.QUANTITY, spin)
            self.lines.setCellWidget(row, self.DAMAGED, damaged)
            cells = {
                self.ITEM: f"{line.name}  ·  {line.sku}",
                self.SOLD: format_quantity(line.sold, store.locale),
                self.RETURNED: format_quantity(line.returned + line.in_cart, store.locale),
                self.RETURNABLE: format_quantity(line.returnable, store.locale),
                self.PAID: format_money(line.paid_per_unit, sale.currency, store.locale),
            }
            for column, value in cells.items():
                item = QTableWidgetItem(value)
                if column != self.ITEM:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.lines.setItem(row, column, item)
        self.lines.resizeColumnsToContents()
        self.lines.horizontalHeader().setSectionResizeMode(self.ITEM, QHeaderView.ResizeMode.Stretch)
        if not sale.anything_returnable:
            self.error.setText(self.tr("Everything on receipt %1 has been returned already.").replace(
                "%1", sale.receipt_number))
        self._update_ok()

    # -- the cashier's choices -------------------------------------------------------------
    def tick(self, row: int) -> QCheckBox:
        return self.lines.cellWidget(row, self.RETURN)

    def quantity(self, row: int) -> QDoubleSpinBox:
        return self.lines.cellWidget(row, self.QUANTITY)

    def damaged(self, row: int) -> QCheckBox:
        return self.lines.cellWidget(row, self.DAMAGED)

    def row_of_sku(self, sku: str) -> int:
        if self.sale is None:
            return -1
        return next((n for n, line in enumerate(self.sale.lines) if line.sku == sku), -1)

    def _ticked(self, on: bool, spin: QDoubleSpinBox, returnable: Decimal) -> None:
        if on and spin.value() == 0:
            spin.setValue(float(returnable))  # ticking a line returns all that is left of it
        elif not on and spin.value() != 0:
            spin.setValue(0)
        self._update_ok()

    def _quantity_changed(self, value: float, tick: QCheckBox) -> None:
        if (value > 0) != tick.isChecked():
            tick.setChecked(value > 0)
        self._update_ok()

    def picks(self) -> list[ReturnPick]:
        if self.sale is None:
            return []
        found = []
        for row, line in enumerate(self.sale.lines):
            spin = self.quantity(row)
            if not self.tick(row).isChecked() or spin.value() <= 0:
                continue
            quantity = Decimal(f"{spin.value():.{spin.decimals()}f}")
            found.append(ReturnPick(line.line_id, quantity, SCRAP if self.damaged(row).isChecked() else FLOOR))
        return found

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self.picks()))

    def put_in_cart(self) -> None:
        picks = self.picks()
        if self.sale is None or not picks:
            self.error.setText(self.tr("Tick the lines to return and set their quantities."))
            return
        try:
            self.cart = self.service.return_lines(self.ctx.require_staff(), self.ctx.till.till_id,
                                                  self.sale.sale_id, picks)
        except ShopDeskError as err:
            self._fail(err)
            return
        self.accept()

    # -- no receipt ----------------------------------------------------------------------
    def return_without_receipt(self) -> None:
        staff = self.ctx.require_staff()
        details = NoReceiptDialog(self.ctx, self)
        if not details.exec() or details.product is None:
            return
        approver = None
        if not staff.can(Permission.REFUND):
            approver = ask_approval(self.ctx, self.tr("A return without a receipt needs a manager's approval."),
                                    self)
            if approver is None:
                return
        try:
            self.cart = self.service.return_without_receipt(
                staff, self.ctx.till.till_id, details.product.product_id, details.quantity_value(),
                details.price_value(), SCRAP if details.damaged.isChecked() else FLOOR, approver=approver)
        except ShopDeskError as err:
            self._fail(err)
            return
        self.accept()

    def _fail(self, err: ShopDeskError) -> None:
        self.error.setText(error_text(err))


class NoReceiptDialog(QDialog):
    """Which product, how many, at what price per item, and whether it is damaged."""

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product: SearchHit | None = None
        self.setWindowTitle(self.tr("Return without receipt"))
        self.product_button = QPushButton(self.tr("Choose product…"), self)
        self.product_button.clicked.connect(self.choose_product)
        self.quantity = QDoubleSpinBox(self)
        self.quantity.setRange(0, 9999)
        self.quantity.setDecimals(0)
        self.quantity.setValue(1)
        self.price = QLineEdit(self)
        self.price.setObjectName("priceEdit")
        self.damaged = QCheckBox(self.tr("Damaged (goes to scrap)"), self)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Product:"), self.product_button)
        form.addRow(self.tr("Quantity:"), self.quantity)
        form.addRow(self.tr("Refund per item:"), self.price)
        form.addRow(self.damaged)
        form.addRow(self.error)
        form.addRow(buttons)

    def choose_product(self) -> None:
        store = self.ctx.store
        picker = ProductPicker(self.ctx.search, store.currency, store.locale, "", self)
        if picker.exec() and picker.chosen is not None:
            self.set_product(picker.chosen)

    def set_product(self, hit: SearchHit) -> None:
        store = self.ctx.store
        self.product = hit
        self.product_button.setText(f"{hit.name}  ·  {hit.sku}")
        self.quantity.setDecimals(0 if hit.unit == "piece" else 3)
        self.price.setText(format_amount(hit.price, store.currency, store.locale))

    def quantity_value(self) -> Decimal:
        return Decimal(f"{self.quantity.value():.{self.quantity.decimals()}f}")

    def price_value(self) -> int:
        store = self.ctx.store
        return parse_money(self.price.text(), store.currency, store.locale, field="unit_price",
                           allow_negative=False)

    def try_accept(self) -> None:
        if self.product is None:
            self.error.setText(self.tr("Choose the product being returned."))
            return
        try:
            self.price_value()
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        if self.quantity.value() <= 0:
            self.error.setText(self.tr("Enter how many are returned."))
            return
        self.accept()


class ApprovalDialog(QDialog):
    """A manager picks their name and types their PIN to approve one action."""

    def __init__(self, ctx: AppContext, reason: str, permission: Permission = Permission.REFUND,
                 parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.approver: StaffSession | None = None
        self.permission = permission
        self.setWindowTitle(self.tr("Manager approval"))
        self.staff_combo = QComboBox(self)
        for member in ctx.auth.staff():
            if member.has_pin and role_allows(member.role, permission):
                self.staff_combo.addItem(f"{member.display_name} ({member.username})", member.username)
        self.pin = QLineEdit(self)
        self.pin.setObjectName("approvalPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.returnPressed.connect(self.try_approve)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.try_approve)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel(reason, self))
        form.addRow(self.tr("Manager:"), self.staff_combo)
        form.addRow(self.tr("PIN:"), self.pin)
        form.addRow(self.error)
        form.addRow(buttons)
        self.pin.setFocus()

    def try_approve(self) -> None:
        try:
            session = self.ctx.auth.login_pin(self.staff_combo.currentData() or "", self.pin.text())
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            self.pin.clear()
            return
        if not session.can(self.permission):
            self.error.setText(self.tr("%1 may not approve this.").replace("%1", session.display_name))
            self.pin.clear()
            return
        self.approver = session
        self.accept()


def ask_approval(ctx: AppContext, reason: str, parent=None) -> StaffSession | None:
    """The approving manager, or None when the cashier cancelled."""
    dialog = ApprovalDialog(ctx, reason, parent=parent)
    return dialog.approver if dialog.exec() else None


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
