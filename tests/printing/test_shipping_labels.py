"""Shipping labels: what a carrier's scanner and a courier read off them (PDF and ZPL)."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pymupdf
import pytest
import zxingcpp
from PIL import Image

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.shipping import Address, ShippingLabelData, make_s10
from shopdesk.printing.shipping_labels import (
    LABEL_SIZES_MM,
    MIN_MODULE_MM,
    code128_modules,
    render_shipping_labels,
    render_zpl,
    zpl_unescape,
)

DPI = 200  # every label here decodes at 200 dpi (0.25 mm modules are 2 px)
MM = 72 / 25.4

SENDER = Address("Eckladen Müller", lines=("Hauptstraße 12",), city="Berlin", postcode="10115",
                 country="DE", phone="+49 30 1234567")
LONG_STREET = ("Flat 12, Building 7, Very Long Industrial Estate Road Number Forty-Two, "
               "Near the Old Railway Station Roundabout, Opposite the Blue Gate") * 2
CHINESE = Address("王小明", company="上海贸易有限公司", lines=(LONG_STREET, "88号 南京路"),
                  city="上海", postcode="200000", region="Shanghai", country="CN",
                  phone="+86 21 5555 1234")
PLAIN = Address("Ada Lovelace", lines=("12 St James's Square",), city="London",
                postcode="SW1Y 4JH", country="GB")

S10 = make_s10("RR", 12345678, "GB")
LONG_NUMBER = "1Z999AA10123456784ABCD"  # 22 characters, letters and digits
assert len(LONG_NUMBER) == 22


def label(number: str, recipient: Address = PLAIN, **kwargs) -> ShippingLabelData:
    defaults = dict(
        order_number="SO-000012", sender=SENDER, recipient=recipient, carrier="Royal Mail",
        service="Tracked 48", weight_g=1250, tracking_number=number,
        tracking_url=f"https://track.example.com/parcel?n={number}&lang=en_GB",
        parcel="Small box", dimensions_mm=(300, 200, 100), shipped_on=date(2024, 5, 3),
    )
    return ShippingLabelData(**{**defaults, **kwargs})


BATCH = [
    label(S10, CHINESE, order_number="SO-000012", cash_on_delivery="€25.00"),
    label(LONG_NUMBER, PLAIN, order_number="SO-000013", carrier="UPS", service="Standard"),
    label(make_s10("CP", 87654321, "DE"), PLAIN, order_number="SO-000014", parcel="",
          dimensions_mm=None, weight_g=350),
]


def scan(page: pymupdf.Page, dpi: int = DPI) -> dict[zxingcpp.BarcodeFormat, list[str]]:
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    found: dict[zxingcpp.BarcodeFormat, list[str]] = {}
    for code in zxingcpp.read_barcodes(image):
        found.setdefault(code.format, []).append(code.text)
    return found


def render(labels, size: str) -> pymupdf.Document:
    buffer = io.BytesIO()
    assert render_shipping_labels(labels, buffer, size) == len(labels)
    return pymupdf.open(stream=buffer.getvalue(), filetype="pdf")


@pytest.fixture(scope="module", params=sorted(LABEL_SIZES_MM))
def batch(request) -> tuple[str, pymupdf.Document]:
    return request.param, render(BATCH, request.param)


def test_one_page_per_label_at_the_label_size(batch):
    size, doc = batch
    width, height = LABEL_SIZES_MM[size]
    assert doc.page_count == len(BATCH)
    for page in doc:
        assert page.rect.width == pytest.approx(width * MM, abs=0.3)
        assert page.rect.height == pytest.approx(height * MM, abs=0.3)


def test_each_page_scans_to_its_own_tracking_number_and_url(batch):
    _, doc = batch
    for page, data in zip(doc, BATCH, strict=True):
        codes = scan(page)
        assert codes.get(zxingcpp.BarcodeFormat.Code128) == [data.tracking_number]
        assert codes.get(zxingcpp.BarcodeFormat.QRCode) == [data.tracking_url]


def test_barcode_is_printed_wide_enough_to_scan(batch):
    """Module ≥ 0.25 mm and ≥ 10 modules of white either side, measured on the page image."""
    _, doc = batch
    dpi = 600
    for page, data in zip(doc, BATCH, strict=True):
        pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
        image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
        code = next(c for c in zxingcpp.read_barcodes(image)
                    if c.format == zxingcpp.BarcodeFormat.Code128)
        left = min(code.position.top_left.x, code.position.bottom_left.x)
        right = max(code.position.top_right.x, code.position.bottom_right.x)
        y = (code.position.top_left.y + code.position.bottom_left.y) // 2
        # Code 128: 11 modules per symbol character, 13 for the stop pattern
        row = [image.getpixel((x, y)) for x in range(pix.width)]
        dark = [x for x in range(left - 5, right + 6) if row[x] < 128]
        width_px = dark[-1] - dark[0] + 1
        modules = code128_modules(data.tracking_number) - 20
        module_mm = width_px / modules / dpi * 25.4
        assert module_mm >= MIN_MODULE_MM - 0.01
        quiet_px = 10 * module_mm / 25.4 * dpi
        assert all(v >= 128 for v in row[max(0, int(dark[0] - quiet_px)):dark[0]])
        assert all(v >= 128 for v in row[dark[-1] + 1:int(dark[-1] + 1 + quiet_px)])
        assert dark[0] - quiet_px >= 0 and dark[-1] + quiet_px < pix.width


def test_text_shows_what_a_courier_reads(batch):
    _, doc = batch
    first = doc[0].get_text()
    for expected in ("FROM", "TO", "Eckladen Müller", "王小明", "上海贸易有限公司", "Royal Mail",
                     "Tracked 48", "SO-000012", "1.25 kg", "Small box", "300 × 200 × 100 mm",
                     "COD €25.00", S10):
        assert expected in first, expected
    second, third = doc[1].get_text(), doc[2].get_text()
    assert "Ada Lovelace" in second and "SW1Y 4JH London" in second and LONG_NUMBER in second
    assert "COD" not in second and "UPS" in second
    assert "0.35 kg" in third and "Small box" not in third


def test_nothing_is_drawn_outside_the_page(batch):
    _, doc = batch
    for page in doc:
        rect = page.rect
        for x0, y0, x1, y1, *_ in page.get_text("blocks"):
            assert rect.x0 - 0.5 <= x0 and x1 <= rect.x1 + 0.5
            assert rect.y0 - 0.5 <= y0 and y1 <= rect.y1 + 0.5
        for drawing in page.get_drawings():
            r = drawing["rect"]
            assert rect.x0 - 0.5 <= r.x0 and r.x1 <= rect.x1 + 0.5
            assert rect.y0 - 0.5 <= r.y0 and r.y1 <= rect.y1 + 0.5


def test_very_long_street_is_shrunk_wrapped_or_cut_not_spilled(batch):
    _, doc = batch
    text = " ".join(doc[0].get_text().split())
    assert "Flat 12, Building 7" in text and "88号 南京路" in text
    assert "…" in text  # the twice-repeated street does not fit whole


def test_no_tracking_url_means_no_qr_code():
    doc = render([label(S10, tracking_url="")], "4x6")
    codes = scan(doc[0])
    assert zxingcpp.BarcodeFormat.QRCode not in codes
    assert codes[zxingcpp.BarcodeFormat.Code128] == [S10]


def test_empty_batch_unknown_size_and_bad_numbers_are_refused(tmp_path):
    with pytest.raises(ValidationError) as err:
        render_shipping_labels([], io.BytesIO())
    assert err.value.field == "labels" and "at least one" in str(err.value)
    with pytest.raises(ValidationError) as err:
        render_shipping_labels(BATCH, io.BytesIO(), "A4")
    assert err.value.field == "size" and "4x6" in str(err.value)
    with pytest.raises(ValidationError) as err:
        render_zpl(BATCH, size="letter")
    assert err.value.field == "size"
    with pytest.raises(ValidationError) as err:
        render_zpl(BATCH, dpmm=7)
    assert err.value.field == "dpmm"
    target = tmp_path / "labels.pdf"
    for number in ("RR 1234^XZ", "", "X" * 60):
        with pytest.raises(ValidationError) as err:
            render_shipping_labels([BATCH[1], label(number)], target)
        assert err.value.field == "tracking_number"
    with pytest.raises(ValidationError):  # fits the allowed characters but not the label
        render_shipping_labels([label("X1" * 24)], target)
    assert list(tmp_path.iterdir()) == []


# --- ZPL ----------------------------------------------------------------------------------

FIELD = re.compile(r"\^FH_\^FD(.*?)\^FS", re.S)


def formats(zpl: str) -> list[str]:
    assert zpl.count("^XA") == zpl.count("^XZ")
    found = re.findall(r"\^XA.*?\^XZ", zpl, re.S)
    assert "".join(found) == "".join(zpl.split("\n"))  # nothing outside the formats
    return found


def field_data(fmt: str) -> list[str]:
    return FIELD.findall(fmt)


def barcode_data(fmt: str, command: str) -> str:
    found = re.search(re.escape(command) + r"[^\^]*\^FH_\^FD(.*?)\^FS", fmt)
    assert found, command
    return zpl_unescape(found.group(1))


@pytest.mark.parametrize("dpmm", [8, 12])
@pytest.mark.parametrize("size", sorted(LABEL_SIZES_MM))
def test_zpl_one_format_per_label_with_size_codes(dpmm, size):
    zpl = render_zpl(BATCH, dpmm=dpmm, size=size)
    found = formats(zpl)
    assert len(found) == len(BATCH)
    width, height = LABEL_SIZES_MM[size]
    for fmt, data in zip(found, BATCH, strict=True):
        assert fmt.startswith("^XA^CI28")
        assert re.search(r"\^PW(\d+)", fmt).group(1) == str(int(width * dpmm))
        assert re.search(r"\^LL(\d+)", fmt).group(1) == str(int(height * dpmm))
        assert barcode_data(fmt, "^BCN") == data.tracking_number
        assert re.search(r"\^BCN,\d+,Y,N", fmt)
        qr = barcode_data(fmt, "^BQN,2,")
        assert qr.startswith("QA,") and qr[3:] == data.tracking_url
        texts = [zpl_unescape(f) for f in field_data(fmt)]
        assert data.order_number in texts and data.recipient.name in texts
        # Code 128 module (^BY) at least 0.25 mm, symbol with quiet zones inside the label
        module = int(re.search(r"\^BY(\d+)", fmt).group(1))
        assert module >= MIN_MODULE_MM * dpmm
        x = int(re.search(r"\^FO(\d+),\d+\^BY", fmt).group(1))
        symbol = 11 * len(data.tracking_number) + 35
        assert x - 10 * module >= 0 and x + (symbol + 10) * module <= int(width * dpmm)
        # every field origin on the label
        for fx, fy in re.findall(r"\^FO(\d+),(\d+)", fmt):
            assert 0 <= int(fx) < int(width * dpmm) and 0 <= int(fy) < int(height * dpmm)
    assert "^FR^FH_^FDCOD €25.00^FS" in found[0]  # white on black, first label only
    assert "COD" not in found[1]


def test_zpl_user_text_cannot_break_the_format():
    evil = label(S10, replace(PLAIN, name="Bob ^XZ~JA ^FS_1_", company="~DGR:X.GRF,2,1,FF"),
                 order_number="SO-^XA-1", tracking_url="https://t.example/?a=1^2~3_4")
    zpl = render_zpl([evil, BATCH[1]])
    found = formats(zpl)
    assert len(found) == 2 and zpl.count("^XZ") == 2 and zpl.count("^XA") == 2
    for data in field_data(found[0]):
        assert "^" not in data and "~" not in data
    texts = [zpl_unescape(f) for f in field_data(found[0])]
    assert "Bob ^XZ~JA ^FS_1_" in texts
    assert "~DGR:X.GRF,2,1,FF" in texts
    assert any("SO-^XA-1" in t for t in texts)
    assert "_5EXZ_7EJA" in found[0]
    assert barcode_data(found[0], "^BQN,2,") == "QA,https://t.example/?a=1^2~3_4"
    assert "~" not in zpl and zpl.count("^") == sum(f.count("^") for f in found)


def test_zpl_long_lines_are_cut_to_the_label():
    zpl = render_zpl([label(S10, CHINESE)], dpmm=8)
    texts = [zpl_unescape(f) for f in field_data(zpl)]
    assert "王小明" in texts
    assert any(t.endswith("...") for t in texts)  # the very long street is shortened
    assert all(len(t) < 80 for t in texts if not t.startswith("QA,"))
    assert "^A@N" not in zpl
    with_font = render_zpl([label(S10, CHINESE)], cjk_font="E:ANMDJ.TTF")
    assert re.search(r"\^A@N,\d+,\d+,E:ANMDJ\.TTF\^FH_\^FD王小明\^FS", with_font)
