"""Labels for products in the catalog: what the service reads and what the PDF encodes."""

from __future__ import annotations

from collections import Counter

import pymupdf
import pytest
import zxingcpp
from PIL import Image

from shopdesk.domain.errors import NotFound
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.domain.label import RollLayout
from shopdesk.services.catalog import CatalogService, ProductDraft
from shopdesk.services.labels import LabelService, unit_price_text


def scan(page, dpi: int = 200) -> list[str]:
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    return [barcode_lookup_key(c.text) for c in zxingcpp.read_barcodes(image)]


def test_items_for_products(store, products):
    service = LabelService(store)
    items = service.items_for_products([products["MILK-1L"], products["NIUNAI"]], copies=2)
    milk, niunai = items
    assert (milk.name, milk.price, milk.currency, milk.locale) == ("Whole milk 1 L", 129, "EUR", "en_GB")
    assert (milk.barcode, milk.sku, milk.copies, milk.unit_price_text) == ("4006381333931", "MILK-1L", 2, "")
    assert (niunai.name, niunai.barcode) == ("牛奶 1L", "6901234567892")


def test_sold_by_weight_gets_a_unit_price_and_no_barcode_means_sku(store, owner):
    catalog = CatalogService(store)
    cheese = catalog.create_product(owner, ProductDraft(sku="CHEESE-G", name="Gouda", price=2,
                                                        tax_code="RED", unit="g"))
    apples = catalog.create_product(owner, ProductDraft(sku="APPLES", name="Apples", price=258,
                                                        tax_code="RED", unit="kg"))
    cheese_item, apple_item = LabelService(store).items_for_products([cheese, apples])
    assert cheese_item.barcode == "CHEESE-G"
    assert cheese_item.unit_price_text == "€20.00 / kg"
    assert apple_item.unit_price_text == "€2.58 / kg"
    assert unit_price_text(258, "piece", "EUR", "en_GB") == ""


def test_unknown_products_are_counted(store, products):
    with pytest.raises(NotFound) as err:
        LabelService(store).items_for_products([products["SOAP"], "nope-1", "nope-2"])
    assert "2 of the 3 products" in str(err.value)


def test_print_sheet_encodes_each_products_barcode(store, products, tmp_path):
    target = tmp_path / "labels.pdf"
    ids = list(products.values())
    copies = {products["MILK-1L"]: 3}
    assert LabelService(store).print_sheet(ids, target, copies=copies, start_position=1) == 1
    doc = pymupdf.open(target)
    assert doc.page_count == 1
    expected = Counter(barcode_lookup_key(c) for c in
                       ("4006381333931", "036000291452", "96385074", "6901234567892"))
    expected[barcode_lookup_key("4006381333931")] = 3
    assert Counter(scan(doc[0])) == expected
    text = doc[0].get_text()
    assert "Whole milk 1 L" in text and "€1.29" in text and "牛奶" in text


def test_print_roll(store, products, tmp_path):
    target = tmp_path / "roll.pdf"
    assert LabelService(store).print_roll([products["BREAD"]], target, RollLayout(width_mm=58, height_mm=40)) == 1
    page = pymupdf.open(target)[0]
    assert scan(page) == [barcode_lookup_key("036000291452")]
