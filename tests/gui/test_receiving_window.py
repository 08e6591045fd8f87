"""A warehouse clerk receives deliveries on the receiving screen, typing and clicking as a
person would: a scanner types into whatever has the focus, the quantity box counts the next
scan, the table compares with the purchase order, posting puts the goods into stock and
the shelf labels come out as a PDF."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QLineEdit, QMessageBox

from shopdesk.gui.receipt_model import ReceiptLinesModel as M
from shopdesk.gui.receiving_dialogs import NewDeliveryDialog
from shopdesk.gui.receiving_window import ReceivingWindow
from shopdesk.services import stock
from shopdesk.services.goods_intake import GoodsIntakeService
from shopdesk.services.purchasing import PurchaseOrderLineDraft, PurchaseOrderService
from shopdesk.services.suppliers import SupplierDraft, SupplierService
from tests.gui.test_first_sale import SCANNER_DELAY_MS, log_in, when_dialog_opens

MILK, BREAD, SOAP, NIUNAI = "4006381333931", "036000291452", "96385074", "6901234567892"
PASSWORDS = {"clerk": "demo-clerk", "cashier": "demo-cashier", "manager": "demo-manager"}


def open_window(qtbot, store, username: str = "clerk") -> ReceivingWindow:
    ctx = log_in(qtbot, store, username, PASSWORDS[username])
    window = ReceivingWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1100, 650)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # activation is asynchronous; scans need the focus
    return window


def scanner(qtbot, code: str) -> None:
    """A keyboard-wedge scanner: each key lands wherever the focus is at that moment."""
    for ch in code:
        qtbot.keyClicks(QApplication.focusWidget(), ch, delay=SCANNER_DELAY_MS)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def back_to(qtbot, window: ReceivingWindow) -> None:
    """After a dialog closed: the scan field is the window's focus, and once the window is
    active again (a window manager does that; the offscreen platform needs telling) it has it."""
    assert window.focusWidget() is window.scan_field
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow() and window.scan_field.hasFocus())


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def double_click(qtbot, widget, pos) -> None:
    # A person's double-click is a click and then a double-click event; QTest's mouseDClick
    # alone lacks the first press, which item views need to know which cell was hit.
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def type_into_cell_editor(qtbot, text: str) -> None:
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit), editor
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the view commits the edit on its next turn


def lines(window: ReceivingWindow) -> dict[str, tuple[str, str, str]]:
    """SKU → (ordered, received, status) as the table shows them."""
    model = window.table.model()
    return {model.index(r, M.SKU).data(): (model.index(r, M.ORDERED).data(), model.index(r, M.RECEIVED).data(),
                                           model.index(r, M.STATUS).data())
            for r in range(model.rowCount())}


def start_delivery(qtbot, window: ReceivingWindow, fill) -> None:
    def fill_and_start(dialog: NewDeliveryDialog):
        fill(dialog)
        click(qtbot, dialog.buttons.button(QDialogButtonBox.StandardButton.Ok))

    opened = when_dialog_opens(qtbot, fill_and_start)
    click(qtbot, window.new_button)
    assert opened, "the new delivery dialog did not open"
    back_to(qtbot, window)


def accept_post(qtbot, window: ReceivingWindow, check=lambda box: None) -> list:
    def accept(box: QMessageBox):
        assert box.objectName() == "postConfirmation"
        check(box)
        click(qtbot, box.button(QMessageBox.StandardButton.Yes))

    opened = when_dialog_opens(qtbot, accept)
    click(qtbot, window.post_button)
    assert opened, "no confirmation was asked"
    back_to(qtbot, window)
    return opened


def on_hand(store, product_id: str, location: str) -> Decimal:
    with store.reader() as s:
        return stock.on_hand(s, product_id, stock.location_id(s, location))


def test_receive_without_order_scan_post_and_print_labels(qtbot, store, products, tmp_path, monkeypatch):
    window = open_window(qtbot, store)
    assert window.scan_field.hasFocus()
    assert window.draft_combo.count() == 1  # nothing in progress yet

    def to_back_room(dialog: NewDeliveryDialog):
        assert dialog.location.currentData() == "BACK"
        assert dialog.supplier.currentData() is None and dialog.order.currentData() is None
        qtbot.keyClicks(dialog.reference, "DN-4711")

    start_delivery(qtbot, window, to_back_room)
    assert "GR-000001" in window.receipt_label.text() and "DN-4711" in window.receipt_label.text()
    assert window.scan_field.hasFocus()

    for _ in range(3):  # the clerk clicks on the table, then scans: the keys still arrive
        click(qtbot, window.table.viewport())
        assert window.table.hasFocus()
        scanner(qtbot, MILK)
    assert lines(window) == {"MILK-1L": ("", "3", "received")}

    click(qtbot, window.quantity_field)  # a box of five loaves: 5 in the quantity box, then one scan
    qtbot.keyClicks(QApplication.focusWidget(), "5")
    assert window.quantity_field.text() == "5"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Enter: back to the scan field
    assert window.scan_field.hasFocus()
    scanner(qtbot, BREAD)
    assert lines(window)["BREAD"][1] == "5"
    assert window.quantity_field.text() == "1"  # the next scan counts one again
    assert window.table.selectionModel().selectedRows()[0].row() == 1  # the last scanned line

    scanner(qtbot, f"12*{SOAP}")
    assert lines(window)["SOAP"][1] == "12"

    scanner(qtbot, "5012345678900")
    assert "No product has the barcode 5012345678900" in window.message.text()
    assert window.message.property("kind") == "error"
    scanner(qtbot, "4006381333932")
    assert "check digit" in window.message.text()
    assert window.model.rowCount() == 3
    assert "Lines: 3" in window.summary_label.text() and "Items: 20" in window.summary_label.text()

    accept_post(qtbot, window, lambda box: "GR-000001" in box.text() or pytest.fail(box.text()))
    assert "GR-000001 posted: 3 lines, 20 items" in window.message.text()
    assert window.message.property("kind") == "success"
    assert on_hand(store, products["MILK-1L"], "BACK") == 3
    assert on_hand(store, products["BREAD"], "BACK") == 5
    assert on_hand(store, products["SOAP"], "BACK") == 12
    assert on_hand(store, products["MILK-1L"], "FLOOR") == 10
    assert window.draft_combo.count() == 1  # no longer in progress

    pdf = tmp_path / "shelf-labels.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), "PDF files (*.pdf)"))
    assert window.print_labels_button.isEnabled()
    with qtbot.waitSignal(window.labels_saved, timeout=15_000):
        click(qtbot, window.print_labels_button)
    qtbot.waitUntil(pdf.exists, timeout=5000)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "20 labels" in window.message.text()


@pytest.fixture
def order(store, manager, products):
    """As the manager: ACME and PO-000001 to the back room, 24 milk, 10 bread, 5 soap."""
    supplier = SupplierService(store).create(manager, SupplierDraft("ACME", "Acme Wholesale"))
    order_id = PurchaseOrderService(store).create(manager, supplier, [
        PurchaseOrderLineDraft(products["MILK-1L"], Decimal(24), 80),
        PurchaseOrderLineDraft(products["BREAD"], Decimal(10), 150),
        PurchaseOrderLineDraft(products["SOAP"], Decimal(5), 100),
    ])
    return supplier, order_id


def test_receive_against_a_purchase_order_shows_ordered_and_status(qtbot, store, products, order):
    supplier, order_id = order
    window = open_window(qtbot, store)

    def choose_the_order(dialog: NewDeliveryDialog):
        dialog.order.setFocus()
        qtbot.keyClick(dialog.order, Qt.Key.Key_Down)  # the first open order
        assert dialog.order.currentData() == order_id
        assert dialog.supplier.currentData() == supplier  # filled in from the order
        assert dialog.location.currentData() == "BACK"

    start_delivery(qtbot, window, choose_the_order)
    assert "PO-000001" in window.receipt_label.text() and "Acme Wholesale" in window.receipt_label.text()
    assert lines(window) == {"MILK-1L": ("24", "0", "missing"), "BREAD": ("10", "0", "missing"),
                             "SOAP": ("5", "0", "missing")}

    scanner(qtbot, f"24*{MILK}")
    for _ in range(3):
        scanner(qtbot, BREAD)
    scanner(qtbot, NIUNAI)
    assert lines(window) == {
        "MILK-1L": ("24", "24", "complete"),
        "BREAD": ("10", "3", "short"),
        "NIUNAI": ("", "1", "not on order"),
        "SOAP": ("5", "0", "missing"),
    }
    model = window.model
    row = model.row_of(products["BREAD"])
    assert model.index(row, M.STATUS).data(Qt.ItemDataRole.BackgroundRole).color().name() == "#ffecb3"  # amber
    summary = window.summary_label.text()
    assert all(part in summary for part in ("Short: 1", "Missing: 1", "Not on order: 1", "Over: 0"))

    # The invoice says the milk cost 0.75 a bottle: double-click its cost and type it.
    row = model.row_of(products["MILK-1L"])
    cell = window.table.visualRect(model.index(row, M.UNIT_COST)).center()
    double_click(qtbot, window.table.viewport(), cell)
    assert QApplication.focusWidget().text() == "0.80"
    type_into_cell_editor(qtbot, "0.75")
    qtbot.waitUntil(lambda: model.index(row, M.UNIT_COST).data() == "€0.75")
    assert model.index(row, M.LINE_COST).data() == "€18.00"

    def warns(box: QMessageBox):
        details = box.informativeText()
        assert "short" in details and "missing" in details and "not on the order" in details

    accept_post(qtbot, window, warns)
    assert "GR-000001 posted: 3 lines, 28 items" in window.message.text()
    assert on_hand(store, products["BREAD"], "BACK") == 3
    assert PurchaseOrderService(store).detail(order_id).status == "open"  # bread and soap still to come


def test_quantity_edit_with_f4_and_delete_a_line(qtbot, store, products):
    window = open_window(qtbot, store)
    start_delivery(qtbot, window, lambda dialog: None)
    scanner(qtbot, MILK)
    scanner(qtbot, SOAP)
    window.table.selectRow(0)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F4)  # the received cell opens for typing
    type_into_cell_editor(qtbot, "6")
    qtbot.waitUntil(lambda: lines(window)["MILK-1L"][1] == "6")
    qtbot.waitUntil(window.scan_field.hasFocus)  # ready for the next scan

    cell = window.table.visualRect(window.model.index(1, M.NAME)).center()
    double_click(qtbot, window.table.viewport(), cell)  # anywhere on the line: its quantity
    type_into_cell_editor(qtbot, "abc")
    qtbot.waitUntil(lambda: window.message.property("kind") == "error")
    assert "'abc' is not a quantity" in window.message.text()
    assert lines(window)["SOAP"][1] == "1"

    window.table.selectRow(1)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    assert list(lines(window)) == ["MILK-1L"]


def test_cancel_a_delivery_in_progress(qtbot, store, products):
    window = open_window(qtbot, store)
    start_delivery(qtbot, window, lambda dialog: None)
    scanner(qtbot, MILK)
    assert window.draft_combo.count() == 2

    opened = when_dialog_opens(qtbot, lambda box: click(qtbot, box.button(QMessageBox.StandardButton.Yes)))
    click(qtbot, window.cancel_button)
    assert opened
    back_to(qtbot, window)
    assert "GR-000001 cancelled" in window.message.text()
    assert window.draft_combo.count() == 1 and window.model.rowCount() == 0
    assert on_hand(store, products["MILK-1L"], "BACK") == 0


def test_a_cashier_cannot_post_a_delivery(qtbot, store, products, clerk):
    intake = GoodsIntakeService(store)
    receipt_id = intake.start(clerk)
    intake.scan(clerk, receipt_id, MILK, Decimal(4))

    window = open_window(qtbot, store, "cashier")
    window.draft_combo.setFocus()
    qtbot.keyClick(window.draft_combo, Qt.Key.Key_Down)  # the delivery in progress
    assert lines(window) == {"MILK-1L": ("", "4", "received")}

    accept_post(qtbot, window)
    assert window.message.property("kind") == "error"
    assert "may not receive stock" in window.message.text()
    assert on_hand(store, products["MILK-1L"], "BACK") == 0
    assert intake.detail(receipt_id).status == "draft"


def test_a_delivery_in_progress_is_listed_after_a_restart(qtbot, store, products, clerk):
    intake = GoodsIntakeService(store)
    receipt_id = intake.start(clerk, supplier_reference="DN-1")
    window = open_window(qtbot, store)
    assert "1 delivery in progress" in window.message.text()
    index = window.draft_combo.findData(receipt_id)
    assert index == 1 and "DN-1" in window.draft_combo.itemText(index)
    assert window.receipt is None  # the clerk chooses which delivery to continue
