"""A cashier takes items back at the counter through the real widgets: F11, scan the
receipt, pick a line and a quantity, OK; the cart shows a negative line and Pay refunds."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from shopdesk.services import stock
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.customers import CustomerDraft, CustomerService
from shopdesk.services.payments import PaymentService, Tender
from shopdesk.services.returns import ReturnsService
from shopdesk.store.models import AuditEntry, Sale
from tests.gui.test_first_sale import SCANNER_DELAY_MS

BREAD, SOAP = "036000291452", "96385074"


def when_shown(qtbot, kind, action, timeout_ms: int = 5000) -> list:
    """Act on the next modal dialog of type ``kind`` once it is shown (exec() blocks the test)."""
    ran: list = []

    def attempt(tries: int = timeout_ms // 10) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            if tries > 0:
                QTimer.singleShot(10, lambda: attempt(tries - 1))
            return
        ran.append(dialog)
        try:
            action(dialog)
        except BaseException:
            dialog.reject()
            raise
    QTimer.singleShot(0, attempt)
    return ran


def earlier_sale(store, staff, till_id):
    checkout = CheckoutService(store)
    for code in (BREAD, BREAD, BREAD, SOAP):
        checkout.scan(staff, till_id, code)
    return checkout.pay_cash(staff, till_id, 1299)


def test_f11_scan_receipt_return_one_bread_and_refund_cash(qtbot, window, store, products):
    from shopdesk.gui.returns_dialog import ReturnsDialog

    checkout = window.checkout
    ctx = checkout.ctx
    sold = earlier_sale(store, ctx.staff, ctx.till.till_id)
    checkout.reload()

    def return_one_bread(dialog: ReturnsDialog):
        assert dialog.focusWidget() is dialog.receipt  # a scan lands in the receipt field
        qtbot.keyClicks(dialog.receipt, sold.receipt_number.lower(), delay=SCANNER_DELAY_MS)
        qtbot.keyClick(dialog.receipt, Qt.Key.Key_Return)
        assert sold.receipt_number in dialog.sale_label.text(), dialog.error.text()
        row = dialog.row_of_sku("BREAD")
        assert dialog.lines.item(row, dialog.SOLD).text() == "3"
        assert dialog.lines.item(row, dialog.RETURNABLE).text() == "3"
        assert not dialog.ok_button.isEnabled()
        spin = dialog.quantity(row)
        spin.selectAll()
        qtbot.keyClicks(spin, "1")
        assert dialog.tick(row).isChecked() and dialog.ok_button.isEnabled()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    opened = when_shown(qtbot, ReturnsDialog, return_one_bread)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F11)
    assert opened, "F11 did not open the returns dialog"

    model = checkout.model
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "RETURN: Sourdough bread"  # marked as a return in the cart
    assert model.index(0, 1).data().replace("−", "-") == "-1"
    assert checkout.cart.total == -350
    assert "3.50" in checkout.total_label.text() and "-" in checkout.total_label.text().replace("−", "-")
    assert "refund" in checkout.message.text()

    refund = ReturnsService(store).suggested_refund(ctx.till.till_id)
    assert refund == [("cash", -350)]
    result = PaymentService(store).pay(ctx.staff, ctx.till.till_id, [Tender(c, a) for c, a in refund])
    checkout.reload()
    assert checkout.model.rowCount() == 0
    assert (result.kind, result.total) == ("return", -350)
    with store.reader() as s:
        back = s.get(Sale, result.sale_id)
        assert back.original_sale_id == sold.sale_id
        assert [(p.tender, p.amount) for p in back.payments] == [("cash", -350)]
        assert stock.on_hand(s, products["BREAD"], stock.location_id(s, "FLOOR")) == 10 - 3 + 1


def test_damaged_line_and_the_cart_remembers_what_is_already_taken_back(qtbot, window, store,
                                                                          products):
    from shopdesk.gui.returns_dialog import ReturnsDialog

    checkout = window.checkout
    ctx = checkout.ctx
    sold = earlier_sale(store, ctx.staff, ctx.till.till_id)

    def soap_damaged(dialog: ReturnsDialog):
        dialog.receipt.setText(sold.receipt_number)
        dialog.find_receipt()
        row = dialog.row_of_sku("SOAP")
        dialog.tick(row).setChecked(True)  # ticking takes all that is left
        assert dialog.quantity(row).value() == 1
        dialog.damaged(row).setChecked(True)
        dialog.ok_button.click()

    when_shown(qtbot, ReturnsDialog, soap_damaged)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F11)
    assert checkout.cart.lines[0].return_location_code == "SCRAP"

    def look_again(dialog: ReturnsDialog):
        dialog.receipt.setText(sold.receipt_number)
        dialog.find_receipt()
        row = dialog.row_of_sku("SOAP")
        assert dialog.lines.item(row, dialog.RETURNABLE).text() == "0"
        assert not dialog.tick(row).isEnabled()
        dialog.reject()

    assert when_shown(qtbot, ReturnsDialog, look_again) is not None
    checkout.findChild(type(checkout.pay_button), "returnButton").click()


def test_return_without_receipt_asks_for_a_manager_pin(qtbot, window, store, products, manager):
    from shopdesk.gui.returns_dialog import ApprovalDialog, NoReceiptDialog, ReturnsDialog

    checkout = window.checkout
    ctx = checkout.ctx
    hit = next(h for h in ctx.search.search("soap", limit=5) if h.sku == "SOAP")

    def approve(dialog: ApprovalDialog):
        dialog.staff_combo.setCurrentIndex(dialog.staff_combo.findData("manager"))
        qtbot.keyClicks(dialog.pin, "0000")
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)
        assert "Wrong" in dialog.error.text()
        qtbot.keyClicks(dialog.pin, "2222")
        qtbot.keyClick(dialog.pin, Qt.Key.Key_Return)

    def details(dialog: NoReceiptDialog):
        dialog.set_product(hit)
        dialog.price.setText("2.00")
        when_shown(qtbot, ApprovalDialog, approve)
        dialog.try_accept()

    def no_receipt(dialog: ReturnsDialog):
        when_shown(qtbot, NoReceiptDialog, details)
        dialog.no_receipt_button.click()

    when_shown(qtbot, ReturnsDialog, no_receipt)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F11)
    assert checkout.cart.total == -200
    assert checkout.cart.lines[0].quantity == Decimal(-1)
    with store.reader() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "return.without_receipt"))
        assert (entry.user_id, entry.approved_by_id) == (ctx.staff.user_id, manager.user_id)


def sale_of(store, staff, till_id, codes, customer_id=None):
    """A paid sale of ``codes``, to ``customer_id`` when given (attached before paying)."""
    checkout = CheckoutService(store)
    if customer_id is not None:
        CustomerService(store).attach(staff, till_id, customer_id)
    view = None
    for code in codes:
        view = checkout.scan(staff, till_id, code)
    return PaymentService(store).pay(staff, till_id, [Tender("cash", view.total)])


def test_search_by_customer_lists_only_their_sale(qtbot, window, store, products):
    from shopdesk.gui.customer_dialogs import CustomerDialog
    from shopdesk.gui.returns_dialog import ReturnsDialog

    checkout = window.checkout
    ctx = checkout.ctx
    till_id = ctx.till.till_id
    customers = CustomerService(store)
    anna = customers.create(ctx.staff, CustomerDraft("Anna Schmidt", "+49 170 123-4567"))
    customers.create(ctx.staff, CustomerDraft("John Smith", "0170 555 0101"))
    anonymous = sale_of(store, ctx.staff, till_id, [BREAD, BREAD])
    annas = sale_of(store, ctx.staff, till_id, [SOAP, BREAD], customer_id=anna)
    checkout.reload()
    assert checkout.cart is None or checkout.cart.customer_id is None

    def pick_anna(picker: CustomerDialog):
        assert not picker.detach_button.isVisible() and not picker.new_button.isVisible()
        qtbot.keyClicks(picker.query, "schm")
        qtbot.keyClick(picker.query, Qt.Key.Key_Return)

    def search_for_anna(dialog: ReturnsDialog):
        dialog.search()  # without a customer: both sales of today
        numbers = {dialog.results.item(row, 0).text() for row in range(dialog.results.rowCount())}
        assert {anonymous.receipt_number, annas.receipt_number} <= numbers
        assert not dialog.clear_customer_button.isVisible()

        picked = when_shown(qtbot, CustomerDialog, pick_anna)
        qtbot.mouseClick(dialog.customer_button, Qt.MouseButton.LeftButton)
        assert picked, "the customer picker did not open"
        assert dialog.customer_id == anna
        assert "Anna Schmidt" in dialog.customer_button.text()
        assert dialog.clear_customer_button.isVisible()

        dialog.search()
        assert dialog.results.rowCount() == 1, dialog.error.text()
        assert dialog.results.item(0, 0).text() == annas.receipt_number
        assert dialog.results.item(0, 3).text() == "Anna Schmidt"
        dialog.results.setCurrentCell(0, 0)
        dialog.results.cellActivated.emit(0, 0)
        assert annas.receipt_number in dialog.sale_label.text(), dialog.error.text()
        assert "Anna Schmidt" in dialog.sale_label.text()
        assert dialog.lines.rowCount() == 2
        assert dialog.row_of_sku("SOAP") >= 0 and dialog.row_of_sku("BREAD") >= 0
        assert dialog.lines.item(dialog.row_of_sku("SOAP"), dialog.SOLD).text() == "1"

        qtbot.mouseClick(dialog.clear_customer_button, Qt.MouseButton.LeftButton)
        assert dialog.customer_id is None and not dialog.clear_customer_button.isVisible()
        dialog.search()
        assert dialog.results.rowCount() == 2
        dialog.reject()

    opened = when_shown(qtbot, ReturnsDialog, search_for_anna)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F11)
    assert opened, "F11 did not open the returns dialog"
    assert checkout.cart is None or checkout.cart.customer_id is None  # choosing did not attach anyone
