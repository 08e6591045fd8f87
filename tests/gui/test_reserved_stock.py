"""Stock held by orders to ship: the catalog shows what is still available, and the till
warns (without refusing) when a sale takes units an order holds."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from shopdesk.domain.shipping import Address
from shopdesk.gui.catalog_model import CatalogModel
from shopdesk.services.catalog_browse import CatalogBrowser
from shopdesk.services.orders import OrderDraft, OrderLineDraft, OrderService
from tests.conftest import login
from tests.gui.test_first_sale import BREAD, SOAP, scan


def order_bread(store, quantity: int, ship_from: str = "FLOOR") -> str:
    view = OrderService(store).create(login(store, "cashier"), OrderDraft(
        Address("Alice", city="Leeds", country="GB"), (OrderLineDraft(Decimal(quantity), sku="BREAD"),),
        ship_from=ship_from))
    return view.number


def test_the_till_warns_when_a_sale_takes_reserved_units(qtbot, window, store, products):
    number = order_bread(store, 9)  # 10 on the floor, 9 held: 1 free
    checkout = window.checkout
    scan(qtbot, window, BREAD)
    qtbot.waitUntil(lambda: checkout.pending_scan is None)
    assert checkout.message.property("kind") == "success"  # the one free loaf
    scan(qtbot, window, BREAD)
    qtbot.waitUntil(lambda: checkout.message.property("kind") == "warning")
    text = checkout.message.text()
    assert "9 of Sourdough bread" in text and number in text and "only 1 are free" in text
    assert checkout.model.index(0, 1).data() == "2"  # warned, not refused
    scan(qtbot, window, SOAP)  # nothing held: no warning
    qtbot.waitUntil(lambda: checkout.message.property("kind") == "success")


def test_an_order_shipping_from_the_back_room_leaves_the_floor_free(qtbot, window, store, products):
    order_bread(store, 10, ship_from="BACK")
    scan(qtbot, window, BREAD)
    qtbot.waitUntil(lambda: window.checkout.pending_scan is None)
    assert window.checkout.message.property("kind") == "success"


def test_the_catalog_shows_available_next_to_on_hand(qtbot, store, products):
    order_bread(store, 3)
    model = CatalogModel(CatalogBrowser(store), "EUR", "en_US")
    model.reload()  # the first page, as the catalog window's view asks for it
    rows = {model.index(r, CatalogModel.SKU).data(): r for r in range(model.rowCount())}
    bread = rows["BREAD"]
    assert model.headerData(CatalogModel.AVAILABLE, Qt.Orientation.Horizontal) == "Available"
    assert model.index(bread, CatalogModel.ON_HAND).data() == "10"
    assert model.index(bread, CatalogModel.AVAILABLE).data() == "7"
    assert "3 reserved" in model.index(bread, CatalogModel.AVAILABLE).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(rows["SOAP"], CatalogModel.AVAILABLE).data() == "10"
