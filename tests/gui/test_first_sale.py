"""A cashier logs in, scans three items at scanner speed, pays cash, and gets a receipt,
driven through the real widgets as a person would."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit
from sqlalchemy import select

from shopdesk.gui.context import AppContext
from shopdesk.gui.login_dialog import LoginDialog
from shopdesk.gui.main_window import MainWindow
from shopdesk.gui.payment_dialog import PaymentDialog
from shopdesk.services import stock
from shopdesk.store.models import Sale, SaleLine
from tests.conftest import OPENING_STOCK

MILK, BREAD, SOAP = "4006381333931", "036000291452", "96385074"
SCANNER_DELAY_MS = 5  # 200 characters a second, like a USB keyboard-wedge scanner


def scan(qtbot, window: MainWindow, code: str) -> None:
    field = window.checkout.scan_field
    qtbot.keyClicks(field, code, delay=SCANNER_DELAY_MS)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def log_in(qtbot, store, username: str, password: str) -> AppContext:
    ctx = AppContext(store)
    dialog = LoginDialog(ctx.auth, ctx.store.name)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.session is not None, dialog.error.text()
    ctx.staff = dialog.session
    return ctx


def when_dialog_opens(qtbot, action, timeout_ms: int = 5000) -> list:
    """Act on the next modal dialog as soon as it is shown (exec() blocks the test).

    Returns a list that holds the dialog once the action ran, so a test can assert it did;
    an action still waiting after ``timeout_ms`` gives up rather than haunt a later test.
    """
    ran: list = []
    deadline = [timeout_ms // 10]

    def attempt():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            deadline[0] -= 1
            if deadline[0] > 0:
                QTimer.singleShot(10, attempt)
            return
        ran.append(dialog)
        try:
            action(dialog)
        except BaseException:
            dialog.reject()  # a failed check must fail the test, not leave exec() waiting
            raise
    QTimer.singleShot(0, attempt)
    return ran


def test_wrong_password_shows_a_message_and_stays_open(qtbot, store):
    dialog = LoginDialog(AppContext(store).auth, "Corner Market")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "cashier")
    qtbot.keyClicks(dialog.password, "not-it-at-all")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.session is None
    assert "Wrong user name or password" in dialog.error.text()
    assert dialog.password.text() == ""


def test_scan_pay_cash_print_receipt_and_stock_goes_down(qtbot, window, store, products, tmp_path):
    checkout = window.checkout
    assert checkout.scan_field.hasFocus()
    for code in (MILK, BREAD, MILK, SOAP):
        scan(qtbot, window, code)

    table = checkout.table.model()
    rows = [[table.index(r, c).data() for c in range(4)] for r in range(table.rowCount())]
    assert rows == [
        ["Whole milk 1 L", "2", "€1.29", "€2.58"],
        ["Sourdough bread", "1", "€3.50", "€3.50"],
        ["Dish soap 500 ml", "1", "€2.49", "€2.49"],
    ]
    assert checkout.total_label.text() == "€8.57"

    def pay_exact(dialog: PaymentDialog):
        assert dialog.due.text() == "€8.57"
        assert dialog.tendered.text() == "8.57"
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)  # exact cash: one keystroke

    when_dialog_opens(qtbot, pay_exact)
    with qtbot.waitSignal(checkout.receipt_issued, timeout=10_000) as receipt_signal:
        qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F12)
    output = receipt_signal.args[0]

    assert "Paid" in checkout.message.text() and "T1-000001" in checkout.message.text()
    assert checkout.model.rowCount() == 0 and checkout.total_label.text() == "€0.00"
    assert window.focusWidget() is checkout.scan_field  # ready for the next customer

    pdf = Path(output.pdf_path)
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert output.printed and output.printer_error is None
    escpos = (tmp_path / "printer.escpos").read_bytes()
    assert b"Corner Market" in escpos and b"T1-000001" in escpos and b"\x1dV" in escpos

    with store.reader() as s:
        sale = s.scalar(select(Sale))
        assert sale.receipt_number == "T1-000001" and sale.grand_total == 857
        assert s.scalar(select(SaleLine.quantity).where(SaleLine.description == "Whole milk 1 L")) == 2
        floor = stock.location_id(s, "FLOOR")
        assert stock.on_hand(s, products["MILK-1L"], floor) == OPENING_STOCK - 2
        assert stock.on_hand(s, products["SOAP"], floor) == OPENING_STOCK - 1


def test_cash_given_and_change_due(qtbot, window):
    scan(qtbot, window, BREAD)

    def pay_twenty(dialog: PaymentDialog):
        dialog.tendered.selectAll()
        qtbot.keyClicks(dialog.tendered, "3")
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)  # too little: refused, stays open
        assert "less than the total" in dialog.error.text()
        dialog.tendered.selectAll()
        qtbot.keyClicks(dialog.tendered, "20")
        assert dialog.change.text() == "€16.50"
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    when_dialog_opens(qtbot, pay_twenty)
    with qtbot.waitSignal(window.checkout.sale_completed, timeout=5000) as sale_signal:
        window.checkout.pay_button.click()
    assert sale_signal.args[0].change == 1650
    assert "€16.50" in window.checkout.message.text()


def test_unknown_and_invalid_barcodes_show_a_message_and_add_nothing(qtbot, window):
    scan(qtbot, window, MILK)
    scan(qtbot, window, "5012345678900")
    assert "No product has the barcode 5012345678900" in window.checkout.message.text()
    assert window.checkout.message.property("kind") == "error"
    scan(qtbot, window, "4006381333932")
    assert "check digit" in window.checkout.message.text()
    assert window.checkout.model.rowCount() == 1
    scan(qtbot, window, SOAP)  # the next scan works straight away: nothing modal got in the way
    assert window.checkout.model.rowCount() == 2


def test_change_quantity_in_the_table_and_remove_a_line(qtbot, window):
    scan(qtbot, window, SOAP)
    scan(qtbot, window, MILK)
    checkout = window.checkout
    checkout.model.setData(checkout.model.index(0, 1), "3")
    assert checkout.model.index(0, 1).data() == "3"
    assert checkout.total_label.text() == "€8.76"
    checkout.model.setData(checkout.model.index(0, 1), "abc")
    assert checkout.message.property("kind") == "error"
    checkout.table.selectRow(1)
    qtbot.keyClick(checkout.table, Qt.Key.Key_Delete)
    assert checkout.model.rowCount() == 1
    assert checkout.total_label.text() == "€7.47"


def test_a_restarted_till_shows_the_cart_in_progress(qtbot, window, store):
    scan(qtbot, window, MILK)
    scan(qtbot, window, BREAD)
    window.close()
    ctx = log_in(qtbot, store, "cashier", "demo-cashier")
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert again.checkout.model.rowCount() == 2
    assert "restored" in again.checkout.message.text()


def test_status_bar_shows_user_till_and_database(window, store):
    assert "Casey Cashier" in window.user_label.text()
    assert "Till 1" in window.till_label.text()
    assert str(store.path) in window.db_label.text()


def test_switch_user_by_pin(qtbot, window):
    def type_pin(dialog):
        index = dialog.staff_combo.findData("manager")
        dialog.staff_combo.setCurrentIndex(index)
        qtbot.keyClicks(dialog.pin, "2222")
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)

    when_dialog_opens(qtbot, type_pin)
    window.switch_user()
    assert "Max Manager" in window.user_label.text()
    assert window.focusWidget() is window.findChild(QLineEdit, "scanField")


def test_scans_land_even_when_the_cart_table_has_focus(qtbot, window):
    scan(qtbot, window, MILK)
    table = window.checkout.table
    table.setFocus()
    table.selectRow(0)
    for _ in range(10):  # ten scans in a row are ten items, not five
        qtbot.keyClicks(table, SOAP, delay=SCANNER_DELAY_MS)
        qtbot.keyClick(table, Qt.Key.Key_Return)
    model = window.checkout.model
    quantities = {model.index(r, 0).data(): model.index(r, 1).data() for r in range(model.rowCount())}
    assert quantities == {"Whole milk 1 L": "1", "Dish soap 500 ml": "10"}


def test_typed_name_then_f3_finds_and_adds_the_product(qtbot, window):
    checkout = window.checkout
    qtbot.keyClicks(checkout.scan_field, "whole mil")
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_Return)
    assert "F3" in checkout.message.text() and checkout.model.rowCount() == 0

    def pick(dialog):
        assert dialog.query.text() == "whole mil"
        assert dialog.results.count() >= 1
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return)

    when_dialog_opens(qtbot, pick)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F3)
    assert checkout.model.index(0, 0).data() == "Whole milk 1 L"

    def pick_by_pinyin(dialog):
        qtbot.keyClicks(dialog.query, "niunai")
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return)

    when_dialog_opens(qtbot, pick_by_pinyin)
    checkout.find_button.click()
    assert checkout.model.index(1, 0).data() == "牛奶 1L"
