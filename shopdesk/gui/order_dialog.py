"""A new order to ship, taken on the phone or from an e-mail: who it goes to (typed, or
filled from a customer), the lines (scanned, typed as a SKU, or found by name), shipping,
cash on delivery, a note, and money already taken. "Create order" hands it all to the
order service in one go; when it refuses, the dialog stays open with the message and the
field it names has the focus.

As in the purchase order dialog, Enter in the scan field adds a line and never creates
the order: no button is a default button.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.cart import line_amount
from shopdesk.domain.errors import ShopDeskError, ValidationError
from shopdesk.domain.money import format_amount, format_money, parse_money
from shopdesk.domain.quantity import format_quantity, parse_quantity
from shopdesk.domain.shipping import Address
from shopdesk.gui.context import AppContext
from shopdesk.gui.customer_dialogs import CustomerDialog
from shopdesk.gui.draft_lines_model import DraftLinesModel, draft_lines_table
from shopdesk.gui.messages import error_text
from shopdesk.gui.order_payment_dialogs import fill_methods
from shopdesk.gui.product_picker import ProductPicker
from shopdesk.gui.scan_input import (
    ERROR,
    INFO,
    SUCCESS,
    MessageStrip,
    QuantityField,
    ScanKeyRouter,
    split_quantity_prefix,
)
from shopdesk.services.customers import CustomerService
from shopdesk.services.orders import OrderDraft, OrderLineDraft, OrderView, PaymentDraft

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
SHIPPING_METHODS = ("Standard", "Express", "Next day", "Collect in shop")


@dataclass
class DraftOrderLine:
    product_id: str
    sku: str
    name: str
    quantity: Decimal
    unit_price: int


class OrderDraftLinesModel(DraftLinesModel):
    """The lines of the order being taken; the quantity is editable."""

    SKU, PRODUCT, QUANTITY, PRICE, TOTAL = range(5)
    problem = Signal(str)

    def __init__(self, currency: str, locale: str, parent=None) -> None:
        super().__init__(parent)
        self.currency, self.locale = currency, locale
        self.headers = [self.tr("SKU"), self.tr("Product"), self.tr("Qty"), self.tr("Price"), self.tr("Total")]

    def lines_total(self) -> int:
        return sum(line_amount(line.quantity, line.unit_price) for line in self.lines)

    def drafts(self) -> tuple[OrderLineDraft, ...]:
        return tuple(OrderLineDraft(quantity=line.quantity, product_id=line.product_id) for line in self.lines)

    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and index.column() == self.QUANTITY:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        line, column = self.lines[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (line.sku, line.name, format_quantity(line.quantity, self.locale),
                    format_money(line.unit_price, self.currency, self.locale),
                    format_money(line_amount(line.quantity, line.unit_price), self.currency, self.locale))[column]
        if role == Qt.ItemDataRole.EditRole and column == self.QUANTITY:
            return format_quantity(line.quantity, self.locale)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= self.QUANTITY:
            return RIGHT
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or index.column() != self.QUANTITY:
            return False
        line = self.lines[index.row()]
        try:
            line.quantity = parse_quantity(str(value), self.locale, field="quantity")
        except ShopDeskError as err:
            self.problem.emit(f"{line.name}: {error_text(err)}")
            return False
        self.dataChanged.emit(self.index(index.row(), self.QUANTITY), self.index(index.row(), self.TOTAL))
        return True


class OrderDialog(QDialog):
    """Take an order; ``view`` is the created order (an :class:`OrderView`) once accepted."""

    def __init__(self, ctx: AppContext, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.view: OrderView | None = None
        self.customer_id: str | None = None
        self.customers = CustomerService(ctx.db)
        self.setObjectName("orderDialog")
        self.setWindowTitle(self.tr("New order"))
        self.resize(1040, 640)
        store = ctx.store
        self.currency, self.locale = store.currency, store.locale

        # -- who it goes to ----------------------------------------------------------------
        self.customer_label = QLabel(self.tr("No customer (type the address below)."), self)
        self.customer_label.setObjectName("orderCustomer")
        self.customer_label.setWordWrap(True)
        self.customer_button = QPushButton(self.tr("C&ustomer… (F5)"), self)
        self.customer_button.setObjectName("orderCustomerButton")
        self.customer_button.clicked.connect(self.choose_customer)
        self.customer_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F5), self)
        self.customer_shortcut.activated.connect(self.choose_customer)

        def line_edit(name: str, placeholder: str = "") -> QLineEdit:
            edit = QLineEdit(self)
            edit.setObjectName(name)
            edit.setPlaceholderText(placeholder)
            return edit

        self.ship_name = line_edit("shipName", self.tr("Required"))
        self.ship_company = line_edit("shipCompany")
        self.ship_street = QPlainTextEdit(self)
        self.ship_street.setObjectName("shipStreet")
        self.ship_street.setPlaceholderText(self.tr("Street and house, one line each (up to 4)"))
        self.ship_street.setTabChangesFocus(True)
        self.ship_street.setFixedHeight(64)
        self.ship_postcode = line_edit("shipPostcode")
        self.ship_postcode.setMaximumWidth(120)
        self.ship_city = line_edit("shipCity")
        self.ship_region = line_edit("shipRegion", self.tr("County, state, province"))
        self.ship_country = line_edit("shipCountry", self.tr("GB"))
        self.ship_country.setMaximumWidth(60)
        self.ship_country.setToolTip(self.tr("Two-letter country code, e.g. GB, DE, US"))
        self.ship_phone = line_edit("shipPhone")
        self.ship_email = line_edit("shipEmail")

        address = QGroupBox(self.tr("Ship to"), self)
        form = QFormLayout(address)
        customer_row = QHBoxLayout()
        customer_row.addWidget(self.customer_label, 1)
        customer_row.addWidget(self.customer_button)
        form.addRow(customer_row)
        form.addRow(self.tr("&Name:"), self.ship_name)
        form.addRow(self.tr("Compan&y:"), self.ship_company)
        form.addRow(self.tr("&Street:"), self.ship_street)
        city_row = QHBoxLayout()
        city_row.addWidget(self.ship_postcode)
        city_row.addWidget(self.ship_city, 1)
        form.addRow(self._buddy(self.tr("&Postcode, city:"), self.ship_postcode), city_row)
        form.addRow(self.tr("Re&gion:"), self.ship_region)
        form.addRow(self.tr("Co&untry:"), self.ship_country)
        form.addRow(self.tr("P&hone:"), self.ship_phone)
        form.addRow(self.tr("E-&mail:"), self.ship_email)

        # -- shipping, money, note -----------------------------------------------------------
        self.shipping_method = QComboBox(self)
        self.shipping_method.setObjectName("shippingMethod")
        self.shipping_method.setEditable(True)
        self.shipping_method.addItems([self.tr(m) for m in SHIPPING_METHODS])
        self.shipping_charge = line_edit("shippingCharge", format_amount(0, self.currency, self.locale))
        self.shipping_charge.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.shipping_charge.setMaximumWidth(120)
        self.cash_on_delivery = QCheckBox(self.tr("Cash on &delivery"), self)
        self.cash_on_delivery.setObjectName("cashOnDelivery")
        self.note = QPlainTextEdit(self)
        self.note.setObjectName("orderNote")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(48)
        self.paid_method = QComboBox(self)
        self.paid_method.setObjectName("paidNowMethod")
        fill_methods(self.paid_method, (self.tr("Not paid yet"), None))
        self.paid_amount = line_edit("paidNowAmount")
        self.paid_amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.paid_amount.setMaximumWidth(120)
        self.paid_amount.setEnabled(False)
        self.paid_method.currentIndexChanged.connect(self._paid_method_changed)

        extras = QGroupBox(self.tr("Shipping and payment"), self)
        extras_form = QFormLayout(extras)
        extras_form.addRow(self.tr("Shipping &method:"), self.shipping_method)
        charge_row = QHBoxLayout()
        charge_row.addWidget(self.shipping_charge)
        charge_row.addWidget(self.cash_on_delivery)
        charge_row.addStretch(1)
        extras_form.addRow(self._buddy(self.tr("Shipping &charge:"), self.shipping_charge), charge_row)
        paid_row = QHBoxLayout()
        paid_row.addWidget(self.paid_method, 1)
        paid_row.addWidget(self.paid_amount)
        extras_form.addRow(self._buddy(self.tr("Paid n&ow:"), self.paid_method), paid_row)
        extras_form.addRow(self.tr("N&ote:"), self.note)

        # -- lines -------------------------------------------------------------------------
        self.scan_field = line_edit("orderScan", self.tr("Scan or type a barcode or SKU, then Enter (F3: find)"))
        self.scan_field.returnPressed.connect(self._on_scan_entered)
        self.quantity_field = QuantityField(self, "orderQuantity")
        self.quantity_field.setToolTip(self.tr("Quantity for the next scan; goes back to 1 after it."))
        self.find_button = QPushButton(self.tr("&Find… (F3)"), self)
        self.find_button.setObjectName("orderFindButton")
        self.find_button.clicked.connect(self.find_product)
        self.find_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F3), self)
        self.find_shortcut.activated.connect(self.find_product)
        self.model = OrderDraftLinesModel(self.currency, self.locale, self)
        self.model.problem.connect(self._refuse)
        self.table = draft_lines_table(self, self.model, "orderLines", OrderDraftLinesModel.PRODUCT, self)
        self.remove_button = QPushButton(self.tr("&Remove line (Del)"), self)
        self.remove_button.setObjectName("orderRemoveLine")
        self.remove_button.clicked.connect(self.remove_selected)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("orderTotal")
        self.total_label.setStyleSheet("font-weight: bold;")
        self.total_label.setAlignment(RIGHT)
        self.message = MessageStrip(self, "orderMessage")

        lines_box = QGroupBox(self.tr("Lines"), self)
        lines_layout = QVBoxLayout(lines_box)
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(QLabel(self.tr("Qty:"), self))
        scan_row.addWidget(self.quantity_field)
        scan_row.addWidget(self.find_button)
        lines_layout.addLayout(scan_row)
        lines_layout.addWidget(self.table, 1)
        below = QHBoxLayout()
        below.addWidget(self.remove_button)
        below.addWidget(self.total_label, 1)
        lines_layout.addLayout(below)

        self.create_button = QPushButton(self.tr("&Create order"), self)
        self.create_button.setObjectName("createOrderButton")
        self.create_button.clicked.connect(self.create)
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.reject)
        for button in (self.customer_button, self.find_button, self.remove_button, self.create_button,
                       self.cancel_button):
            button.setAutoDefault(False)
            button.setDefault(False)

        left = QVBoxLayout()
        left.addWidget(address)
        left.addWidget(extras)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(lines_box, 1)
        body = QHBoxLayout()
        body.addLayout(left, 5)
        body.addLayout(right, 6)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.create_button)
        root = QVBoxLayout(self)
        root.addLayout(body, 1)
        root.addWidget(self.message)
        root.addLayout(buttons)

        self.scan_router = ScanKeyRouter(self.scan_field, self._on_scan_entered, self)
        self.scan_router.watch((self.table, self.remove_button, self.find_button))
        for signal in (self.model.rowsInserted, self.model.rowsRemoved, self.model.dataChanged):
            signal.connect(self._update_total)
        self.shipping_charge.textChanged.connect(self._update_total)
        self.message.show_message(self.tr("Type who the order goes to, then scan or type what they ordered; "
                                             "double-click (or F2) a quantity to change it."), INFO)
        self._update_total()
        self.ship_name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _buddy(self, text: str, widget: QWidget) -> QLabel:
        """A form label whose Alt+letter goes to ``widget`` (rows holding a layout have none)."""
        label = QLabel(text, self)
        label.setBuddy(widget)
        return label

    # -- the customer --------------------------------------------------------------------
    def choose_customer(self) -> None:
        store = self.ctx.store
        dialog = CustomerDialog(self.customers, self.ctx.require_staff, store.currency, store.locale,
                                current_id=self.customer_id, parent=self)
        dialog.setWindowTitle(self.tr("Order for which customer?"))
        dialog.attach_button.setText(self.tr("&Choose"))
        dialog.detach_button.setText(self.tr("&No customer"))
        if not dialog.exec():
            return
        if dialog.detach:
            self.customer_id = None
            self.customer_label.setText(self.tr("No customer (type the address below)."))
            return
        if dialog.chosen_id is None:
            return
        try:
            customer = self.customers.get(dialog.chosen_id)
        except ShopDeskError as err:
            self._refuse(error_text(err))
            return
        self.customer_id = customer.id
        self.customer_label.setText(self.tr("Customer: %1").replace("%1", customer.name))
        self.ship_name.setText(customer.name)
        if customer.phone:
            self.ship_phone.setText(customer.phone)
        if customer.email:
            self.ship_email.setText(customer.email)
        if customer.address.strip():
            rows = [row.strip() for row in customer.address.replace(",", "\n").splitlines() if row.strip()]
            self.ship_street.setPlainText("\n".join(rows))
        self.message.show_message(self.tr("Address filled from %1; check the postcode, city and country.")
                                  .replace("%1", customer.name), INFO)
        self.ship_street.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- lines ---------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        if watched is getattr(self, "table", None) and event.type() == QEvent.Type.KeyPress and event.key() in (
                Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.table.state() != QAbstractItemView.State.EditingState:
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)

    def _on_scan_entered(self) -> None:
        text = self.scan_field.text()
        self.scan_field.clear()
        if text.strip():
            self.add_code(text)

    def _quantity(self, typed: str | None) -> Decimal:
        text = typed or self.quantity_field.text().strip() or "1"
        self.quantity_field.reset()
        return parse_quantity(text, self.locale, field="quantity")

    def add_code(self, text: str) -> None:
        prefix, code = split_quantity_prefix(text)
        try:
            quantity = self._quantity(prefix)
        except ShopDeskError as err:
            self._refuse(error_text(err))
            return
        hit = self.ctx.search.lookup_code(code.strip())
        if hit is None:
            self._refuse(self.tr("%1 is not in the catalog (or was misread): scan it again or press F3 to find it.")
                         .replace("%1", code.strip()))
            return
        if not hit.active:
            self._refuse(self.tr("%1 is not for sale (inactive in the catalog).").replace("%1", hit.name))
            return
        self.add_product(hit.product_id, hit.sku, hit.name, quantity, hit.price)

    def add_product(self, product_id: str, sku: str, name: str, quantity: Decimal, price: int) -> None:
        row = self.model.add_line(DraftOrderLine(product_id, sku, name, quantity, price))
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        self.message.show_message(self.tr("%1 × %2 on the order").replace(
            "%1", format_quantity(self.model.lines[row].quantity, self.locale)).replace("%2", name), SUCCESS)

    def find_product(self) -> None:
        prefix, text = split_quantity_prefix(self.scan_field.text().strip())
        picker = ProductPicker(self.ctx.search, self.currency, self.locale, text, self)
        if picker.exec() and picker.chosen is not None:
            self.scan_field.clear()
            hit = picker.chosen
            try:
                quantity = self._quantity(prefix)
            except ShopDeskError as err:
                self._refuse(error_text(err))
                return
            self.add_product(hit.product_id, hit.sku, hit.name, quantity, hit.price)
        self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def remove_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        line = self.model.remove(rows[0].row())
        if line is not None:
            self.message.show_message(self.tr("%1 removed from the order.").replace("%1", line.name), INFO)
        self.scan_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def _refuse(self, text: str) -> None:
        QApplication.beep()
        self.message.show_message(text, ERROR)

    # -- money ---------------------------------------------------------------------------
    def _paid_method_changed(self) -> None:
        taking = self.paid_method.currentData() is not None
        self.paid_amount.setEnabled(taking)
        if taking and not self.paid_amount.text().strip():
            total = self._estimated_total()
            if total is not None:
                self.paid_amount.setText(format_amount(total, self.currency, self.locale))
        if not taking:
            self.paid_amount.clear()

    def _shipping_charge(self) -> int:
        text = self.shipping_charge.text().strip()
        if not text:
            return 0
        return parse_money(text, self.currency, self.locale, field="shipping_charge", allow_negative=False)

    def _estimated_total(self) -> int | None:
        """What the order will total (the service prices it: tax on top included), or None
        while the lines or the charge cannot be read."""
        try:
            return self.ctx.orders.quote(self.model.drafts(), self._shipping_charge()).grand_total
        except ShopDeskError:
            return None

    def _update_total(self, *_args) -> None:
        money = lambda amount: format_money(amount, self.currency, self.locale)  # noqa: E731
        try:
            charge = self._shipping_charge()
        except ShopDeskError:
            self.total_label.setText(self.tr("%1 line(s) · %2 · shipping charge?").replace(
                "%1", str(len(self.model.lines))).replace("%2", money(self.model.lines_total())))
            return
        total = self._estimated_total()
        text = self.tr("%1 line(s) · shipping %2 · Total %3").replace(
            "%3", money(total) if total is not None else "?")
        self.total_label.setText(text.replace("%1", str(len(self.model.lines))).replace("%2", money(charge)))

    # -- creating ------------------------------------------------------------------------
    def address(self) -> Address:
        street = tuple(row.strip() for row in self.ship_street.toPlainText().splitlines() if row.strip())
        return Address(name=self.ship_name.text(), company=self.ship_company.text(), lines=street,
                       city=self.ship_city.text(), postcode=self.ship_postcode.text(),
                       region=self.ship_region.text(), country=self.ship_country.text(),
                       phone=self.ship_phone.text(), email=self.ship_email.text())

    def draft(self) -> OrderDraft:
        """What the dialog holds, as the service takes it (money typed is parsed here)."""
        payments: tuple[PaymentDraft, ...] = ()
        method = self.paid_method.currentData()
        if method is not None:
            amount = parse_money(self.paid_amount.text(), self.currency, self.locale, field="amount",
                                 allow_negative=False)
            payments = (PaymentDraft(method, amount),)
        return OrderDraft(ship_to=self.address(), lines=self.model.drafts(), customer_id=self.customer_id,
                          shipping_method=self.shipping_method.currentText().strip(),
                          shipping_charge=self._shipping_charge(),
                          cash_on_delivery=self.cash_on_delivery.isChecked(),
                          note=self.note.toPlainText().strip(), payments=payments)

    def _field_widget(self, field: str) -> QWidget | None:
        return {
            "ship_name": self.ship_name, "name": self.ship_name, "ship_company": self.ship_company,
            "ship_lines": self.ship_street, "ship_city": self.ship_city, "ship_postcode": self.ship_postcode,
            "ship_region": self.ship_region, "ship_country": self.ship_country, "country": self.ship_country,
            "ship_phone": self.ship_phone, "ship_email": self.ship_email, "shipping_charge": self.shipping_charge,
            "amount": self.paid_amount, "method": self.paid_method, "lines": self.scan_field,
            "quantity": self.table,
        }.get(field)

    def create(self) -> None:
        try:
            draft = self.draft()
            self.view = self.ctx.orders.create(self.ctx.require_staff(), draft)
        except ShopDeskError as err:
            self.view = None
            self._refuse(error_text(err))
            widget = self._field_widget(err.field) if isinstance(err, ValidationError) else None
            if widget is not None:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                if isinstance(widget, QLineEdit):
                    widget.selectAll()
            return
        self.accept()
