"""Label PDFs: read them back like a scanner and a person would."""

from __future__ import annotations

import io
from collections import Counter

import pymupdf
import pytest
import zxingcpp
from PIL import Image

from shopdesk.domain.errors import InvalidBarcode, ValidationError
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.domain.label import LabelItem, RollLayout, SheetLayout, barcode_symbology
from shopdesk.domain.money import format_money
from shopdesk.printing.errors import PrinterError
from shopdesk.printing.labels import render_label_roll, render_label_sheet
from shopdesk.printing.receipt_text import clean_text

DPI = 200  # lowest resolution at which every label here decodes (150 misses some Code 128)
MM = 72 / 25.4


def item(name: str, code: str, price: int = 129, **kwargs) -> LabelItem:
    return LabelItem(name, price, "EUR", "en_GB", code, **kwargs)


ITEMS = [
    item("Whole milk 1 L", "4006381333931", 129, unit="l", unit_price_text="€1.29 / l"),
    item("Sourdough bread", "036000291452", 350),  # UPC-A
    item("Dish soap 500 ml", "96385074", 249),  # EAN-8
    item("Shop-made jam", "SKU-00042", 1234567),  # internal code → Code 128
    item("牛奶 1L", "6901234567892", 1000),
]
KEYS = {barcode_lookup_key(i.barcode) for i in ITEMS}


def scan(page: pymupdf.Page, dpi: int = DPI) -> list[zxingcpp.Barcode]:
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    return zxingcpp.read_barcodes(image)


def keys(codes: list[zxingcpp.Barcode]) -> Counter:
    # UPC-A may come back as EAN-13 with a leading 0: compare as GTIN-14 lookup keys
    return Counter(barcode_lookup_key(c.text) for c in codes)


@pytest.fixture(scope="module")
def sheet() -> pymupdf.Document:
    """30 labels (6 of each, mixed) on 3 × 8 A4: one full page and 6 on the second."""
    buffer = io.BytesIO()
    pages = render_label_sheet(ITEMS * 6, SheetLayout(), buffer)
    assert pages == 2
    return pymupdf.open(stream=buffer.getvalue(), filetype="pdf")


def test_sheet_pages_and_every_barcode_decodes_to_its_product(sheet):
    assert sheet.page_count == 2
    assert sheet[0].rect.width == pytest.approx(210 * MM, abs=0.5)
    assert sheet[0].rect.height == pytest.approx(297 * MM, abs=0.5)
    first, second = keys(scan(sheet[0])), keys(scan(sheet[1]))
    assert sum(first.values()) == 24 and sum(second.values()) == 6
    assert set(first) == KEYS and set(second) == KEYS
    assert first + second == Counter({k: 6 for k in KEYS})


def test_symbologies_are_the_ones_on_the_packs(sheet):
    formats = {barcode_lookup_key(c.text): c.format for c in scan(sheet[1])}
    assert formats[barcode_lookup_key("96385074")] == zxingcpp.BarcodeFormat.EAN8
    assert formats[barcode_lookup_key("SKU-00042")] == zxingcpp.BarcodeFormat.Code128
    assert formats[barcode_lookup_key("4006381333931")] == zxingcpp.BarcodeFormat.EAN13
    assert formats[barcode_lookup_key("036000291452")] in (
        zxingcpp.BarcodeFormat.UPCA, zxingcpp.BarcodeFormat.EAN13)


def test_text_shows_names_prices_unit_price_and_digits(sheet):
    text = sheet[1].get_text()
    for i in ITEMS:
        assert i.name in text
        assert clean_text(format_money(i.price, i.currency, i.locale)) in text
    assert "€12,345.67" in text
    assert "€1.29 / l" in text
    assert "SKU-00042" in text and "333931" in text  # human-readable digits under the bars


def test_copies_repeat_an_item():
    buffer = io.BytesIO()
    render_label_sheet([ITEMS[0], LabelItem(**{**ITEMS[3].__dict__, "copies": 4})], SheetLayout(), buffer)
    page = pymupdf.open(stream=buffer.getvalue(), filetype="pdf")[0]
    assert keys(scan(page)) == Counter({barcode_lookup_key(ITEMS[0].barcode): 1, "SKU-00042": 4})


def test_start_position_skips_used_cells():
    buffer = io.BytesIO()
    pages = render_label_sheet([item("Milk", "4006381333931", copies=5)], SheetLayout(),
                               buffer, start_position=21)
    doc = pymupdf.open(stream=buffer.getvalue(), filetype="pdf")
    assert pages == doc.page_count == 2  # 3 cells left on the first sheet, 2 on the next
    assert [len(scan(page)) for page in doc] == [3, 2]
    # the labels sit in the last row: nothing above it
    top_of_last_row = (0.5 + 7 * 37) * MM
    assert all(b.position.top_left.y / DPI * 72 > top_of_last_row - 1 for b in scan(doc[0]))
    with pytest.raises(ValidationError) as err:
        render_label_sheet(ITEMS, SheetLayout(), io.BytesIO(), start_position=24)
    assert err.value.field == "start_position"


def test_wrong_check_digit_is_refused_and_nothing_written(tmp_path):
    target = tmp_path / "labels.pdf"
    with pytest.raises(InvalidBarcode) as err:
        render_label_sheet([ITEMS[0], item("Typo", "4006381333932")], SheetLayout(), target)
    assert "4006381333932" in str(err.value) and "check digit should be 1" in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_path_is_a_printer_error(tmp_path):
    with pytest.raises(PrinterError) as err:
        render_label_sheet(ITEMS, SheetLayout(), tmp_path / "missing" / "labels.pdf")
    assert "missing" in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_roll_labels_are_label_sized_pages_that_each_decode(tmp_path):
    target = tmp_path / "roll.pdf"
    assert render_label_roll(ITEMS, RollLayout(), target) == len(ITEMS)
    doc = pymupdf.open(target)
    assert doc.page_count == len(ITEMS)
    for page, expected in zip(doc, ITEMS, strict=True):
        assert page.rect.width == pytest.approx(50 * MM, abs=0.2)
        assert page.rect.height == pytest.approx(30 * MM, abs=0.2)
        assert [barcode_lookup_key(c.text) for c in scan(page)] == [barcode_lookup_key(expected.barcode)]
        assert expected.name in page.get_text()


def test_long_name_is_cut_not_spilled():
    name = "Bio-Vollkornbrot mit Sonnenblumenkernen, geschnitten, 750 g Packung " * 3
    buffer = io.BytesIO()
    render_label_roll([item(name, "4006381333931")], RollLayout(), buffer)
    page = pymupdf.open(stream=buffer.getvalue(), filetype="pdf")[0]
    assert "…" in page.get_text()
    for block in page.get_text("blocks"):
        assert block[0] >= 0 and block[2] <= page.rect.width + 0.5
    assert len(scan(page)) == 1


@pytest.mark.parametrize(("code", "expected"), [
    ("4006381333931", ("EAN13", "4006381333931")),
    ("036000291452", ("UPCA", "036000291452")),
    ("96385074", ("EAN8", "96385074")),
    ("04252614", ("UPCA", "042100005264")),  # UPC-E, printed as its UPC-A
    ("04006381333931", ("EAN13", "4006381333931")),
    (" SKU-00042 ", ("Code128", "SKU-00042")),
    ("12345", ("Code128", "12345")),
])
def test_barcode_symbology(code, expected):
    assert barcode_symbology(code) == expected


@pytest.mark.parametrize("code", ["4006381333932", "036000291453", "96385075", "", "牛奶-1", "x" * 49])
def test_barcode_symbology_refuses(code):
    with pytest.raises(InvalidBarcode):
        barcode_symbology(code)


def test_layout_validation_names_the_field():
    with pytest.raises(ValidationError) as err:
        SheetLayout(columns=4)
    assert err.value.field == "columns" and "210" in str(err.value)
    with pytest.raises(ValidationError) as err:
        SheetLayout(rows=9)
    assert err.value.field == "rows"
    with pytest.raises(ValidationError) as err:
        SheetLayout(page="A5")
    assert err.value.field == "page"
    assert SheetLayout(page="Letter", rows=7).per_page == 21
    with pytest.raises(ValidationError) as err:
        RollLayout(width_mm=0)
    assert err.value.field == "width_mm"
    with pytest.raises(ValidationError) as err:
        item("Milk", "4006381333931", copies=0)
    assert err.value.field == "copies"
