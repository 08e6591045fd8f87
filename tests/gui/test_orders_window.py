"""The orders area driven as a person would: take a phone order (type the address, scan
two products, change a quantity, add shipping), take the payment, read the timeline,
cancel it as a manager and find it again by name."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from shopdesk.domain.money import format_money
from shopdesk.domain.order_flow import OrderState
from shopdesk.domain.shipping import Address
from shopdesk.gui.order_dialog import OrderDialog, OrderDraftLinesModel
from shopdesk.gui.order_payment_dialogs import CancelOrderDialog, RecordPaymentDialog
from shopdesk.gui.orders_window import OrderDetail, OrdersModel, OrdersWindow
from shopdesk.services.orders import OrderDraft, OrderLineDraft
from tests.gui.test_first_sale import SCANNER_DELAY_MS, log_in, when_dialog_opens

MILK, SOAP = "4006381333931", "96385074"


def money(minor: int) -> str:
    return format_money(minor, "EUR", "en_GB")


def open_window(qtbot, store, username: str) -> OrdersWindow:
    ctx = log_in(qtbot, store, username, f"demo-{username}")
    window = OrdersWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 760)
    window.show()
    qtbot.waitExposed(window)
    return window


def click(qtbot, widget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def scan(qtbot, dialog: OrderDialog, code: str) -> None:
    qtbot.keyClicks(dialog.scan_field, code, delay=SCANNER_DELAY_MS)
    qtbot.keyClick(dialog.scan_field, Qt.Key.Key_Return)


def type_into_cell(qtbot, table, row: int, column: int, text: str) -> None:
    index = table.model().index(row, column)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
    assert table.state() == QAbstractItemView.State.EditingState
    editor = table.viewport().findChild(QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState, timeout=2000)


def rows(model, *columns: int) -> list[tuple[str, ...]]:
    return [tuple(model.data(model.index(r, c)) for c in columns) for r in range(model.rowCount())]


def type_address(qtbot, dialog: OrderDialog, country: str) -> None:
    qtbot.keyClicks(dialog.ship_name, "Ada Lovelace")
    qtbot.keyClicks(dialog.ship_street, "12 St James's Square")
    qtbot.keyClicks(dialog.ship_postcode, "SW1Y 4JH")
    qtbot.keyClicks(dialog.ship_city, "London")
    qtbot.keyClicks(dialog.ship_country, country)


def test_take_a_phone_order_pay_it_and_read_its_timeline(qtbot, store, products):
    window = open_window(qtbot, store, "cashier")
    assert window.findChild(QAbstractItemView, "ordersTable") is window.table
    assert window.model.rowCount() == 0
    assert window.new_button.isEnabled() and not window.pay_button.isEnabled()

    def take_order(dialog: OrderDialog) -> None:
        assert dialog.focusWidget() is dialog.ship_name
        type_address(qtbot, dialog, "England")  # not a code: refused, dialog stays
        scan(qtbot, dialog, MILK)
        scan(qtbot, dialog, SOAP)
        scan(qtbot, dialog, "5012345678900")  # unknown: said, no line
        assert "not in the catalog" in dialog.message.text() and dialog.model.rowCount() == 2
        type_into_cell(qtbot, dialog.table, 0, OrderDraftLinesModel.QUANTITY, "3")
        assert rows(dialog.model, OrderDraftLinesModel.SKU, OrderDraftLinesModel.QUANTITY,
                    OrderDraftLinesModel.TOTAL) == [("MILK-1L", "3", money(387)), ("SOAP", "1", money(249))]
        qtbot.keyClicks(dialog.shipping_charge, "4.95")
        assert money(387 + 249 + 495) in dialog.total_label.text()

        click(qtbot, dialog.create_button)
        assert dialog.isVisible() and dialog.view is None
        assert "two-letter code" in dialog.message.text() and "England" in dialog.message.text()
        assert dialog.focusWidget() is dialog.ship_country
        dialog.ship_country.selectAll()
        qtbot.keyClicks(dialog.ship_country, "gb")
        click(qtbot, dialog.create_button)

    ran = when_dialog_opens(qtbot, take_order)
    click(qtbot, window.new_button)
    assert ran and not ran[0].isVisible()
    total = 387 + 249 + 495
    assert "SO-000001 created for Ada Lovelace" in window.message.text()
    assert rows(window.model, OrdersModel.NUMBER, OrdersModel.SHIP_TO, OrdersModel.PLACE, OrdersModel.LINES,
                OrdersModel.TOTAL, OrdersModel.PAID, OrdersModel.STATE) == [
        ("SO-000001", "Ada Lovelace", "London, GB", "2", money(total), money(0), "Created")]
    # the new order is selected and shown
    detail: OrderDetail = window.detail
    assert detail.objectName() == "orderDetail"
    assert "SO-000001" in detail.title.text()
    assert "12 St James's Square" in detail.address.text() and "SW1Y 4JH London" in detail.address.text()
    assert [detail.lines.item(r, 0).text() for r in range(detail.lines.rowCount())] == ["MILK-1L", "SOAP"]
    assert money(495) in detail.totals.text() and money(total) in detail.totals.text()
    assert window.pay_button.isEnabled() and window.cancel_button.isEnabled()
    assert not window.refund_button.isEnabled()  # cashiers do not refund

    def pay_in_full(dialog: RecordPaymentDialog) -> None:
        assert dialog.amount.text() == "11.31"  # the amount due
        dialog.method.setCurrentIndex(dialog.method.findData("card"))
        qtbot.keyClicks(dialog.reference, "slip 4471")
        click(qtbot, dialog.ok_button)

    ran = when_dialog_opens(qtbot, pay_in_full)
    click(qtbot, window.pay_button)
    assert ran
    assert "Payment recorded on SO-000001" in window.message.text()
    assert rows(window.model, OrdersModel.PAID, OrdersModel.STATE) == [(money(total), "Paid")]
    assert not window.pay_button.isEnabled()
    timeline = window.findChild(QAbstractItemView, "orderTimeline")
    assert timeline is detail.timeline
    events = [(who, what, state) for _when, who, what, state, _note in detail.timeline_rows()]
    assert events == [("Casey Cashier", "Order created", "Created"),
                      ("Casey Cashier", "Payment", ""),
                      ("Casey Cashier", "Paid in full", "Created → Paid")]
    assert money(total) in detail.timeline_rows()[1][4]
    assert detail.payments.item(0, 1).text() == "Card" and detail.payments.item(0, 3).text() == "slip 4471"
    # a paid order is cancelled by a manager: its money goes back
    assert not window.cancel_button.isEnabled()


def test_manager_cancels_a_paid_order_and_finds_it_by_name(qtbot, store, products, cashier):
    window = open_window(qtbot, store, "manager")
    service = window.ctx.orders
    first = service.create(cashier, OrderDraft(Address("Grace Hopper", lines=("1 Navy Way",), city="Arlington",
                                                       country="US"),
                                               (OrderLineDraft(quantity=Decimal(2), sku="BREAD"),)))
    service.create(cashier, OrderDraft(Address("Alan Turing", city="Wilmslow", country="GB"),
                                       (OrderLineDraft(quantity=Decimal(1), sku="SOAP"),)))
    service.record_payment(cashier, first.order_id, "transfer", first.grand_total, "BACS 99")
    window.reload()
    assert window.model.rowCount() == 2

    qtbot.keyClicks(window.search, "Hopper")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    assert rows(window.model, OrdersModel.NUMBER, OrdersModel.STATE) == [("SO-000001", "Paid")]
    assert window.current is not None and window.current.number == "SO-000001"  # one found: shown
    assert window.cancel_button.isEnabled() and window.refund_button.isEnabled()

    def cancel(dialog: CancelOrderDialog) -> None:
        assert "will be refunded" in dialog.intro.text()
        qtbot.keyClicks(dialog.reason, "customer changed their mind")
        click(qtbot, dialog.ok_button)

    ran = when_dialog_opens(qtbot, cancel)
    click(qtbot, window.cancel_button)
    assert ran
    assert "SO-000001 cancelled" in window.message.text()
    assert rows(window.model, OrdersModel.PAID, OrdersModel.STATE) == [(money(0), "Cancelled")]
    detail = window.detail
    payments = [(detail.payments.item(r, 1).text(), detail.payments.item(r, 2).text())
                for r in range(detail.payments.rowCount())]
    assert payments == [("Bank transfer", money(700)), ("Bank transfer", money(-700))]
    whats = [(who, what, state) for _w, who, what, state, _n in detail.timeline_rows()]
    assert ("Max Manager", "Cancelled", "Paid → Cancelled") in whats
    assert any(w[:2] == ("Max Manager", "Refund") for w in whats)
    assert not window.cancel_button.isEnabled() and not window.pay_button.isEnabled()

    # the state filter narrows the list
    window.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=3000)
    window.state_filter.setCurrentIndex(window.state_filter.findText("Cancelled"))
    assert rows(window.model, OrdersModel.NUMBER) == [("SO-000001",)]


def test_dialog_fills_the_address_from_a_customer_and_refuses_an_empty_order(qtbot, store, products):
    window = open_window(qtbot, store, "cashier")
    from shopdesk.services.customers import CustomerDraft, CustomerService

    CustomerService(store).create(window.ctx.staff, CustomerDraft(
        "Mary Somerville", phone="+44 1632 960123", email="mary@example.org", address="3 Hill Street\nJedburgh"))
    dialog = OrderDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()

    def choose(customer_dialog) -> None:
        qtbot.keyClicks(customer_dialog.query, "Somer")
        qtbot.waitUntil(lambda: customer_dialog.results.count() == 1, timeout=3000)
        click(qtbot, customer_dialog.attach_button)

    ran = when_dialog_opens(qtbot, choose)
    click(qtbot, dialog.customer_button)
    assert ran
    assert dialog.ship_name.text() == "Mary Somerville"
    assert dialog.ship_phone.text() == "+441632960123" and dialog.ship_email.text() == "mary@example.org"
    assert dialog.ship_street.toPlainText() == "3 Hill Street\nJedburgh"
    assert dialog.customer_id is not None

    click(qtbot, dialog.create_button)  # no lines yet
    assert dialog.view is None and "at least one line" in dialog.message.text()
    assert dialog.focusWidget() is dialog.scan_field
    assert OrderState.CREATED.label == "Created"
