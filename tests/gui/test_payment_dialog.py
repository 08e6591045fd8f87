"""Taking payment like a cashier: split tenders, cash rounding, short payments, refunds."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from shopdesk.gui.main_window import MainWindow
from shopdesk.gui.payment_dialog import PaymentDialog
from shopdesk.printing.receipt_text import receipt_text
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.payments import Tender
from shopdesk.services.receipts import ReceiptService
from shopdesk.store.counter_models import Customer, StoreCreditEntry
from shopdesk.store.models import (
    AuditEntry,
    CartDraft,
    CartDraftLine,
    Sale,
    SaleLine,
    StoreSettings,
)
from shopdesk.store.types import new_id
from tests.gui.test_first_sale import BREAD, SOAP, log_in, scan, when_dialog_opens


@pytest.fixture
def window(qtbot, store, products):
    ctx = log_in(qtbot, store, "cashier", "demo-cashier")
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    return main


def type_amount(qtbot, dialog: PaymentDialog, text: str) -> None:
    dialog.tendered.selectAll()
    qtbot.keyClicks(dialog.tendered, text)


def pay(qtbot, window, action, suggested=()) -> object:
    """Open the payment dialog (F12, or with suggested tenders) and wait for the receipt."""
    ran = when_dialog_opens(qtbot, action)
    checkout = window.checkout
    with qtbot.waitSignal(checkout.receipt_issued, timeout=10_000) as receipt_signal:
        if suggested:
            checkout.take_payment(suggested)
        else:
            qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F12)
    assert ran
    return receipt_signal.args[0]


def printed(tmp_path) -> bytes:
    return (tmp_path / "printer.escpos").read_bytes()


def test_split_card_then_cash_shows_change_and_both_tenders_on_the_receipt(qtbot, window, store, tmp_path):
    scan(qtbot, window, BREAD)  # 3.50
    scan(qtbot, window, SOAP)  # 2.49 → 5.99
    seen = {}

    def split(dialog: PaymentDialog):
        assert dialog.due.text() == "€5.99" and dialog.tendered.text() == "5.99"
        type_amount(qtbot, dialog, "3")
        dialog.tender_buttons["card"].click()
        assert dialog.reference_box.isVisible() and dialog.focusWidget() is dialog.reference_edit
        dialog.card_type.setCurrentText("VISA")
        qtbot.keyClicks(dialog.reference_edit, "123456")
        qtbot.keyClick(dialog.reference_edit, Qt.Key.Key_Return)  # approved
        assert not dialog.reference_box.isVisible()
        assert dialog.tender_list.count() == 1 and "123456" in dialog.tender_list.item(0).text()
        assert dialog.paid.text() == "€3.00" and dialog.still_due.text() == "€2.99"
        assert dialog.tendered.text() == "2.99" and dialog.focusWidget() is dialog.tendered
        type_amount(qtbot, dialog, "5")
        seen["change"] = dialog.change.text()
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)

    output = pay(qtbot, window, split)
    assert seen["change"] == "€2.01"
    assert "€2.01" in window.checkout.message.text()
    sale = window.checkout.last_sale
    assert (sale.total, sale.change, sale.open_drawer) == (599, 201, True)
    text = receipt_text(ReceiptService(store).receipt_for(sale.sale_id), 42)
    assert "Card VISA" in text and "123456" in text
    assert any(line.startswith("Cash") and line.endswith("€5.00") for line in text.splitlines())
    assert any(line.startswith("Change") and line.endswith("€2.01") for line in text.splitlines())
    data = printed(tmp_path)
    assert output.printed and b"123456" in data and b"\x1bp" in data  # cash: the drawer opens


def test_card_only_sale_does_not_open_the_drawer(qtbot, window, tmp_path):
    scan(qtbot, window, BREAD)

    def card(dialog: PaymentDialog):
        dialog.tender_buttons["card"].click()  # the whole amount, pre-filled
        qtbot.keyClicks(dialog.reference_edit, "778899")
        qtbot.keyClick(dialog.reference_edit, Qt.Key.Key_Return)
        assert dialog.still_due.text() == "€0.00" and dialog.tendered.text() == ""
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)  # nothing left: Enter completes

    pay(qtbot, window, card)
    assert window.checkout.last_sale.open_drawer is False
    data = printed(tmp_path)
    assert b"778899" in data and b"\x1dV" in data and b"\x1bp" not in data


def test_cash_rounding_shows_the_rounded_cash_due_and_prints_it(qtbot, window, store):
    with store.unit_of_work() as s:
        s.scalars(select(StoreSettings)).one().cash_rounding_step = 5
    scan(qtbot, window, SOAP)  # 2.49

    def exact(dialog: PaymentDialog):
        assert dialog.cash_due.text() == "€2.50 (rounded from €2.49)"
        assert dialog.tendered.text() == "2.50"
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)

    pay(qtbot, window, exact)
    sale = window.checkout.last_sale
    assert (sale.rounding, sale.due, sale.change) == (1, 250, 0)
    text = receipt_text(ReceiptService(store).receipt_for(sale.sale_id), 42)
    assert any(line.startswith("Rounding") and line.endswith("+€0.01") for line in text.splitlines())
    assert any(line.startswith("To pay") and line.endswith("€2.50") for line in text.splitlines())


def test_a_short_payment_cannot_complete_and_writes_nothing(qtbot, window, store):
    scan(qtbot, window, BREAD)  # 3.50

    def short(dialog: PaymentDialog):
        type_amount(qtbot, dialog, "1")
        dialog.tender_buttons["card"].click()
        qtbot.keyClicks(dialog.reference_edit, "1")
        qtbot.keyClick(dialog.reference_edit, Qt.Key.Key_Return)
        type_amount(qtbot, dialog, "2")
        assert dialog.change.text() == "—"
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)
        assert "still due" in dialog.error.text() and dialog.isVisible()
        qtbot.keyClick(dialog, Qt.Key.Key_F12)
        assert dialog.result_sale is None
        # more by card than is due is refused before it reaches the list
        type_amount(qtbot, dialog, "9")
        dialog.tender_buttons["card"].click()
        assert "only cash gives change" in dialog.error.text() and not dialog.reference_box.isVisible()
        dialog.tender_list.setCurrentRow(0)
        dialog.remove_button.click()
        assert dialog.tender_list.count() == 0 and dialog.tendered.text() == "3.50"
        dialog.reject()

    ran = when_dialog_opens(qtbot, short)
    window.checkout.pay_button.click()
    assert ran
    with store.reader() as s:
        assert s.scalar(select(func.count()).select_from(Sale)) == 0
    assert window.checkout.model.rowCount() == 1  # the cart is still there


def test_a_declined_card_is_audited_and_the_sale_stays_open(qtbot, window, store):
    scan(qtbot, window, BREAD)

    def declined(dialog: PaymentDialog):
        dialog.tender_buttons["card"].click()
        dialog.decline_button.click()
        assert "declined" in dialog.error.text() and dialog.tender_list.count() == 0
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)  # then the customer pays cash

    pay(qtbot, window, declined)
    with store.reader() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "payment.declined")).one()
        assert json.loads(entry.details)["amount"] == 350
    assert window.checkout.last_sale.tenders[0].code == "cash"


def _return_cart(store, cashier, till, products, customer_id=None) -> str:
    """Sell one bread, then put it back in a new cart as the returns screen will."""
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, BREAD)
    first = checkout.pay_cash(cashier, till.till_id, 350)
    with store.unit_of_work() as s:
        line_id = s.scalar(select(SaleLine.id).where(SaleLine.sale_id == first.sale_id))
        cart = CartDraft(id=new_id(), till_id=till.till_id, user_id=cashier.user_id, status="open",
                         original_sale_id=first.sale_id, customer_id=customer_id)
        s.add(cart)
        s.flush()
        s.add(CartDraftLine(id=new_id(), cart_id=cart.id, position=1, product_id=products["BREAD"],
                            quantity=Decimal(-1), unit_price=350, original_line_id=line_id))
    return first.receipt_number


def test_refund_mode_pays_back_in_cash(qtbot, window, store, cashier, till, products):
    original = _return_cart(store, cashier, till, products)
    window.checkout.reload()

    def back(dialog: PaymentDialog):
        assert dialog.windowTitle() == "Pay back"
        assert dialog.due_caption.text() == "To pay back:" and dialog.due.text() == "€3.50"
        assert dialog.tendered.text() == "3.50"
        assert not dialog.tender_buttons["store_credit"].isEnabled()  # no customer attached
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)

    pay(qtbot, window, back)
    sale = window.checkout.last_sale
    assert (sale.kind, sale.total, sale.tenders[0].amount, sale.open_drawer) == ("return", -350, -350, True)
    assert "Paid back: €3.50" in window.checkout.message.text()
    text = receipt_text(ReceiptService(store).receipt_for(sale.sale_id), 42)
    assert "RETURN" in text and original in text and "-€3.50" in text


def test_refund_mode_suggests_the_original_card(qtbot, window, store, cashier, till, products):
    _return_cart(store, cashier, till, products)
    window.checkout.reload()

    def to_card(dialog: PaymentDialog):
        assert "Card" in dialog.hint.text()
        assert dialog.amount_caption.text() == "&Amount (Card):" and dialog.tendered.text() == "3.50"
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)  # takes the suggested card
        qtbot.keyClicks(dialog.reference_edit, "RF0001")
        qtbot.keyClick(dialog.reference_edit, Qt.Key.Key_Return)
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)

    pay(qtbot, window, to_card, suggested=[Tender("card", 350, reference="123")])
    sale = window.checkout.last_sale
    assert [(t.code, t.amount, t.reference) for t in sale.tenders] == [("card", -350, "RF0001")]
    assert sale.open_drawer is False


def test_refund_to_store_credit_when_a_customer_is_attached(qtbot, window, store, cashier, till, products):
    with store.unit_of_work() as s:
        customer = Customer(name="Ada Lovelace")
        s.add(customer)
        s.flush()
        customer_id = customer.id
    _return_cart(store, cashier, till, products, customer_id)
    window.checkout.reload()

    def credit(dialog: PaymentDialog):
        assert dialog.tender_buttons["store_credit"].isEnabled()
        dialog.tender_buttons["store_credit"].click()
        qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return)

    pay(qtbot, window, credit)
    with store.reader() as s:
        assert s.scalar(select(func.sum(StoreCreditEntry.amount))) == 350
    text = receipt_text(ReceiptService(store).receipt_for(window.checkout.last_sale.sale_id), 42)
    assert "Store credit" in text and "Customer: Ada Lovelace" in text
