"""Packing slips: the packer reads the lines in order and scans the order number."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pymupdf
import pytest
import zxingcpp
from PIL import Image

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.shipping import Address, PackingSlipData, PackingSlipLine
from shopdesk.printing.packing_slip import render_packing_slips

STORE = Address("Eckladen Müller", lines=("Hauptstraße 12",), city="Berlin", postcode="10115",
                country="DE")
SHIP_TO = Address("王小明", company="Acme Trading Ltd", lines=("88 Nanjing Road",),
                  city="Shanghai", postcode="200000", country="CN", phone="+86 21 5555 1234")
LONG = "Bio-Vollkornbrot mit Sonnenblumenkernen, geschnitten, 750 g Packung"


def slip(number: str, count: int, **kwargs) -> PackingSlipData:
    lines = tuple(
        PackingSlipLine(f"SKU-{number[-2:]}-{i:03d}", LONG if i % 4 == 0 else f"Item {i} 牛奶 1L",
                        Decimal(i % 3 + 1) if i % 5 else Decimal("1.5"))
        for i in range(count))
    defaults = dict(order_number=number, ordered_on=date(2024, 5, 3), store_name="Eckladen Müller",
                    store_address=STORE, ship_to=SHIP_TO, lines=lines, shipping_method="DHL Paket",
                    note="Please leave at the door.\nFragile!", external_ref="WEB-98765")
    return PackingSlipData(**{**defaults, **kwargs})


def render(slips) -> tuple[int, pymupdf.Document]:
    buffer = io.BytesIO()
    pages = render_packing_slips(slips, buffer)
    return pages, pymupdf.open(stream=buffer.getvalue(), filetype="pdf")


def scan(page: pymupdf.Page, dpi: int = 200) -> list[tuple[zxingcpp.BarcodeFormat, str]]:
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    return [(c.format, c.text) for c in zxingcpp.read_barcodes(image)]


@pytest.fixture(scope="module")
def short() -> pymupdf.Document:
    pages, doc = render([slip("SO-000012", 6)])
    assert pages == doc.page_count == 1
    return doc


def test_header_details_and_lines_in_order(short):
    text = short[0].get_text()
    for expected in ("Eckladen Müller", "Hauptstraße 12", "10115 Berlin", "Packing slip",
                     "SO-000012", "WEB-98765", "2024-05-03", "DHL Paket", "Ship to", "王小明",
                     "Acme Trading Ltd", "88 Nanjing Road", "200000 Shanghai", "+86 21 5555 1234",
                     "Please leave at the door.", "Fragile!", "Page 1 of 1"):
        assert expected in text, expected
    flat = " ".join(text.split())
    skus = re.findall(r"SKU-12-\d{3}", flat)
    assert skus == [f"SKU-12-{i:03d}" for i in range(6)]
    # each SKU is followed by its name and quantity, in the order given
    assert re.search(r"SKU-12-000 Bio-Vollkornbrot.*?Packung 1\.5 SKU-12-001 Item 1 牛奶 1L 2 "
                     r"SKU-12-002 Item 2 牛奶 1L 3 SKU-12-003", flat)


def test_order_number_barcode_scans(short):
    assert scan(short[0]) == [(zxingcpp.BarcodeFormat.Code128, "SO-000012")]


def test_a_tick_box_per_line(short):
    boxes = [d["rect"] for d in short[0].get_drawings()
             if d["rect"].width == pytest.approx(d["rect"].height, abs=0.1)
             and 10 < d["rect"].width < 14 and d.get("fill") is None]
    assert len(boxes) == 6


def test_long_slip_runs_over_pages_with_header_repeated_and_batch_starts_new_pages():
    first, second = slip("SO-000012", 70), slip("SO-000013", 3, note="", external_ref="")
    pages, doc = render([first, second])
    assert pages == doc.page_count >= 3
    texts = [page.get_text() for page in doc]
    first_pages = [t for t in texts if "SO-000012" in t]
    assert len(first_pages) == pages - 1 and "SO-000013" in texts[-1] and "SO-000012" not in texts[-1]
    total = len(first_pages)
    for n, text in enumerate(first_pages, start=1):
        assert "Eckladen Müller" in text and "SKU" in text and "Qty" in text
        assert f"Page {n} of {total}" in text
    assert "Page 1 of 1" in texts[-1] and "WEB-98765" not in texts[-1]
    # every line once, in order, across the pages
    skus = re.findall(r"SKU-12-\d{3}", " ".join(first_pages))
    assert skus == [f"SKU-12-{i:03d}" for i in range(70)]
    assert "Fragile!" in first_pages[-1] and "Ship to" not in first_pages[1]
    # a scanner finds the order number on any page of the slip
    assert scan(doc[total - 1]) == [(zxingcpp.BarcodeFormat.Code128, "SO-000012")]


def test_empty_batch_is_refused(tmp_path):
    with pytest.raises(ValidationError) as err:
        render_packing_slips([], tmp_path / "slips.pdf")
    assert err.value.field == "slips" and "at least one order" in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_writes_to_a_path(tmp_path):
    target = tmp_path / "slip.pdf"
    assert render_packing_slips([slip("SO-000012", 2)], target) == 1
    assert pymupdf.open(target).page_count == 1
