"""The "Purchase orders" and "Suppliers" tabs of the stock window.

Purchase orders: filter by status and supplier, read an order's lines (what is still
outstanding), create one by scanning (purchase_order_dialog.py) or cancel one nothing has
arrived for. Suppliers: find, add, edit, deactivate and reactivate them. Buttons mirror
the staff's permissions; the services make the real check.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_money
from shopdesk.domain.permissions import Permission
from shopdesk.domain.quantity import format_quantity
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.purchase_order_dialog import NewPurchaseOrderDialog
from shopdesk.gui.scan_input import ERROR, SUCCESS
from shopdesk.gui.stock_report_tabs import Say
from shopdesk.gui.supplier_dialog import SupplierDialog
from shopdesk.services.purchasing import (
    PurchaseOrderService,
    PurchaseOrderSummary,
    PurchaseOrderView,
    line_cost,
)
from shopdesk.services.suppliers import SupplierService, SupplierView

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def status_label(status: str) -> str:
    return QCoreApplication.translate("po_status", status)


def read_only_table(parent: QWidget, name: str, headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def fill_row(table: QTableWidget, row: int, cells, right_columns=(), data=None) -> None:
    for column, text in enumerate(cells):
        item = QTableWidgetItem(text)
        if column in right_columns:
            item.setTextAlignment(RIGHT)
        if column == 0 and data is not None:
            item.setData(Qt.ItemDataRole.UserRole, data)
        table.setItem(row, column, item)


class PurchaseOrdersTab(QWidget):
    """Orders to suppliers, newest first; the selected order's lines below."""

    NUMBER, SUPPLIER, STATUS, CREATED, LINES, ORDERED, RECEIVED = range(7)
    SKU, PRODUCT, L_ORDERED, L_RECEIVED, OUTSTANDING, UNIT_COST, LINE_COST = range(7)

    def __init__(self, ctx: AppContext, say: Say, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.say = ctx, say
        self.service = PurchaseOrderService(ctx.db)
        self.orders: list[PurchaseOrderSummary] = []
        self.order: PurchaseOrderView | None = None

        self.status = QComboBox(self)
        self.status.setObjectName("poStatusFilter")
        for status in ("open", "received", "cancelled"):
            self.status.addItem(status_label(status), status)
        self.status.addItem(self.tr("all"), None)
        self.supplier = QComboBox(self)
        self.supplier.setObjectName("poSupplierFilter")
        self.supplier.setMinimumWidth(220)
        self.refresh_button = QPushButton(self.tr("Re&fresh"), self)
        self.refresh_button.clicked.connect(self.reload)
        self.new_button = QPushButton(self.tr("&New order…"), self)
        self.new_button.setObjectName("newOrderButton")
        self.new_button.clicked.connect(self.new_order)
        self.cancel_button = QPushButton(self.tr("&Cancel order…"), self)
        self.cancel_button.setObjectName("cancelOrderButton")
        self.cancel_button.clicked.connect(self.cancel_order)

        self.table = read_only_table(self, "purchaseOrdersTable", [
            self.tr("Number"), self.tr("Supplier"), self.tr("Status"), self.tr("Created"), self.tr("Lines"),
            self.tr("Ordered"), self.tr("Received")], self.SUPPLIER)
        self.table.itemSelectionChanged.connect(self._order_chosen)
        self.title = QLabel(self)
        self.title.setObjectName("poTitle")
        self.title.setStyleSheet("font-weight: bold;")
        self.title.setWordWrap(True)
        self.lines = read_only_table(self, "purchaseOrderLines", [
            self.tr("SKU"), self.tr("Product"), self.tr("Ordered"), self.tr("Received"), self.tr("Outstanding"),
            self.tr("Unit cost"), self.tr("Line cost")], self.PRODUCT)
        self.total_label = QLabel(self)
        self.total_label.setObjectName("poDetailTotal")
        self.total_label.setStyleSheet("font-weight: bold;")

        status_caption = QLabel(self.tr("&Status:"), self)
        status_caption.setBuddy(self.status)
        supplier_label = QLabel(self.tr("Su&pplier:"), self)
        supplier_label.setBuddy(self.supplier)
        filters = QHBoxLayout()
        filters.addWidget(status_caption)
        filters.addWidget(self.status)
        filters.addWidget(supplier_label)
        filters.addWidget(self.supplier)
        filters.addWidget(self.refresh_button)
        filters.addStretch(1)
        filters.addWidget(self.new_button)
        filters.addWidget(self.cancel_button)
        detail = QWidget(self)
        below = QVBoxLayout(detail)
        below.setContentsMargins(0, 0, 0, 0)
        below.addWidget(self.title)
        below.addWidget(self.lines, 1)
        below.addWidget(self.total_label)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([260, 240])
        root = QVBoxLayout(self)
        root.addLayout(filters)
        root.addWidget(splitter, 1)

        self.load_suppliers()
        self.status.currentIndexChanged.connect(self.reload)
        self.supplier.currentIndexChanged.connect(self.reload)
        self.reload()
        self.refresh_permissions()

    # -- permissions --------------------------------------------------------------------
    def _may_order(self) -> bool:
        staff = self.ctx.staff
        return bool(staff and staff.can(Permission.ORDER_STOCK))

    def refresh_permissions(self) -> None:
        order = self.selected()
        self.new_button.setEnabled(self._may_order())
        self.cancel_button.setEnabled(self._may_order() and order is not None and order.status == "open"
                                      and order.received == 0)

    # -- loading ------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        # Suppliers and orders change on other tabs (Suppliers, Low stock): show them fresh.
        super().showEvent(event)
        self.load_suppliers()
        self.reload()

    def load_suppliers(self) -> None:
        current = self.supplier.currentData()
        self.supplier.blockSignals(True)
        self.supplier.clear()
        self.supplier.addItem(self.tr("All suppliers"), None)
        for supplier in SupplierService(self.ctx.db).list(active_only=False):
            inactive = "" if supplier.active else self.tr(" (inactive)")
            self.supplier.addItem(f"{supplier.name} ({supplier.code}){inactive}", supplier.id)
        self.supplier.setCurrentIndex(max(0, self.supplier.findData(current)))
        self.supplier.blockSignals(False)

    def reload(self, *_args, select_id: str | None = None) -> None:
        keep = select_id or (self.selected().id if self.selected() else None)
        try:
            self.orders = self.service.list_orders(self.status.currentData(), self.supplier.currentData())
        except ShopDeskError as err:
            self.say(error_text(err), ERROR)
            self.orders = []
        locale = self.ctx.store.locale
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(self.orders))
        for n, order in enumerate(self.orders):
            fill_row(self.table, n, (
                order.number, order.supplier_name, status_label(order.status),
                order.created_at.astimezone().strftime("%Y-%m-%d %H:%M"), str(order.line_count),
                format_quantity(order.ordered, locale), format_quantity(order.received, locale)),
                right_columns=(self.LINES, self.ORDERED, self.RECEIVED), data=order.id)
        self.table.blockSignals(False)
        row = next((n for n, order in enumerate(self.orders) if order.id == keep), None)
        if row is not None:
            self.table.selectRow(row)
        self._order_chosen()

    def selected(self) -> PurchaseOrderSummary | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.orders):
            return None
        return self.orders[rows[0].row()]

    def _order_chosen(self) -> None:
        summary = self.selected()
        self.lines.setRowCount(0)
        self.order = None
        if summary is None:
            self.title.setText(self.tr("Select an order to see its lines."))
            self.total_label.setText("")
            self.refresh_permissions()
            return
        try:
            self.order = order = self.service.detail(summary.id)
        except ShopDeskError as err:
            self.say(error_text(err), ERROR)
            self.refresh_permissions()
            return
        currency, locale = self.ctx.store.currency, self.ctx.store.locale
        location = QCoreApplication.translate("locations", order.location_name)
        title = self.tr("%1 · %2 · %3 · deliver to %4").replace("%1", order.number).replace(
            "%2", order.supplier_name).replace("%3", status_label(order.status)).replace(
            "%4", f"{order.location_code} — {location}")
        if order.note:
            title += f" · {order.note}"
        self.title.setText(title)
        self.lines.setRowCount(len(order.lines))
        for n, line in enumerate(order.lines):
            fill_row(self.lines, n, (
                line.sku, line.name, format_quantity(line.ordered, locale), format_quantity(line.received, locale),
                format_quantity(line.outstanding, locale), format_money(line.unit_cost, currency, locale),
                format_money(line_cost(line.ordered, line.unit_cost), currency, locale)),
                right_columns=range(self.L_ORDERED, self.LINE_COST + 1))
        self.total_label.setText(self.tr("Total: %1 · %2 line(s)").replace(
            "%1", format_money(order.total_cost, currency, locale)).replace("%2", str(len(order.lines))))
        self.refresh_permissions()

    def line_cells(self, column: int) -> list[str]:
        """What the lines table shows in a column (for tests and screenshots)."""
        return [self.lines.item(n, column).text() for n in range(self.lines.rowCount())]

    # -- actions ------------------------------------------------------------------------
    def new_order(self) -> None:
        dialog = NewPurchaseOrderDialog(self.ctx, supplier_id=self.supplier.currentData(), parent=self)
        if dialog.exec() and dialog.number:
            self.say(self.tr("%1 created: %2 line(s) ordered from %3.").replace("%1", dialog.number).replace(
                "%2", str(len(dialog.model.lines))).replace("%3", dialog.supplier.currentText()), SUCCESS)
            if self.status.currentData() not in ("open", None):
                self.status.setCurrentIndex(self.status.findData("open"))
            self.reload(select_id=dialog.order_id)

    def cancel_order(self) -> None:
        order = self.selected()
        if order is None:
            self.say(self.tr("Select the order to cancel first."), ERROR)
            return
        answer = QMessageBox.question(
            self, self.tr("Cancel order"),
            self.tr("Cancel %1 from %2? The supplier should be told separately.").replace(
                "%1", order.number).replace("%2", order.supplier_name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.service.cancel(self.ctx.require_staff(), order.id)
        except ShopDeskError as err:
            self.say(error_text(err), ERROR)
            return
        self.say(self.tr("%1 cancelled.").replace("%1", order.number), SUCCESS)
        self.reload(select_id=order.id)


class SuppliersTab(QWidget):
    """Who the shop orders from: find, add, edit, deactivate and reactivate suppliers."""

    CODE, NAME, CONTACT, PHONE, EMAIL, ACTIVE = range(6)

    def __init__(self, ctx: AppContext, say: Say, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.say = ctx, say
        self.service = SupplierService(ctx.db)
        self.suppliers: list[SupplierView] = []
        self.search = QLineEdit(self)
        self.search.setObjectName("supplierSearch")
        self.search.setPlaceholderText(self.tr("Search code, name or contact…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _text: self.reload())
        self.active_only = QCheckBox(self.tr("&Active only"), self)
        self.active_only.setObjectName("supplierActiveOnly")
        self.active_only.toggled.connect(lambda _on: self.reload())
        self.table = read_only_table(self, "suppliersTable", [
            self.tr("Code"), self.tr("Name"), self.tr("Contact"), self.tr("Phone"), self.tr("E-mail"),
            self.tr("Active")], self.NAME)
        self.table.itemSelectionChanged.connect(self.refresh_permissions)
        self.table.doubleClicked.connect(lambda _index: self.edit_button.isEnabled() and self.edit_supplier())
        self.new_button = QPushButton(self.tr("&New…"), self)
        self.new_button.setObjectName("newSupplierButton")
        self.new_button.clicked.connect(self.new_supplier)
        self.edit_button = QPushButton(self.tr("&Edit…"), self)
        self.edit_button.setObjectName("editSupplierButton")
        self.edit_button.clicked.connect(self.edit_supplier)
        self.deactivate_button = QPushButton(self.tr("&Deactivate"), self)
        self.deactivate_button.setObjectName("deactivateSupplierButton")
        self.deactivate_button.clicked.connect(lambda: self.set_active(False))
        self.reactivate_button = QPushButton(self.tr("&Reactivate"), self)
        self.reactivate_button.setObjectName("reactivateSupplierButton")
        self.reactivate_button.clicked.connect(lambda: self.set_active(True))

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.active_only)
        side = QVBoxLayout()
        for button in (self.new_button, self.edit_button, self.deactivate_button, self.reactivate_button):
            side.addWidget(button)
        side.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.table, 1)
        middle.addLayout(side)
        root = QVBoxLayout(self)
        root.addLayout(top)
        root.addLayout(middle, 1)
        self.reload()

    def _may_edit(self) -> bool:
        staff = self.ctx.staff
        return bool(staff and staff.can(Permission.RECEIVE_STOCK))

    def refresh_permissions(self) -> None:
        chosen, may = self.selected(), self._may_edit()
        self.new_button.setEnabled(may)
        self.edit_button.setEnabled(may and chosen is not None)
        self.deactivate_button.setEnabled(may and chosen is not None and chosen.active)
        self.reactivate_button.setEnabled(may and chosen is not None and not chosen.active)

    def reload(self, select_id: str | None = None) -> None:
        keep = select_id or (self.selected().id if self.selected() else None)
        try:
            self.suppliers = self.service.list(self.search.text(), active_only=self.active_only.isChecked())
        except ShopDeskError as err:
            self.say(error_text(err), ERROR)
            self.suppliers = []
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(self.suppliers))
        for n, s in enumerate(self.suppliers):
            fill_row(self.table, n, (s.code, s.name, s.contact, s.phone, s.email,
                                     self.tr("yes") if s.active else self.tr("no")), data=s.id)
        self.table.blockSignals(False)
        row = next((n for n, s in enumerate(self.suppliers) if s.id == keep), None)
        if row is not None:
            self.table.selectRow(row)
        self.refresh_permissions()

    def selected(self) -> SupplierView | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.suppliers):
            return None
        return self.suppliers[rows[0].row()]

    def new_supplier(self) -> None:
        dialog = SupplierDialog(self.ctx, parent=self)
        if dialog.exec() and dialog.supplier_id:
            self.say(self.tr("Supplier %1 added.").replace("%1", dialog.name.text().strip()), SUCCESS)
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.reload(select_id=dialog.supplier_id)

    def edit_supplier(self) -> None:
        chosen = self.selected()
        if chosen is None:
            self.say(self.tr("Select a supplier first."), ERROR)
            return
        dialog = SupplierDialog(self.ctx, chosen, parent=self)
        if dialog.exec():
            self.say(self.tr("Supplier %1 saved.").replace("%1", dialog.name.text().strip()), SUCCESS)
            self.reload(select_id=chosen.id)

    def set_active(self, active: bool) -> None:
        chosen = self.selected()
        if chosen is None:
            self.say(self.tr("Select a supplier first."), ERROR)
            return
        try:
            if active:
                self.service.reactivate(self.ctx.require_staff(), chosen.id)
            else:
                self.service.deactivate(self.ctx.require_staff(), chosen.id)
        except ShopDeskError as err:
            self.say(error_text(err), ERROR)
            return
        text = self.tr("%1 reactivated.") if active else self.tr("%1 deactivated: it no longer shows when ordering.")
        self.say(text.replace("%1", chosen.name), SUCCESS)
        self.reload(select_id=chosen.id)
