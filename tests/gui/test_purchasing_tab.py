"""Purchase orders and suppliers in the stock window, driven as a person would: add a
supplier, scan an order together, read what is outstanding, cancel an order."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QMessageBox
from sqlalchemy import func, select

from shopdesk.domain.money import format_money
from shopdesk.gui.purchase_order_dialog import NewPurchaseOrderDialog, OrderLinesModel
from shopdesk.gui.purchasing_tab import PurchaseOrdersTab, SuppliersTab
from shopdesk.gui.supplier_dialog import SupplierDialog
from shopdesk.services.purchasing import PurchaseOrderLineDraft, PurchaseOrderService
from shopdesk.services.suppliers import SupplierDraft, SupplierService
from shopdesk.store.stockroom_models import PurchaseOrder
from tests.gui.test_first_sale import SCANNER_DELAY_MS, when_dialog_opens
from tests.gui.test_stock_window import open_window, rows, set_product

MILK, SOAP = "4006381333931", "96385074"


def money(minor: int) -> str:
    return format_money(minor, "EUR", "en_GB")


def cells(table, *columns: int) -> list[tuple[str, ...]]:
    return [tuple(table.item(r, c).text() for c in columns) for r in range(table.rowCount())]


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_cell(qtbot, table, row: int, column: int = 0) -> None:
    index = table.model().index(row, column)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())


def scan(qtbot, dialog: NewPurchaseOrderDialog, code: str) -> None:
    qtbot.keyClicks(dialog.scan_field, code, delay=SCANNER_DELAY_MS)
    qtbot.keyClick(dialog.scan_field, Qt.Key.Key_Return)


def type_into_cell(qtbot, table, row: int, column: int, text: str) -> None:
    """Double-click a cell, type over what it holds, Enter."""
    index = table.model().index(row, column)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    assert table.state() == QAbstractItemView.State.EditingState
    editor = table.viewport().findChild(QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # the view commits the editor's text on its next turn of the event loop
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState, timeout=2000)


def order_count(db) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(PurchaseOrder))


def test_manager_adds_a_supplier_and_scans_an_order_for_it(qtbot, store, products):
    set_product(store, products["MILK-1L"], cost=85)
    set_product(store, products["SOAP"], cost=110)
    window = open_window(qtbot, store, "manager")
    window.tabs.setCurrentIndex(window.SUPPLIERS)
    suppliers: SuppliersTab = window.suppliers
    assert suppliers.table.rowCount() == 0 and suppliers.new_button.isEnabled()

    def fill_in(dialog: SupplierDialog) -> None:
        qtbot.keyClicks(dialog.code, "DAIRY")
        qtbot.keyClicks(dialog.name, "Dairy Farm Ltd")
        qtbot.keyClicks(dialog.contact, "Ann Moss")
        qtbot.keyClicks(dialog.phone, "+44 20 7946 0018")
        qtbot.keyClicks(dialog.email, "orders@dairy.example")
        qtbot.keyClicks(dialog.address, "1 Meadow Lane")
        qtbot.keyClick(dialog.address, Qt.Key.Key_Return)
        qtbot.keyClicks(dialog.address, "Leeds")
        click(qtbot, dialog.save_button)

    ran = when_dialog_opens(qtbot, fill_in)
    click(qtbot, suppliers.new_button)
    assert ran
    assert "Supplier Dairy Farm Ltd added" in window.message.text()
    assert cells(suppliers.table, *range(6)) == [
        ("DAIRY", "Dairy Farm Ltd", "Ann Moss", "+44 20 7946 0018", "orders@dairy.example", "yes")]
    assert SupplierService(store).list()[0].address == "1 Meadow Lane\nLeeds"

    window.tabs.setCurrentIndex(window.PURCHASE_ORDERS)
    orders: PurchaseOrdersTab = window.purchase_orders
    assert orders.table.rowCount() == 0 and orders.new_button.isEnabled()
    assert not orders.cancel_button.isEnabled()

    def scan_an_order(dialog: NewPurchaseOrderDialog) -> None:
        assert dialog.supplier.currentText() == "Dairy Farm Ltd (DAIRY)"
        assert dialog.location.currentData() == "BACK"
        for _ in range(3):
            scan(qtbot, dialog, MILK)
        click(qtbot, dialog.quantity_field)
        qtbot.keyClicks(dialog.quantity_field, "12")
        scan(qtbot, dialog, SOAP)
        assert dialog.quantity_field.text() == "1"  # back to one after the scan
        scan(qtbot, dialog, "5012345678900")  # unknown: said, nothing added
        assert "not in the catalog" in dialog.message.text() and dialog.model.rowCount() == 2
        assert rows(dialog.model, OrderLinesModel.SKU, OrderLinesModel.QUANTITY, OrderLinesModel.UNIT_COST) == [
            ("MILK-1L", "3", money(85)), ("SOAP", "12", money(110))]

        type_into_cell(qtbot, dialog.table, 1, OrderLinesModel.UNIT_COST, "1.20")
        assert rows(dialog.model, OrderLinesModel.UNIT_COST, OrderLinesModel.LINE_COST)[1] == (
            money(120), money(1440))
        assert money(255 + 1440) in dialog.total_label.text()

        qtbot.keyClicks(dialog.note, "before Friday")
        click(qtbot, dialog.create_button)

    ran = when_dialog_opens(qtbot, scan_an_order)
    click(qtbot, orders.new_button)
    assert ran
    assert "PO-000001 created: 2 line(s) ordered from Dairy Farm Ltd" in window.message.text()
    number, supplier, status, _created, lines, ordered, received = cells(orders.table, *range(7))[0]
    assert (number, supplier, status, lines, ordered, received) == (
        "PO-000001", "Dairy Farm Ltd", "open", "2", "15", "0")

    # the new order is selected: its lines show below
    assert orders.line_cells(PurchaseOrdersTab.SKU) == ["MILK-1L", "SOAP"]
    assert orders.line_cells(PurchaseOrdersTab.OUTSTANDING) == ["3", "12"]
    assert orders.line_cells(PurchaseOrdersTab.UNIT_COST) == [money(85), money(120)]
    assert money(1695) in orders.total_label.text()
    assert "BACK" in orders.title.text() and "before Friday" in orders.title.text()
    assert orders.cancel_button.isEnabled()

    order = PurchaseOrderService(store).detail(orders.orders[0].id)
    assert [(line.sku, line.ordered, line.unit_cost) for line in order.lines] == [
        ("MILK-1L", Decimal(3), 85), ("SOAP", Decimal(12), 120)]


def test_removing_a_line_with_del(qtbot, store, products, manager):
    SupplierService(store).create(manager, SupplierDraft(code="DAIRY", name="Dairy Farm Ltd"))
    window = open_window(qtbot, store, "manager")
    window.tabs.setCurrentIndex(window.PURCHASE_ORDERS)

    def scan_two_remove_one(dialog: NewPurchaseOrderDialog) -> None:
        scan(qtbot, dialog, MILK)
        scan(qtbot, dialog, "3*" + SOAP)
        assert rows(dialog.model, OrderLinesModel.SKU, OrderLinesModel.QUANTITY) == [("MILK-1L", "1"), ("SOAP", "3")]
        click_cell(qtbot, dialog.table, 0)
        qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
        assert rows(dialog.model, OrderLinesModel.SKU) == [("SOAP",)]
        assert "Whole milk 1 L removed" in dialog.message.text()
        dialog.reject()

    ran = when_dialog_opens(qtbot, scan_two_remove_one)
    click(qtbot, window.purchase_orders.new_button)
    assert ran and order_count(store) == 0


def test_a_clerk_may_not_order_and_the_service_says_so(qtbot, store, products, manager):
    SupplierService(store).create(manager, SupplierDraft(code="DAIRY", name="Dairy Farm Ltd"))
    window = open_window(qtbot, store, "clerk")
    window.tabs.setCurrentIndex(window.PURCHASE_ORDERS)
    orders = window.purchase_orders
    assert not orders.new_button.isEnabled() and not orders.cancel_button.isEnabled()
    assert window.suppliers.new_button.isEnabled()  # clerks receive goods, so they keep suppliers

    def try_anyway(dialog: NewPurchaseOrderDialog) -> None:
        scan(qtbot, dialog, MILK)
        click(qtbot, dialog.create_button)
        assert dialog.isVisible()
        assert dialog.message.property("kind") == "error"
        assert "may not order stock" in dialog.message.text()
        dialog.reject()

    ran = when_dialog_opens(qtbot, try_anyway)
    orders.new_order()  # as if the button were enabled: the service makes the real check
    assert ran
    assert order_count(store) == 0 and orders.table.rowCount() == 0


def test_manager_cancels_an_open_order(qtbot, store, products, manager):
    supplier_id = SupplierService(store).create(manager, SupplierDraft(code="DAIRY", name="Dairy Farm Ltd"))
    PurchaseOrderService(store).create(manager, supplier_id, [
        PurchaseOrderLineDraft(products["BREAD"], Decimal(5), 200)])
    window = open_window(qtbot, store, "manager")
    window.tabs.setCurrentIndex(window.PURCHASE_ORDERS)
    orders = window.purchase_orders
    assert cells(orders.table, 0, 2) == [("PO-000001", "open")]
    assert not orders.cancel_button.isEnabled()  # nothing selected yet
    click_cell(qtbot, orders.table, 0)
    assert orders.line_cells(PurchaseOrdersTab.OUTSTANDING) == ["5"]
    assert orders.cancel_button.isEnabled()

    def say_no(box: QMessageBox) -> None:
        assert "Cancel PO-000001 from Dairy Farm Ltd?" in box.text()
        click(qtbot, box.button(QMessageBox.StandardButton.No))

    ran = when_dialog_opens(qtbot, say_no)
    click(qtbot, orders.cancel_button)
    assert ran and cells(orders.table, 0, 2) == [("PO-000001", "open")]

    ran = when_dialog_opens(qtbot, lambda box: click(qtbot, box.button(QMessageBox.StandardButton.Yes)))
    click(qtbot, orders.cancel_button)
    assert ran
    assert "PO-000001 cancelled" in window.message.text()
    assert orders.table.rowCount() == 0  # the filter shows open orders
    orders.status.setCurrentIndex(orders.status.findData("cancelled"))
    assert cells(orders.table, 0, 2) == [("PO-000001", "cancelled")]
    click_cell(qtbot, orders.table, 0)
    assert not orders.cancel_button.isEnabled()
    orders.status.setCurrentIndex(orders.status.findData(None))
    assert orders.table.rowCount() == 1


def test_duplicate_supplier_code_is_shown_in_the_dialog(qtbot, store, products, manager):
    SupplierService(store).create(manager, SupplierDraft(code="DAIRY", name="Dairy Farm Ltd"))
    window = open_window(qtbot, store, "manager")
    window.tabs.setCurrentIndex(window.SUPPLIERS)
    suppliers = window.suppliers

    def same_code(dialog: SupplierDialog) -> None:
        qtbot.keyClicks(dialog.code, "dairy")
        qtbot.keyClicks(dialog.name, "Other Dairy")
        click(qtbot, dialog.save_button)
        assert dialog.isVisible()
        text = dialog.message.text()
        assert text.startswith("Code:") and "already used by Dairy Farm Ltd" in text
        assert dialog.focusWidget() is dialog.code
        dialog.code.clear()
        qtbot.keyClicks(dialog.email, "not-an-address")
        qtbot.keyClicks(dialog.code, "DAIRY2")
        click(qtbot, dialog.save_button)
        assert dialog.message.text().startswith("E-mail:")
        dialog.reject()

    ran = when_dialog_opens(qtbot, same_code)
    click(qtbot, suppliers.new_button)
    assert ran
    assert [s.code for s in SupplierService(store).list(active_only=False)] == ["DAIRY"]


def test_deactivating_and_reactivating_a_supplier(qtbot, store, products, manager):
    SupplierService(store).create(manager, SupplierDraft(code="DAIRY", name="Dairy Farm Ltd"))
    SupplierService(store).create(manager, SupplierDraft(code="SOAPCO", name="Soap Company"))
    window = open_window(qtbot, store, "clerk")
    window.tabs.setCurrentIndex(window.SUPPLIERS)
    suppliers = window.suppliers
    qtbot.keyClicks(suppliers.search, "soap")
    assert cells(suppliers.table, 0) == [("SOAPCO",)]
    assert not suppliers.deactivate_button.isEnabled()  # nothing selected
    click_cell(qtbot, suppliers.table, 0)
    click(qtbot, suppliers.deactivate_button)
    assert "Soap Company deactivated" in window.message.text()
    assert cells(suppliers.table, 0, 5) == [("SOAPCO", "no")]
    assert suppliers.reactivate_button.isEnabled() and not suppliers.deactivate_button.isEnabled()
    assert [s.code for s in SupplierService(store).list()] == ["DAIRY"]
    click(qtbot, suppliers.reactivate_button)
    assert cells(suppliers.table, 0, 5) == [("SOAPCO", "yes")]

    def rename(dialog: SupplierDialog) -> None:
        assert dialog.code.text() == "SOAPCO"
        dialog.name.selectAll()
        qtbot.keyClicks(dialog.name, "Soap & Co")
        click(qtbot, dialog.save_button)

    ran = when_dialog_opens(qtbot, rename)
    click(qtbot, suppliers.edit_button)
    assert ran and cells(suppliers.table, 1) == [("Soap & Co",)]
