"""The catalog shows what sells with the selected product and what is like it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from shopdesk.gui.catalog_model import CatalogModel
from shopdesk.services.recommendations import RecommendationService
from tests.conftest import login
from tests.gui.test_catalog_window import open_window
from tests.gui.test_recommendation_panel import sell_history


def select_sku(window, sku: str) -> None:
    model = window.model
    row = next(r for r in range(model.rowCount()) if model.index(r, CatalogModel.SKU).data() == sku)
    window.view.setCurrentIndex(model.index(row, CatalogModel.NAME))


def test_selecting_bread_shows_soap_bought_together(qtbot, store, products):
    sell_history(store)
    RecommendationService(store).train(login(store, "manager"))
    window = open_window(qtbot, store)
    panel = window.recommendations
    assert panel.objectName() == "catalogRecommendations"

    select_sku(window, "BREAD")
    qtbot.waitUntil(lambda: panel.together.count() > 0, timeout=3000)
    together = panel.texts(panel.together)
    assert together[0].startswith("Dish soap 500 ml  €2.49")
    assert together[0].endswith("bought with Sourdough bread by 3 customers")
    assert not any(text.startswith("Sourdough bread") for text in panel.texts(panel.similar))

    # Double-click finds it in the catalog.
    box = panel.together
    rect = box.visualItemRect(box.item(0))
    qtbot.mouseClick(box.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # as a real
    qtbot.mouseDClick(box.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # double-click starts
    qtbot.waitUntil(lambda: window.selected_product_id() == products["SOAP"], timeout=3000)


def test_untrained_store_shows_a_hint(qtbot, store, products):
    window = open_window(qtbot, store)
    panel = window.recommendations
    select_sku(window, "BREAD")
    qtbot.waitUntil(lambda: "Train recommendations" in panel.hint.text(), timeout=3000)
    assert panel.together.count() == 0 and panel.hint.isVisible()


def test_double_click_finds_a_product_the_list_does_not_show(qtbot, store, products):
    sell_history(store)
    RecommendationService(store).train(login(store, "manager"))
    window = open_window(qtbot, store)
    panel = window.recommendations
    qtbot.keyClicks(window.search, "sourdough")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    select_sku(window, "BREAD")
    qtbot.waitUntil(lambda: panel.together.count() > 0, timeout=3000)
    box = panel.together
    rect = box.visualItemRect(box.item(0))
    qtbot.mouseClick(box.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(box.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.selected_product_id() == products["SOAP"], timeout=3000)
    assert window.search.text() == "SOAP"
    qtbot.waitUntil(lambda: any("Sourdough bread" in t for t in panel.texts(panel.together)), timeout=3000)
