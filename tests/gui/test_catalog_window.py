"""The catalog window, driven like a manager would: browse, scroll, filter, create, edit."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog

from shopdesk.gui.catalog_model import CatalogModel
from shopdesk.gui.catalog_window import CatalogWindow
from shopdesk.gui.context import AppContext
from shopdesk.gui.product_dialog import ProductDialog
from shopdesk.services.catalog_browse import PAGE_SIZE
from shopdesk.services.demo import add_demo_products
from tests.conftest import login
from tests.gui.keyboard import type_text
from tests.gui.test_first_sale import when_dialog_opens


def open_window(qtbot, store, username="manager") -> CatalogWindow:
    ctx = AppContext(store)
    ctx.staff = login(store, username)
    window = CatalogWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1000, 600)
    window.show()
    qtbot.waitExposed(window)
    return window


def names(window) -> list[str]:
    model = window.model
    return [model.index(r, CatalogModel.NAME).data() for r in range(model.rowCount())]


def test_pages_are_fetched_as_the_list_scrolls(qtbot, store, owner):
    total = 5 * PAGE_SIZE + 50
    add_demo_products(store, total, sales=0)
    window = open_window(qtbot, store)
    first = window.model.rowCount()
    assert PAGE_SIZE <= first <= 2 * PAGE_SIZE  # what fills the view, not the table
    window.view.scrollToBottom()
    qtbot.waitUntil(lambda: window.model.rowCount() > first, timeout=3000)
    while window.model.canFetchMore(window.view.rootIndex()):
        window.view.scrollToBottom()
        QApplication.processEvents()
    assert window.model.rowCount() == total
    shown = names(window)
    assert shown == sorted(shown)


def test_sorting_by_price_descending_from_the_header(qtbot, store, products):
    window = open_window(qtbot, store)
    window.view.sortByColumn(CatalogModel.PRICE, Qt.SortOrder.DescendingOrder)
    prices = [window.model.row_at(window.model.index(r, 0)).price for r in range(window.model.rowCount())]
    assert prices == sorted(prices, reverse=True) and prices[0] == 1000


def test_create_a_product_by_typing_and_edit_its_price(qtbot, store, products):
    window = open_window(qtbot, store)

    def fill_new(dialog: ProductDialog):
        f = dialog.fields
        qtbot.keyClicks(f["sku"], "TEA-G")
        type_text(qtbot, f["name"], "Green tea 绿茶 20 bags")
        qtbot.keyClicks(f["barcodes"], "5012345678900")
        qtbot.keyClicks(f["price"], "3.49")
        qtbot.keyClicks(f["brand"], "Harbor")
        f["category"].setCurrentText("Drinks > Tea")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    when_dialog_opens(qtbot, fill_new)
    window.new_button.click()
    assert "created" in window.message.text()
    row = next(r for r in range(window.model.rowCount())
               if window.model.index(r, CatalogModel.SKU).data() == "TEA-G")
    assert window.model.index(row, CatalogModel.PRICE).data() == "€3.49"
    assert window.model.index(row, CatalogModel.CATEGORY).data() == "Tea"

    window.view.setCurrentIndex(window.model.index(row, 0))

    def change_price(dialog: ProductDialog):
        price = dialog.fields["price"]
        price.selectAll()
        qtbot.keyClicks(price, "2.99")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    when_dialog_opens(qtbot, change_price)
    window.edit_button.click()
    assert window.model.index(row, CatalogModel.PRICE).data() == "€2.99"

    def read_history(dialog: ProductDialog):
        table = dialog.history
        rows = [[table.item(r, c).text() for c in (1, 2, 3)] for r in range(table.rowCount())]
        assert rows[0] == ["Max Manager", "€3.49", "€2.99"]
        dialog.reject()

    row = next(r for r in range(window.model.rowCount())
               if window.model.index(r, CatalogModel.SKU).data() == "TEA-G")
    window.view.setCurrentIndex(window.model.index(row, 0))
    ran = when_dialog_opens(qtbot, read_history)
    window.edit_selected()
    assert ran, "the product dialog did not open"


def test_bad_input_in_the_product_form_names_the_field(qtbot, store, products):
    ctx = AppContext(store)
    ctx.staff = login(store, "manager")
    dialog = ProductDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.fields["sku"], "X1")
    qtbot.keyClicks(dialog.fields["name"], "Thing")
    qtbot.keyClicks(dialog.fields["price"], "12.5x")
    dialog.save()
    assert "12.5x" in dialog.error.text()
    assert dialog.focusWidget() is dialog.fields["price"]
    dialog.fields["price"].setText("1.00")
    qtbot.keyClicks(dialog.fields["barcodes"], "4006381333932")
    dialog.save()
    assert "check digit" in dialog.error.text()
    assert dialog.saved_id is None


def test_variants_are_grouped_under_their_parent(qtbot, store, products, monkeypatch):
    window = open_window(qtbot, store)
    row = next(r for r in range(window.model.rowCount()) if window.model.index(r, CatalogModel.SKU).data() == "SOAP")
    window.view.setCurrentIndex(window.model.index(row, 0))
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("Scent: Lemon, Lime", True))
    window.variants_button.click()
    assert "2 variant" in window.message.text()
    parent = window.model.index(next(r for r in range(window.model.rowCount())
                                     if window.model.index(r, CatalogModel.SKU).data() == "SOAP"), 0)
    assert parent.data().endswith("(2)")
    window.view.expand(parent)
    qtbot.waitUntil(lambda: window.model.rowCount(parent) == 2, timeout=3000)
    skus = {window.model.index(r, CatalogModel.SKU, parent).data() for r in range(2)}
    assert skus == {"SOAP-LEMON", "SOAP-LIME"}


def test_low_stock_filter_and_cashier_cannot_edit(qtbot, store, products):
    window = open_window(qtbot, store, "cashier")
    assert not window.new_button.isEnabled()
    window.low_stock.click()
    assert window.model.rowCount() == 0  # no reorder points set
    QApplication.processEvents()


def test_search_as_you_type_and_exact_barcode_first(qtbot, store, products):
    window = open_window(qtbot, store)
    qtbot.keyClicks(window.search, "036000291452")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    assert window.model.index(0, CatalogModel.SKU).data() == "BREAD"
    window.search.clear()
    qtbot.keyClicks(window.search, "nn")  # pinyin initials of 牛奶
    qtbot.waitUntil(lambda: names(window) == ["牛奶 1L"], timeout=3000)
    window.search.clear()
    qtbot.keyClicks(window.search, 'AND( "o\'neil* 100%')  # nothing breaks, nothing found
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=3000)


def test_one_character_waits_for_enter(qtbot, store, products):
    window = open_window(qtbot, store)
    everything = window.model.rowCount()
    qtbot.keyClicks(window.search, "w")
    qtbot.wait(400)
    assert window.model.rowCount() == everything  # no search on a single character
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: names(window) == ["Whole milk 1 L"], timeout=3000)


def test_print_labels_for_selected_products_decodes(qtbot, store, products, tmp_path):
    import pymupdf
    import zxingcpp
    from PySide6.QtCore import QItemSelectionModel

    from shopdesk.domain.gtin import barcode_lookup_key
    from shopdesk.gui.labels_dialog import LabelsDialog

    window = open_window(qtbot, store)
    wanted = {"MILK-1L", "BREAD"}
    selection = window.view.selectionModel()
    for r in range(window.model.rowCount()):
        if window.model.index(r, CatalogModel.SKU).data() in wanted:
            selection.select(window.model.index(r, 0),
                             QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    target = tmp_path / "labels.pdf"

    def save(dialog: LabelsDialog):
        dialog.copies.setValue(2)
        dialog.save(str(target))

    when_dialog_opens(qtbot, save)
    window.labels_button.click()
    assert "Labels saved" in window.message.text()
    page = pymupdf.open(target)[0]
    pix = page.get_pixmap(dpi=200)
    from PIL import Image

    image = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    decoded = sorted(barcode_lookup_key(b.text) for b in zxingcpp.read_barcodes(image))
    expected = sorted([barcode_lookup_key("4006381333931")] * 2 + [barcode_lookup_key("036000291452")] * 2)
    assert decoded == expected


def test_add_a_picture_in_the_product_dialog(qtbot, store, products, tmp_path):
    from tests.services.test_product_images import png

    picture = tmp_path / "milk.png"
    picture.write_bytes(png(640, 480))
    ctx = AppContext(store)
    ctx.staff = login(store, "manager")
    dialog = ProductDialog(ctx, products["MILK-1L"])
    qtbot.addWidget(dialog)
    dialog.add_picture(str(picture))
    assert dialog.pictures.count() == 1 and dialog.pictures.item(0).text() == "640 × 480"
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG garbage")
    dialog.add_picture(str(broken))
    assert "not a picture" in dialog.error.text() and dialog.pictures.count() == 1
    dialog.pictures.setCurrentRow(0)
    dialog.remove_picture()
    assert dialog.pictures.count() == 0


def test_order_up_to_level_is_typed_in_the_product_dialog_and_stored(qtbot, store, products):
    from decimal import Decimal

    from shopdesk.services.catalog import CatalogService

    window = open_window(qtbot, store)
    row = next(r for r in range(window.model.rowCount())
               if window.model.index(r, CatalogModel.SKU).data() == "MILK-1L")
    window.view.setCurrentIndex(window.model.index(row, 0))

    def fill_levels(dialog: ProductDialog):
        f = dialog.fields
        assert f["max_stock"].text() == ""
        qtbot.keyClicks(f["reorder_point"], "12")
        qtbot.keyClicks(f["max_stock"], "10")  # below the reorder point: refused, the field named
        dialog.save()
        assert "below the reorder point" in dialog.error.text()
        assert dialog.focusWidget() is f["max_stock"] and dialog.saved_id is None
        f["max_stock"].selectAll()
        qtbot.keyClicks(f["max_stock"], "36.5")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()

    ran = when_dialog_opens(qtbot, fill_levels)
    window.edit_button.click()
    assert ran, "the product dialog did not open"
    draft = CatalogService(store).detail(products["MILK-1L"]).draft
    assert (draft.reorder_point, draft.max_stock) == (Decimal(12), Decimal("36.5"))

    def check_shown(dialog: ProductDialog):
        assert dialog.fields["max_stock"].text() == "36.5"
        dialog.reject()

    row = next(r for r in range(window.model.rowCount())
               if window.model.index(r, CatalogModel.SKU).data() == "MILK-1L")
    window.view.setCurrentIndex(window.model.index(row, 0))
    ran = when_dialog_opens(qtbot, check_shown)
    window.edit_selected()
    assert ran, "the product dialog did not open"
