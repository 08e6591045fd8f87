"""The main window leads to the orders to ship: an Orders area that shows orders taken
elsewhere when opened, and Store › Carriers for those who manage the settings."""

from __future__ import annotations

from decimal import Decimal

from shopdesk.domain.shipping import Address
from shopdesk.gui.main_window import MainWindow
from shopdesk.services.orders import OrderDraft, OrderLineDraft, OrderService
from tests.conftest import login
from tests.gui.test_first_sale import log_in


def area_row(window: MainWindow, title: str) -> int:
    return next(r for r in range(window.nav.count()) if window.nav.item(r).text() == title)


def test_orders_area_lists_an_order_taken_elsewhere_when_opened(qtbot, window, store, products):
    OrderService(store).create(login(store, "manager"), OrderDraft(
        Address("Grace Hopper", city="Arlington", country="US"), (OrderLineDraft(Decimal(1), sku="SOAP"),)))
    window.nav.setCurrentRow(area_row(window, "Orders"))
    assert window.pages.currentWidget() is window.orders
    qtbot.waitUntil(lambda: window.orders.model.rowCount() == 1)
    assert not window.carriers_action.isEnabled()  # a cashier does not edit carriers


def test_owner_opens_store_carriers(qtbot, store, products):
    ctx = log_in(qtbot, store, "owner", "demo-owner")
    main = MainWindow(ctx)
    qtbot.addWidget(main)
    assert main.carriers_action.isEnabled()


def test_fulfilment_area_shows_the_queues_when_opened(qtbot, window, store, products):
    from shopdesk.services.orders import PaymentDraft

    OrderService(store).create(login(store, "manager"), OrderDraft(
        Address("Ada", city="London", country="GB"), (OrderLineDraft(Decimal(1), sku="SOAP"),),
        payments=(PaymentDraft("card", 249),)))
    window.nav.setCurrentRow(area_row(window, "Fulfilment"))
    assert window.pages.currentWidget() is window.fulfilment
    qtbot.waitUntil(lambda: "(1)" in window.fulfilment.tabs.tabText(0))


def test_reviews_area_is_there_and_read_when_opened(qtbot, window):
    window.nav.setCurrentRow(area_row(window, "Reviews"))
    assert window.pages.currentWidget() is window.reviews
