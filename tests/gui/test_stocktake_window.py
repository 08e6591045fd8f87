"""A clerk counts the shop floor with a scanner while a manager reviews and posts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from shopdesk.gui.stocktake_dialogs import NewStocktakeDialog, UnknownCodesDialog
from shopdesk.gui.stocktake_window import StocktakeWindow
from shopdesk.services import stock
from shopdesk.services.stocktake import StocktakeService, StocktakeSpec
from tests.gui.test_first_sale import SCANNER_DELAY_MS, log_in, when_dialog_opens

MILK, BREAD, SOAP = "4006381333931", "036000291452", "96385074"


def floor(db, product_id) -> Decimal:
    with db.reader() as s:
        return stock.on_hand(s, product_id, stock.location_id(s, "FLOOR"))


def scan(qtbot, window: StocktakeWindow, code: str, widget=None) -> None:
    qtbot.keyClicks(widget or window.scan_field, code, delay=SCANNER_DELAY_MS)
    qtbot.keyClick(widget or window.scan_field, Qt.Key.Key_Return)


def cell(window: StocktakeWindow, sku: str, column: int) -> str:
    model = window.model
    row = next(r for r in range(model.rowCount()) if model.line(r).sku == sku)
    return model.data(model.index(row, column))


def open_window(qtbot, store, username, password) -> StocktakeWindow:
    ctx = log_in(qtbot, store, username, password)
    window = StocktakeWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1100, 600)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def clerk_window(qtbot, store, products):
    return open_window(qtbot, store, "clerk", "demo-clerk")


def test_clerk_starts_a_count_and_scans_at_scanner_speed(qtbot, store, products, clerk_window):
    window = clerk_window
    assert window.stocktake_id is None and not window.scan_field.isEnabled()

    def start(dialog: NewStocktakeDialog) -> None:
        dialog.location.setCurrentIndex(dialog.location.findData("FLOOR"))
        qtbot.mouseClick(dialog.blind, Qt.MouseButton.LeftButton)
        dialog.start()

    ran = when_dialog_opens(qtbot, start)
    qtbot.mouseClick(window.new_button, Qt.MouseButton.LeftButton)
    assert ran and window.stocktake_id is not None
    assert "ST-000001" in window.count_combo.currentText()

    for _ in range(3):
        scan(qtbot, window, MILK)
    # a click on the table, then the scanner fires: the keys still reach the scan field
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton)
    scan(qtbot, window, MILK, widget=window.table)
    qtbot.mouseClick(window.quantity_field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(window.quantity_field, "6")
    scan(qtbot, window, BREAD)
    scan(qtbot, window, "2*" + SOAP)
    assert window.quantity_field.text() == "1"

    assert cell(window, "MILK-1L", window.model.COUNTED) == "4"
    assert cell(window, "BREAD", window.model.COUNTED) == "6"
    assert cell(window, "SOAP", window.model.COUNTED) == "2"
    # blind: the clerk sees no expected quantity or variance
    assert cell(window, "MILK-1L", window.model.EXPECTED) == ""
    assert cell(window, "MILK-1L", window.model.VARIANCE) == ""
    assert "3 of 4 lines counted" in window.summary_label.text()
    assert not window.post_button.isEnabled()  # posting is for managers


def test_unknown_and_misread_codes_are_reported_without_a_dialog(qtbot, store, products, clerk):
    st = StocktakeService(store).start(clerk, StocktakeSpec("FLOOR"))
    window = open_window(qtbot, store, "clerk", "demo-clerk")
    assert window.stocktake_id == st
    scan(qtbot, window, "4006381333932")  # wrong check digit
    assert window.message.property("kind") == "error" and "check digit" in window.message.text()
    scan(qtbot, window, "5012345678900")
    assert "kept on the list of unknown codes" in window.message.text()
    assert "(1)" in window.unknown_button.text()
    scan(qtbot, window, MILK)  # the next scan still lands
    assert cell(window, "MILK-1L", window.model.COUNTED) == "1"


def test_manager_links_an_unknown_code_reviews_by_value_and_posts(qtbot, store, products, clerk, cashier, till):
    service = StocktakeService(store)
    st = service.start(clerk, StocktakeSpec("FLOOR"))
    service.count_code(clerk, st, MILK, 8)
    service.count_code(clerk, st, BREAD, 10)
    service.count_code(clerk, st, "5012345678900", 3)
    window = open_window(qtbot, store, "owner", "demo-owner")

    def link(dialog: UnknownCodesDialog) -> None:
        assert dialog.table.item(0, 0).text() == "5012345678900"
        dialog.link_selected(products["SOAP"])
        assert dialog.table.rowCount() == 0
        dialog.accept()

    ran = when_dialog_opens(qtbot, link)
    qtbot.mouseClick(window.unknown_button, Qt.MouseButton.LeftButton)
    assert ran
    assert "(0)" in window.unknown_button.text()

    window.only_combo.setCurrentIndex(window.only_combo.findData("variances"))
    skus = [window.model.line(r).sku for r in range(window.model.rowCount())]
    assert set(skus) == {"MILK-1L", "SOAP", "NIUNAI"}  # niunai not counted: to zero in a full count
    assert cell(window, "MILK-1L", window.model.VARIANCE) == "-2"
    assert cell(window, "SOAP", window.model.VARIANCE) == "-7"

    def post_keeping_uncounted(box: QMessageBox) -> None:
        keep = next(b for b in box.buttons() if "keep" in b.text().lower())
        keep.click()

    ran = when_dialog_opens(qtbot, post_keeping_uncounted)
    qtbot.mouseClick(window.post_button, Qt.MouseButton.LeftButton)
    assert ran
    assert "ST-000001 posted" in window.message.text()
    assert floor(store, products["MILK-1L"]) == 8
    assert floor(store, products["SOAP"]) == 3
    assert floor(store, products["NIUNAI"]) == 10  # kept
    assert stock.verify(store) == []
    assert window.stocktake_id is None


def test_handheld_file_import_and_variance_report(qtbot, store, products, manager, tmp_path, monkeypatch):
    service = StocktakeService(store)
    st = service.start(manager, StocktakeSpec("FLOOR"))
    window = open_window(qtbot, store, "manager", "demo-manager")
    counts = tmp_path / "handheld.csv"
    counts.write_text(f"{MILK},7\n{SOAP},12\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(counts), ""))
    qtbot.mouseClick(window.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Imported 2 rows" in window.message.text(), timeout=10_000)
    assert cell(window, "MILK-1L", window.model.COUNTED) == "7"

    bad = tmp_path / "bad.csv"
    bad.write_text(f"{MILK},-3\n", encoding="utf-8")
    window.import_counts(str(bad))
    qtbot.waitUntil(lambda: window.message.property("kind") == "error", timeout=10_000)
    assert "row 1" in window.message.text()
    assert cell(window, "MILK-1L", window.model.COUNTED) == "7"

    report = tmp_path / "variances.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(report), ""))
    qtbot.mouseClick(window.report_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(report.exists, timeout=10_000)
    assert report.read_bytes().startswith(b"%PDF")
    assert st == window.stocktake_id
