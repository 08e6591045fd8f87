"""The stock window driven as a person would: search, scan a transfer, read the history,
order what runs low, and value the stock."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog
from sqlalchemy import func, select, update

from shopdesk.domain.money import format_money
from shopdesk.gui.stock_dialogs import AdjustDialog, PurchaseOrderDialog
from shopdesk.gui.stock_models import MovementsModel, OnHandModel
from shopdesk.gui.stock_window import StockWindow
from shopdesk.gui.transfer_dialog import TransferDialog
from shopdesk.services import stock
from shopdesk.services.purchasing import PurchaseOrderService
from shopdesk.services.stock_transfers import TransferService
from shopdesk.services.suppliers import SupplierDraft, SupplierService
from shopdesk.store.models import Product
from shopdesk.store.stockroom_models import StockTransfer
from tests.gui.test_first_sale import SCANNER_DELAY_MS, log_in, when_dialog_opens

MILK = "4006381333931"


def open_window(qtbot, store, username: str) -> StockWindow:
    ctx = log_in(qtbot, store, username, f"demo-{username}")
    window = StockWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1100, 650)
    window.show()
    qtbot.waitExposed(window)
    return window


def on_hand(db, product_id: str, code: str) -> Decimal:
    with db.reader() as s:
        return stock.on_hand(s, product_id, stock.location_id(s, code))


def set_product(db, product_id: str, **values) -> None:
    with db.unit_of_work() as s:
        s.execute(update(Product).where(Product.id == product_id).values(**values))


def rows(model, *columns: int) -> list[tuple[str, ...]]:
    return [tuple(model.data(model.index(r, c)) for c in columns) for r in range(model.rowCount())]


def click_row(qtbot, table, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def search(qtbot, window: StockWindow, text: str, expected_rows: int) -> None:
    field = window.on_hand.search
    field.clear()
    qtbot.keyClicks(field, text, delay=SCANNER_DELAY_MS)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    tab = window.on_hand
    qtbot.waitUntil(lambda: not tab.searching and tab.model.rowCount() == expected_rows, timeout=5000)


def scan(qtbot, dialog: TransferDialog, code: str) -> None:
    qtbot.keyClicks(dialog.scan_field, code, delay=SCANNER_DELAY_MS)
    qtbot.keyClick(dialog.scan_field, Qt.Key.Key_Return)


def test_on_hand_lists_every_product_and_a_barcode_narrows_it(qtbot, store, products):
    window = open_window(qtbot, store, "clerk")
    assert window.tabs.objectName() == "stockTabs" and window.tabs.currentIndex() == window.ON_HAND
    model = window.on_hand.model
    assert rows(model, OnHandModel.SKU, OnHandModel.LOCATION, OnHandModel.QUANTITY) == [
        ("BREAD", "FLOOR", "10"), ("MILK-1L", "FLOOR", "10"), ("NIUNAI", "FLOOR", "10"), ("SOAP", "FLOOR", "10")]

    search(qtbot, window, MILK, 1)
    assert model.data(model.index(0, OnHandModel.NAME)) == "Whole milk 1 L"
    # the only product found is selected: where it is shows below
    assert window.on_hand.location_quantity("FLOOR") == "10"
    assert "Whole milk 1 L" in window.on_hand.product_label.text()

    window.on_hand.search.clear()
    qtbot.keyClick(window.on_hand.search, Qt.Key.Key_Return)
    assert model.rowCount() == 4


def test_clerk_scans_a_transfer_and_reads_it_in_the_history(qtbot, store, products):
    window = open_window(qtbot, store, "clerk")
    assert window.transfer_button.isEnabled()
    assert not window.low_stock.order_button.isEnabled()  # ordering is for managers

    def scan_three_milks_and_post(dialog: TransferDialog) -> None:
        assert dialog.from_combo.currentData() == "FLOOR" and dialog.to_combo.currentData() == "BACK"
        for _ in range(3):
            scan(qtbot, dialog, MILK)
        assert rows(dialog.model, 0, 1) == [("Whole milk 1 L  ·  MILK-1L", "3")]
        assert "Whole milk 1 L — 3 to move" in dialog.message.text()
        qtbot.mouseClick(dialog.post_button, Qt.MouseButton.LeftButton)

    ran = when_dialog_opens(qtbot, scan_three_milks_and_post)
    qtbot.mouseClick(window.transfer_button, Qt.MouseButton.LeftButton)
    assert ran
    assert "TR-000001 posted: 3 items from FLOOR to BACK" in window.message.text()
    assert on_hand(store, products["MILK-1L"], "FLOOR") == 7
    assert on_hand(store, products["MILK-1L"], "BACK") == 3

    model = window.on_hand.model
    assert ("MILK-1L", "BACK", "3") in rows(model, OnHandModel.SKU, OnHandModel.LOCATION, OnHandModel.QUANTITY)
    search(qtbot, window, "MILK-1L", 2)
    assert rows(model, OnHandModel.LOCATION, OnHandModel.QUANTITY) == [("BACK", "3"), ("FLOOR", "7")]
    click_row(qtbot, window.on_hand.table, 1)
    assert window.on_hand.location_quantity("FLOOR") == "7"
    assert window.on_hand.location_quantity("BACK") == "3"

    qtbot.mouseClick(window.on_hand.movements_button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentIndex() == window.MOVEMENTS
    movements = window.movements
    assert "Whole milk 1 L" in movements.product_label.text()
    movements.location.setCurrentIndex(movements.location.findData("FLOOR"))
    history = rows(movements.model, MovementsModel.REASON, MovementsModel.DOCUMENT, MovementsModel.FROM,
                   MovementsModel.TO, MovementsModel.QUANTITY, MovementsModel.BALANCE, MovementsModel.WHO)
    assert history[0] == ("transfer", "TR-000001", "FLOOR", "BACK", "-3", "7", history[0][6])
    assert history[0][6]  # who moved it
    assert history[1][0] == "received" and history[1][4:6] == ("+10", "10")


def test_over_transfer_is_refused_in_the_dialog_and_posts_nothing(qtbot, store, products):
    window = open_window(qtbot, store, "clerk")

    def try_eleven(dialog: TransferDialog) -> None:
        qtbot.mouseClick(dialog.quantity_field, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(dialog.quantity_field, "11")
        scan(qtbot, dialog, MILK)
        assert rows(dialog.model, 1) == [("11",)]
        qtbot.mouseClick(dialog.post_button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible()
        assert dialog.message.property("kind") == "error"
        assert "Whole milk 1 L" in dialog.message.text() and "Only 10" in dialog.message.text()
        scan(qtbot, dialog, "5012345678900")  # unknown: said, nothing added
        assert "not in the catalog" in dialog.message.text() and dialog.model.rowCount() == 1
        dialog.reject()

    ran = when_dialog_opens(qtbot, try_eleven)
    qtbot.mouseClick(window.transfer_button, Qt.MouseButton.LeftButton)
    assert ran
    assert "posted" not in window.message.text()
    assert on_hand(store, products["MILK-1L"], "FLOOR") == 10
    with store.reader() as s:
        assert s.scalar(select(func.count()).select_from(StockTransfer)) == 0


def test_clerk_writes_off_damaged_stock_and_a_cashier_may_not(qtbot, store, products):
    cashier_window = open_window(qtbot, store, "cashier")
    click_row(qtbot, cashier_window.on_hand.table, 1)
    assert not cashier_window.transfer_button.isEnabled()
    assert not cashier_window.on_hand.adjust_button.isEnabled()

    window = open_window(qtbot, store, "clerk")
    click_row(qtbot, window.on_hand.table, 1)  # MILK-1L at FLOOR
    assert window.on_hand.adjust_button.isEnabled()

    def damaged_two(dialog: AdjustDialog) -> None:
        dialog.reason.setCurrentIndex(dialog.reason.findData("damaged"))
        qtbot.keyClicks(dialog.quantity, "2")  # positive: refused, damaged goods leave the shelf
        dialog.save()
        assert dialog.isVisible() and "negative" in dialog.message.text()
        dialog.quantity.clear()
        qtbot.keyClicks(dialog.quantity, "-2")
        qtbot.keyClicks(dialog.note, "dropped crate")
        dialog.save()

    ran = when_dialog_opens(qtbot, damaged_two)
    qtbot.mouseClick(window.on_hand.adjust_button, Qt.MouseButton.LeftButton)
    assert ran
    assert "-2 (damaged); now 8 there" in window.message.text()
    assert on_hand(store, products["MILK-1L"], "FLOOR") == 8
    assert stock.verify(store) == []


def test_manager_orders_what_runs_low(qtbot, store, products, manager):
    set_product(store, products["MILK-1L"], reorder_point=12, cost=85)
    supplier_id = SupplierService(store).create(manager, SupplierDraft(code="DAIRY", name="Dairy Farm Ltd"))
    window = open_window(qtbot, store, "manager")
    window.tabs.setCurrentIndex(window.LOW_STOCK)
    low = window.low_stock
    assert rows(low.model, 0, 2, 3, 5, 6) == [("MILK-1L", "10", "12", "0", "14")]  # up to 2 × 12

    click_row(qtbot, low.table, 0)

    def order_from_dairy(dialog: PurchaseOrderDialog) -> None:
        dialog.supplier.setCurrentIndex(dialog.supplier.findData(supplier_id))
        assert dialog.lines.item(0, 1).text() == "14"
        assert dialog.lines.item(0, 2).text() == format_money(85, "EUR", "en_GB")
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    ran = when_dialog_opens(qtbot, order_from_dairy)
    qtbot.mouseClick(low.order_button, Qt.MouseButton.LeftButton)
    assert ran
    assert "PO-000001 created" in window.message.text() and "Dairy Farm Ltd" in window.message.text()
    service = PurchaseOrderService(store)
    order = service.detail(service.list_orders()[0].id)
    assert (order.number, order.supplier_id, order.location_code) == ("PO-000001", supplier_id, "BACK")
    assert [(line.sku, line.ordered, line.unit_cost) for line in order.lines] == [("MILK-1L", 14, 85)]
    assert low.model.rowCount() == 0  # 10 on hand + 14 on order is above the reorder point


def test_valuation_is_computed_in_the_background_and_saved_as_pdf(qtbot, store, products, manager, tmp_path,
                                                                  monkeypatch):
    for sku, cost in (("MILK-1L", 85), ("BREAD", 200), ("SOAP", 150), ("NIUNAI", 500)):
        set_product(store, products[sku], cost=cost)
    TransferService(store).transfer(manager, "FLOOR", "BACK", [(products["MILK-1L"], Decimal(3))])
    window = open_window(qtbot, store, "manager")
    tab = window.valuation
    assert not tab.pdf_button.isEnabled()  # nothing computed yet
    window.tabs.setCurrentIndex(window.VALUATION)
    qtbot.waitUntil(lambda: not tab.running and tab.model.rowCount() == 2, timeout=10_000)

    money = lambda minor: format_money(minor, "EUR", "en_GB")  # noqa: E731
    # FLOOR: 7 × 0.85 + 10 × 2.00 + 10 × 1.50 + 10 × 5.00; BACK: 3 × 0.85
    assert rows(tab.model, 0, 2, 3, 4) == [("BACK", "1", "3", money(255)), ("FLOOR", "4", "37", money(9095))]
    assert money(9350) in tab.total_label.text() and "4 product(s)" in tab.total_label.text()

    report = tmp_path / "valuation.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(report), ""))
    qtbot.mouseClick(tab.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "saved" in window.message.text(), timeout=10_000)
    assert report.read_bytes().startswith(b"%PDF")
