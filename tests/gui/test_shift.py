"""A cashier's whole shift through the real windows: open the till with a float, a split
sale, park and resume, a manager-approved discount, a return against a receipt, cash in
and out, and closing with a count — then the Z report must equal what the tables say."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import func, select

from shopdesk.gui.main_window import MainWindow
from shopdesk.gui.payment_dialog import PaymentDialog
from shopdesk.gui.till_dialogs import CashMoveDialog, CloseTillDialog, OpenTillDialog, ReportDialog
from shopdesk.services import stock
from shopdesk.store.counter_models import CashMovement, TillSession
from shopdesk.store.models import AuditEntry, Sale, SalePayment
from tests.gui.test_discount_dialogs import approve
from tests.gui.test_first_sale import BREAD, MILK, SOAP, log_in, scan, when_dialog_opens
from tests.gui.test_payment_dialog import type_amount
from tests.gui.test_till_dialogs import ok, type_count, when_dialog_of


def pay_with(qtbot, checkout, action) -> None:
    ran = when_dialog_opens(qtbot, action)
    with qtbot.waitSignal(checkout.receipt_issued, timeout=10_000):
        qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F12)
    assert ran


def test_a_whole_shift_adds_up_in_the_z_report(qtbot, store, products, tmp_path):
    window = MainWindow(log_in(qtbot, store, "cashier", "demo-cashier"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    checkout, menu = window.checkout, window.till_menu

    # 1. Open the till with a counted float of €100.00.
    opened = when_dialog_of(qtbot, OpenTillDialog,
                            lambda d: (type_count(qtbot, d.grid, {2000: 4, 1000: 2}), ok(d)))
    menu.open_action.trigger()
    assert opened and "€100.00" in checkout.message.text()

    # 2. A split sale: bread + soap = €5.99, card €3.00 then cash €5.00 (change €2.01).
    scan(qtbot, window, BREAD)
    scan(qtbot, window, SOAP)

    def split(dialog: PaymentDialog):
        type_amount(qtbot, dialog, "3")
        dialog.tender_buttons["card"].click()
        qtbot.keyClicks(dialog.reference_edit, "A1B2C3")
        qtbot.keyClick(dialog.reference_edit, Qt.Key.Key_Return)
        type_amount(qtbot, dialog, "5")
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)

    pay_with(qtbot, checkout, split)
    first = checkout.last_sale
    assert (first.total, first.change) == (599, 201)

    # 3. Park a cart, serve the next customer (milk in cash), resume the parked one.
    scan(qtbot, window, MILK)
    scan(qtbot, window, MILK)
    when_dialog_opens(qtbot, lambda d: (qtbot.keyClicks(d.findChild(QLineEdit), "back in 5"),
                                        qtbot.keyClick(d.findChild(QLineEdit), Qt.Key.Key_Return)))
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F9)
    assert checkout.model.rowCount() == 0
    scan(qtbot, window, MILK)
    pay_with(qtbot, checkout, lambda d: qtbot.keyClick(d.tendered, Qt.Key.Key_Return))  # exact €1.29
    resumed = when_dialog_opens(qtbot, lambda d: qtbot.keyClick(d.list, Qt.Key.Key_Return))
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F10)
    assert resumed and checkout.cart.total == 258

    # 4. 20 % off the milk line: over the cashier's 10 %, the manager types her PIN.
    checkout.table.selectRow(0)

    def twenty(dialog):
        qtbot.keyClicks(dialog.value, "20")
        when_dialog_opens(qtbot, approve(qtbot, "manager", "2222"))
        qtbot.keyClick(dialog.value, Qt.Key.Key_Return)

    when_dialog_opens(qtbot, twenty)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F6)
    assert checkout.cart.total == 206  # 2.58 − 0.52
    def ten_in_cash(dialog):
        type_amount(qtbot, dialog, "10")
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)

    pay_with(qtbot, checkout, ten_in_cash)

    # 5. The first customer brings the soap back with the receipt: refunded as paid.
    from shopdesk.gui.returns_dialog import ReturnsDialog
    from tests.gui.test_returns_dialog import when_shown

    def return_soap(dialog: ReturnsDialog):
        qtbot.keyClicks(dialog.receipt, first.receipt_number)
        qtbot.keyClick(dialog.receipt, Qt.Key.Key_Return)
        spin = dialog.quantity(dialog.row_of_sku("SOAP"))
        spin.selectAll()
        qtbot.keyClicks(spin, "1")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    returned = when_shown(qtbot, ReturnsDialog, return_soap)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F11)
    assert returned
    assert checkout.cart.total == -249
    def refund_to_the_card(dialog):
        # The sale was paid €3.00 by card first: the €2.49 goes back to the card, whose
        # terminal gives a refund approval code.
        assert dialog.tendered.text() == "2.49"
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)
        assert dialog.reference_box.isVisible()
        qtbot.keyClicks(dialog.reference_edit, "R-778899")
        qtbot.keyClick(dialog.reference_edit, Qt.Key.Key_Return)
        if dialog.isVisible():
            qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)

    pay_with(qtbot, checkout, refund_to_the_card)
    assert checkout.last_sale.kind == "return"
    assert [(t.code, t.amount) for t in checkout.last_sale.tenders] == [("card", -249)]

    # 6. Cash in €20.00 (change from the bank), cash out €7.50 (window cleaner).
    def move(amount: str, reason: str):
        return lambda d: (qtbot.keyClicks(d.amount, amount), qtbot.keyClicks(d.reason, reason), ok(d))

    when_dialog_of(qtbot, CashMoveDialog, move("20", "Change from the bank"))
    menu.cash_in_action.trigger()
    when_dialog_of(qtbot, CashMoveDialog, move("7.50", "Window cleaner"))
    menu.cash_out_action.trigger()

    # 7. Close with a count of exactly what should be there; read the Z report.
    seen = {}

    def count_exactly(dialog: CloseTillDialog):
        seen["expected"] = dialog.expected_label.text()
        type_count(qtbot, dialog.grid, _notes_for(dialog.expected))
        seen["over_short"] = dialog.over_short_label.text()
        ok(dialog)

    def read_z(dialog: ReportDialog):
        seen["z"] = dialog.text.toPlainText()
        dialog.accept()

    when_dialog_of(qtbot, CloseTillDialog, count_exactly)
    when_dialog_of(qtbot, ReportDialog, read_z)
    menu.close_action.trigger()
    assert "Z report" in seen["z"]

    # The Z report's figures equal the sum of the day's documents and cash movements.
    with store.reader() as s:
        session = s.scalar(select(TillSession))
        sales = s.scalars(select(Sale).where(Sale.session_id == session.id)).all()
        cash = s.scalar(select(func.sum(SalePayment.amount)).join(Sale, Sale.id == SalePayment.sale_id)
                        .where(Sale.session_id == session.id, SalePayment.tender == "cash"))
        moves = dict(s.execute(select(CashMovement.kind, func.sum(CashMovement.amount))
                               .where(CashMovement.session_id == session.id).group_by(CashMovement.kind)).all())
        assert {sale.kind for sale in sales} == {"sale", "return"} and len(sales) == 4
        expected = session.opening_float + cash + moves["paid_in"] - moves["paid_out"]
        assert session.expected_cash == expected == 10_000 + (299 + 129 + 206) + 2000 - 750  # refund: card
        assert session.counted_cash == expected and session.status == "closed"
        approvals = s.scalars(select(AuditEntry).where(AuditEntry.action == "cart.line_discount")).all()
        assert len(approvals) == 1 and approvals[0].approved_by_id is not None
    assert seen["over_short"].startswith("€0.00") or "0.00" in seen["over_short"]
    assert stock.verify(store) == []


def _notes_for(amount: int | None) -> dict[int, int]:
    """A denomination count (EUR) that adds up to ``amount`` cents, largest first."""
    counts, left = {}, amount or 0
    for value in (50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1):
        if left >= value:
            counts[value], left = divmod(left, value)[0], left % value
    return counts
