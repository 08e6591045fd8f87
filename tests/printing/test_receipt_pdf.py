"""PDF receipts: read them back like a person and a scanner would."""

from __future__ import annotations

import io

import pymupdf
import pytest
import zxingcpp
from PIL import Image

from shopdesk.domain.money import format_money
from shopdesk.printing.errors import PrinterError
from shopdesk.printing.receipt_pdf import render_pdf
from shopdesk.printing.receipt_text import clean_text

PT_80MM = 80 / 25.4 * 72  # 226.77 pt


def _open(receipt, tmp_path, name="receipt.pdf", **kwargs) -> pymupdf.Document:
    path = tmp_path / name
    render_pdf(receipt, path, **kwargs)
    return pymupdf.open(path)


def _scan(page: pymupdf.Page, dpi: int = 300) -> list[zxingcpp.Barcode]:
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    return zxingcpp.read_barcodes(image)


@pytest.fixture
def document(receipt, tmp_path) -> pymupdf.Document:
    return _open(receipt, tmp_path)


def test_one_page_80mm_wide_and_tall_enough(document):
    assert document.page_count == 1
    page = document[0]
    assert page.rect.width == pytest.approx(PT_80MM, abs=0.5)
    assert page.rect.height > page.rect.width  # a strip of paper, fitted to the content
    text_bottom = max(block[3] for block in page.get_text("blocks"))
    assert text_bottom < page.rect.height  # nothing falls off the page


def test_text_shows_store_total_and_chinese_name(receipt, document):
    text = document[0].get_text()
    assert receipt.store_name in text
    assert clean_text(format_money(receipt.total, receipt.currency, receipt.locale)) in text
    assert "牛奶" in text
    assert "Sonnenblumenkernen" in text
    assert "COPY" not in text


def test_receipt_number_scans_as_code128(receipt, document):
    codes = _scan(document[0])
    assert [(c.format, c.text) for c in codes] == [
        (zxingcpp.BarcodeFormat.Code128, receipt.receipt_number)
    ]
    # the number is also printed under the bars for people
    assert document[0].get_text().count(receipt.receipt_number) == 2


def test_copy_is_marked_and_still_scans(copy_receipt, tmp_path):
    page = _open(copy_receipt, tmp_path, "copy.pdf")[0]
    assert page.get_text().count("COPY") >= 2
    assert [c.text for c in _scan(page)] == [copy_receipt.receipt_number]


def test_translated_labels_and_binary_file_target(receipt):
    buffer = io.BytesIO()
    render_pdf(receipt, buffer, labels={"Subtotal": "Zwischensumme", "Total": "Summe"})
    text = pymupdf.open(stream=buffer.getvalue(), filetype="pdf")[0].get_text()
    assert "Zwischensumme" in text and "SUMME" in text
    assert "Subtotal" not in text


def test_unwritable_path_is_a_printer_error_and_leaves_nothing(receipt, tmp_path):
    target = tmp_path / "missing" / "receipt.pdf"
    with pytest.raises(PrinterError) as err:
        render_pdf(receipt, target)
    assert str(target) in str(err.value)
    assert not target.parent.exists()


def test_pdf_shows_tenders_rounding_and_return_heading(full_receipt, return_receipt, tmp_path):
    text = _open(full_receipt, tmp_path, "full.pdf")[0].get_text()
    assert "A1B2C3" in text and "Rounding" in text and "Ada Lovelace" in text and "Cart discount" in text
    page = _open(return_receipt, tmp_path, "return.pdf")[0]
    assert "RETURN" in page.get_text() and "R-2024-000123" in page.get_text()
    assert [c.text for c in _scan(page)] == [return_receipt.receipt_number]
