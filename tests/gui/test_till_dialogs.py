"""A cashier opens the till counting the float, sells for cash, pays cash out, and closes
the till with a count, reading over/short on screen, through the real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from sqlalchemy import select

from shopdesk.gui.login_dialog import LoginDialog
from shopdesk.gui.main_window import MainWindow
from shopdesk.gui.till_dialogs import (
    CashMoveDialog,
    CloseTillDialog,
    NoSaleDialog,
    OpenTillDialog,
    ReportDialog,
)
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.payments import PaymentService, Tender
from shopdesk.store.counter_models import CashMovement, TillSession
from tests.gui.test_first_sale import log_in

SOAP = "96385074"


def when_dialog_of(qtbot, cls, action, timeout_ms: int = 5000) -> list:
    """Act on the next modal dialog of type ``cls`` once it shows (exec() blocks the test)."""
    ran: list = []
    tries = [timeout_ms // 10]

    def attempt():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, cls):
            tries[0] -= 1
            if tries[0] > 0:
                QTimer.singleShot(10, attempt)
            return
        ran.append(dialog)
        try:
            action(dialog)
        except BaseException:
            dialog.reject()
            raise
    QTimer.singleShot(0, attempt)
    return ran


def type_count(qtbot, grid, counts: dict[int, int]) -> None:
    for value, pieces in counts.items():
        spin = grid.spin(value)
        spin.setFocus()
        spin.lineEdit().selectAll()
        qtbot.keyClicks(spin, str(pieces))


def ok(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


@pytest.fixture
def window(qtbot, store, products):
    ctx = log_in(qtbot, store, "cashier", "demo-cashier")
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


def test_open_sell_cash_out_and_close_with_a_count(qtbot, window, store, tmp_path):
    menu = window.till_menu
    assert [a.text() for a in menu.menu.actions() if a.text()] == [
        "&Open till…", "Cash &in…", "Cash &out…", "&No sale (open drawer)", "&X report…", "&Close till (Z)…"]
    assert menu.open_action.isEnabled() and not menu.close_action.isEnabled()
    assert not menu.no_sale_action.isEnabled()  # a cashier may not open the drawer without a sale

    def open_with_float(dialog: OpenTillDialog):
        type_count(qtbot, dialog.grid, {2000: 2, 1000: 1, 200: 5, 50: 10})  # 40 + 10 + 10 + 5
        assert dialog.grid.total_label.text() == "Total: €65.00"
        assert dialog.grid.line_totals[200].text() == "€10.00"
        ok(dialog)

    opened = when_dialog_of(qtbot, OpenTillDialog, open_with_float)
    menu.open_action.trigger()
    assert opened
    assert "Z-T1-000001" in window.checkout.message.text() and "€65.00" in window.checkout.message.text()
    assert not menu.open_action.isEnabled() and menu.close_action.isEnabled()

    staff, till_id = window.ctx.staff, window.ctx.till.till_id
    CheckoutService(store).scan(staff, till_id, SOAP)  # 2.49
    sale = PaymentService(store).pay(staff, till_id, [Tender("cash", 500)])
    assert sale.change == 251

    def pay_out(dialog: CashMoveDialog):
        qtbot.keyClicks(dialog.amount, "100")
        qtbot.keyClicks(dialog.reason, "Bank drop")
        ok(dialog)  # more than the drawer holds: refused, stays open
        assert "should hold only €67.49" in dialog.error.text()
        dialog.amount.clear()
        qtbot.keyClicks(dialog.amount, "5.00")
        dialog.reason.clear()
        ok(dialog)  # no reason: refused
        assert "reason" in dialog.error.text()
        qtbot.keyClicks(dialog.reason, "Milk for the staff room")
        ok(dialog)

    paid = when_dialog_of(qtbot, CashMoveDialog, pay_out)
    menu.cash_out_action.trigger()
    assert paid and paid[0].direction == "out"
    with store.reader() as s:
        assert s.scalar(select(CashMovement.amount)) == 500

    seen = {}

    def count_and_close(dialog: CloseTillDialog):
        assert dialog.expected_label.text() == "€62.49"  # 65.00 + 2.49 − 5.00
        type_count(qtbot, dialog.grid, {2000: 3, 100: 1, 20: 2, 5: 1, 2: 2})  # 61.49
        seen["counted"] = dialog.counted_label.text()
        seen["over_short"] = dialog.over_short_label.text()
        ok(dialog)

    def read_z(dialog: ReportDialog):
        seen["report"] = dialog.text.toPlainText()
        with qtbot.waitSignal(dialog.printed, timeout=10_000) as printed:
            dialog.print_button.click()
        assert printed.args[0] is True
        pdf = tmp_path / "z.pdf"
        with qtbot.waitSignal(dialog.saved, timeout=10_000):
            dialog.save_pdf(str(pdf))
        assert pdf.read_bytes().startswith(b"%PDF")
        dialog.accept()

    closed = when_dialog_of(qtbot, CloseTillDialog, count_and_close)
    reported = when_dialog_of(qtbot, ReportDialog, read_z)
    menu.close_action.trigger()
    assert closed and reported
    assert seen["counted"] == "€61.49"
    assert seen["over_short"] == "-€1.00 (short)"
    assert "Z report" in seen["report"] and "Z-T1-000001" in seen["report"]
    assert "Over/short" in seen["report"] and "-€1.00" in seen["report"]
    assert b"Z report" in (tmp_path / "printer.escpos").read_bytes()
    assert "Till closed" in window.checkout.message.text()
    assert menu.open_action.isEnabled() and not menu.close_action.isEnabled()
    with store.reader() as s:
        session = s.scalar(select(TillSession))
        assert (session.status, session.expected_cash, session.counted_cash) == ("closed", 6249, 6149)


def test_errors_show_in_the_dialog_and_nothing_is_written(qtbot, window, store):
    dialog = OpenTillDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.grid.plain.setChecked(True)
    qtbot.keyClicks(dialog.grid.amount, "12.345")
    dialog.submit()
    assert "at most 2 decimals" in dialog.error.text() and dialog.session_id is None
    dialog.grid.amount.clear()
    qtbot.keyClicks(dialog.grid.amount, "50")
    assert dialog.grid.total_label.text() == "Total: €50.00"
    dialog.submit()
    assert dialog.session_id is not None

    again = OpenTillDialog(window.ctx, window)
    qtbot.addWidget(again)
    again.submit()
    assert "already open" in again.error.text() and "Z-T1-000001" in again.error.text()
    with store.reader() as s:
        assert len(list(s.scalars(select(TillSession)))) == 1

    no_sale = NoSaleDialog(window.ctx, window)
    qtbot.addWidget(no_sale)
    qtbot.keyClicks(no_sale.reason, "change")
    no_sale.submit()
    assert "may not open drawer" in no_sale.error.text()
    with store.reader() as s:
        assert s.scalar(select(CashMovement)) is None


def test_x_report_dialog_and_manager_no_sale_after_switching_user(qtbot, window, store, tmp_path):
    window.till_menu.service.open(window.ctx.staff, window.ctx.till.till_id, 2000)
    window.till_menu.refresh()

    def read_x(dialog: ReportDialog):
        assert "X report" in dialog.text.toPlainText() and "€20.00" in dialog.text.toPlainText()
        dialog.accept()

    shown = when_dialog_of(qtbot, ReportDialog, read_x)
    window.till_menu.x_action.trigger()
    assert shown

    def type_pin(dialog):
        dialog.staff_combo.setCurrentIndex(dialog.staff_combo.findData("manager"))
        qtbot.keyClicks(dialog.pin, "2222")
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)

    when_dialog_of(qtbot, LoginDialog, type_pin)
    window.switch_user()
    assert window.till_menu.no_sale_action.isEnabled()

    def no_sale(dialog: NoSaleDialog):
        qtbot.keyClicks(dialog.reason, "Customer needs change")
        ok(dialog)

    when_dialog_of(qtbot, NoSaleDialog, no_sale)
    with qtbot.waitSignal(window.till_menu.drawer_kicked, timeout=10_000) as kicked:
        window.till_menu.no_sale_action.trigger()
    assert kicked.args[0] is None
    assert b"\x1bp" in (tmp_path / "printer.escpos").read_bytes()  # the drawer kick (ESC p)
    with store.reader() as s:
        assert s.scalar(select(CashMovement.kind)) == "no_sale"
