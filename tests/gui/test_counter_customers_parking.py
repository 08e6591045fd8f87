"""At the counter, driven through the real widgets: find and attach a customer (F5), park
a cart (F9), serve the next customer, resume the parked cart (F10), and quick keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from shopdesk.gui.context import AppContext
from shopdesk.gui.main_window import MainWindow
from shopdesk.services.customers import CustomerDraft, CustomerService
from shopdesk.services.quick_keys import QuickKeyService
from tests.gui.test_first_sale import BREAD, MILK, SOAP, log_in, scan, when_dialog_opens


def open_window(qtbot, store, username: str, password: str) -> MainWindow:
    ctx: AppContext = log_in(qtbot, store, username, password)
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    return main


@pytest.fixture
def window(qtbot, store, products, cashier):
    service = CustomerService(store)
    service.create(cashier, CustomerDraft("John Smith", "0170 555 0101", "john@smith.example"))
    service.create(cashier, CustomerDraft("Anna Schmidt", "+49 170 1234567"))
    return open_window(qtbot, store, "cashier", "demo-cashier")


def rows(checkout) -> list[list[str]]:
    model = checkout.model
    return [[model.index(r, c).data() for c in range(2)] for r in range(model.rowCount())]


def test_cashier_finds_a_customer_by_part_of_the_name_and_sees_them_on_the_sale(qtbot, window):
    checkout = window.checkout
    strip = checkout.findChild(type(checkout.counter_extras.customer_strip), "customerLabel")
    assert "No customer" in strip.text()

    def pick(dialog):
        qtbot.keyClicks(dialog.query, "smi")
        qtbot.waitUntil(lambda: dialog.results.count() == 1)
        assert "John Smith" in dialog.results.item(0).text()
        assert "Store credit" in dialog.details.text()
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return)

    opened = when_dialog_opens(qtbot, pick)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F5)
    assert opened
    assert "John Smith" in strip.text() and "€0.00" in strip.text()
    assert "John Smith" in checkout.message.text()
    scan(qtbot, window, MILK)
    assert checkout.cart.customer_id is not None and "John Smith" in strip.text()
    assert window.focusWidget() is checkout.scan_field

    def take_off(dialog):
        dialog.detach_button.click()

    when_dialog_opens(qtbot, take_off)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F5)
    assert checkout.cart.customer_id is None and "No customer" in strip.text()
    assert rows(checkout) == [["Whole milk 1 L", "1"]]


def test_a_new_customer_registered_at_the_counter_is_attached(qtbot, window):
    checkout = window.checkout

    def fill_form(form):
        assert form.name.text() == "Maria Rossi"  # what was searched for
        qtbot.keyClicks(form.email, "maria.example.org")
        qtbot.keyClick(form.email, Qt.Key.Key_Return)  # refused, the form stays open
        assert "e-mail" in form.error.text() and form.isVisible()
        form.email.clear()
        qtbot.keyClicks(form.email, "maria@example.org")
        qtbot.keyClick(form.email, Qt.Key.Key_Return)

    def search_then_new(dialog):
        qtbot.keyClicks(dialog.query, "Maria Rossi")
        dialog.refresh()
        assert dialog.results.count() == 0
        when_dialog_opens(qtbot, fill_form)
        dialog.new_button.click()

    opened = when_dialog_opens(qtbot, search_then_new)
    checkout.counter_extras.customer_button.click()
    assert opened
    assert "Maria Rossi" in checkout.counter_extras.customer_strip.text()


def test_park_serve_the_next_customer_and_resume(qtbot, window):
    checkout = window.checkout
    scan(qtbot, window, MILK)
    scan(qtbot, window, BREAD)
    scan(qtbot, window, MILK)

    def note(dialog):
        field = dialog.findChild(QLineEdit)
        field.selectAll()
        qtbot.keyClicks(field, "lady with the dog")
        qtbot.keyClick(field, Qt.Key.Key_Return)

    when_dialog_opens(qtbot, note)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F9)
    assert checkout.model.rowCount() == 0
    assert "parked" in checkout.message.text() and "lady with the dog" in checkout.message.text()

    # The next customer: scanned and paid while the first one is away.
    scan(qtbot, window, SOAP)
    when_dialog_opens(qtbot, lambda dialog: qtbot.keyClick(dialog.tendered, Qt.Key.Key_Return))
    with qtbot.waitSignal(checkout.sale_completed, timeout=5000):
        qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F12)
    assert checkout.model.rowCount() == 0

    def resume(dialog):
        assert dialog.list.count() == 1
        assert "lady with the dog" in dialog.list.item(0).text() and "€6.08" in dialog.list.item(0).text()
        qtbot.keyClick(dialog.list, Qt.Key.Key_Return)

    opened = when_dialog_opens(qtbot, resume)
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F10)
    assert opened
    assert rows(checkout) == [["Whole milk 1 L", "2"], ["Sourdough bread", "1"]]
    assert checkout.total_label.text() == "€6.08"
    assert "resumed" in checkout.message.text()
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F10)
    assert "No carts are parked" in checkout.message.text()


def test_resume_onto_a_busy_till_says_what_to_do(qtbot, window):
    checkout = window.checkout
    scan(qtbot, window, MILK)
    when_dialog_opens(qtbot, lambda dialog: qtbot.keyClick(dialog.findChild(QLineEdit), Qt.Key.Key_Return))
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F9)
    assert "Parked by Casey Cashier" in checkout.message.text()
    scan(qtbot, window, SOAP)
    when_dialog_opens(qtbot, lambda dialog: qtbot.keyClick(dialog.list, Qt.Key.Key_Return))
    qtbot.keyClick(checkout.scan_field, Qt.Key.Key_F10)
    assert "park or finish the current cart first" in checkout.message.text()
    assert checkout.message.property("kind") == "error"
    assert rows(checkout) == [["Dish soap 500 ml", "1"]]


def test_a_quick_key_click_adds_the_product(qtbot, window, store, products, manager):
    QuickKeyService(store).set(manager, 1, products["BREAD"], "Bread")
    extras = window.checkout.counter_extras
    extras.reload_keys()
    button = extras.keys_panel.button(1)
    assert button.text() == "Bread\n€3.50"
    assert extras.keys_panel.button(2).text() == ""  # a cashier cannot assign keys
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert rows(window.checkout) == [["Sourdough bread", "2"]]
    assert "Sourdough bread" in window.checkout.message.text()
    assert window.focusWidget() is window.checkout.scan_field  # the next scan still lands
    scan(qtbot, window, MILK)
    assert window.checkout.model.rowCount() == 2


def test_a_manager_assigns_a_key_with_the_product_picker(qtbot, store, products):
    main = open_window(qtbot, store, "manager", "demo-manager")
    extras = main.checkout.counter_extras
    assert "assign" in extras.keys_panel.button(3).text()

    def pick(dialog):
        qtbot.keyClicks(dialog.query, "soap")
        qtbot.keyClick(dialog.query, Qt.Key.Key_Return)

    when_dialog_opens(qtbot, pick)
    extras.keys_panel.assign_requested.emit(3)  # what the key's right-click menu does
    assert extras.keys_panel.button(3).text() == "Dish soap 500 ml\n€2.49"
    qtbot.mouseClick(extras.keys_panel.button(3), Qt.MouseButton.LeftButton)
    assert rows(main.checkout) == [["Dish soap 500 ml", "1"]]
