"""The store's logo at the top of receipts, on the thermal printer and in the PDF."""

from __future__ import annotations

import dataclasses
import io

import pymupdf
import pytest
from PIL import Image

from shopdesk.printing.receipt_escpos import render_escpos
from shopdesk.printing.receipt_pdf import render_pdf

RASTER = b"\x1dv0"  # GS v 0: print raster bit image
MM = 72 / 25.4


def logo_png(width: int, height: int) -> bytes:
    """A black block on a transparent background."""
    picture = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    picture.paste((0, 0, 0, 255), (width // 4, 0, width - width // 4, height))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def raster(data: bytes) -> tuple[int, int, bytes]:
    """(width in bytes, height in dots, bitmap) of the one raster image in ``data``."""
    assert data.count(RASTER) == 1
    at = data.index(RASTER) + len(RASTER)
    width = data[at + 1] + 256 * data[at + 2]
    height = data[at + 3] + 256 * data[at + 4]
    return width, height, data[at + 5: at + 5 + width * height]


def test_no_logo_no_image(receipt):
    assert RASTER not in render_escpos(receipt)


@pytest.mark.parametrize(("columns", "dots"), [(42, 576), (32, 384)])
def test_logo_is_printed_centred_before_the_header_within_the_paper(receipt, columns, dots):
    data = render_escpos(dataclasses.replace(receipt, logo=logo_png(1200, 300)), width=columns)
    assert data.index(RASTER) < data.index(b"Eckladen")
    width_bytes, height, bitmap = raster(data)
    assert width_bytes * 8 == dots and 0 < height <= 120
    # the black block sits in the middle: as many blank dots to its left as to its right
    row = "".join(f"{byte:08b}" for byte in bitmap[:width_bytes])
    left, right = row.index("1"), len(row) - 1 - row.rindex("1")
    assert abs(left - right) <= 8


def test_a_tall_logo_is_at_most_120_dots_high(receipt):
    width_bytes, height, _ = raster(render_escpos(dataclasses.replace(receipt, logo=logo_png(200, 900))))
    assert height == 120 and width_bytes == 72


def test_an_unreadable_logo_is_left_off_and_the_receipt_still_prints(receipt):
    data = render_escpos(dataclasses.replace(receipt, logo=b"not a png"))
    assert RASTER not in data and b"Eckladen" in data


def _pdf(receipt) -> pymupdf.Document:
    buffer = io.BytesIO()
    render_pdf(receipt, buffer)
    return pymupdf.open(stream=buffer.getvalue(), filetype="pdf")


def test_pdf_has_the_logo_centred_at_the_top(receipt):
    assert _pdf(receipt)[0].get_images() == []
    with_logo = dataclasses.replace(receipt, logo=logo_png(1200, 300))
    page = _pdf(with_logo)[0]
    assert len(page.get_images()) == 1
    (box,) = page.get_image_rects(page.get_images()[0][0])
    assert box.width == pytest.approx(40 * MM, abs=0.5) and box.height == pytest.approx(10 * MM, abs=0.5)
    assert (box.x0 + box.x1) / 2 == pytest.approx(page.rect.width / 2, abs=0.5)
    header = page.search_for("Eckladen")[0]
    assert box.y1 <= header.y0  # above the store's name
    assert "Eckladen Müller" in page.get_text()
    # the page grew by the logo: nothing of the receipt is pushed off the bottom
    assert _pdf(with_logo)[0].rect.height > _pdf(receipt)[0].rect.height
