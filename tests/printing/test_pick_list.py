"""Pick lists: lines in walking order, which orders take what, over as many pages as needed."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pymupdf
import pytest

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.shipping import PickLine, PickListData
from shopdesk.printing.pick_list import orders_text, render_pick_list

ORDERS = tuple(f"SO-{n:06d}" for n in range(10, 40))


def pick_list(count: int) -> PickListData:
    lines = tuple(
        PickLine(("BACK", "FRONT", "CELLAR")[i * 3 // count], f"A{i % 7}-{i % 5}" if i % 4 else "",
                 f"SKU-{i:05d}", f"Product {i} 牛奶" + (" with a long name that wraps" if i % 5 == 0 else ""),
                 Decimal(3) if i % 6 else Decimal("0.75"),
                 orders=((ORDERS[i % 30], Decimal(2)), (ORDERS[(i + 7) % 30], Decimal(1))))
        for i in range(count))
    return PickListData("Pick list PB-000012", date(2024, 5, 3), ORDERS, lines)


def render(data: PickListData) -> tuple[int, pymupdf.Document]:
    buffer = io.BytesIO()
    pages = render_pick_list(data, buffer)
    return pages, pymupdf.open(stream=buffer.getvalue(), filetype="pdf")


def test_orders_text():
    line = PickLine("BACK", "A1", "SKU-1", "Milk", Decimal(3),
                    orders=(("SO-000012", Decimal(2)), ("SO-000015", Decimal("1.0"))))
    assert orders_text(line) == "SO-000012 ×2, SO-000015 ×1"


def test_short_list_shows_title_date_orders_and_lines_in_order():
    data = pick_list(6)
    pages, doc = render(data)
    assert pages == doc.page_count == 1
    text = doc[0].get_text()
    flat = " ".join(text.split())
    for expected in ("Pick list PB-000012", "2024-05-03", "Orders (30):", "Location", "Bin",
                     "SKU", "Name", "Qty", "For orders", "Picked", "Page 1 of 1"):
        assert expected in text, expected
    assert all(order in flat for order in ORDERS)
    assert re.findall(r"SKU-\d{5}", flat) == [f"SKU-{i:05d}" for i in range(6)]
    assert re.search(r"BACK SKU-00000 Product 0 牛奶 with a long name that wraps 0\.75 "
                     r"SO-000010 ×2, SO-000017 ×1", flat)
    assert re.search(r"BACK A1-1 SKU-00001 Product 1 牛奶 3 SO-000011 ×2, SO-000018 ×1", flat)


def test_120_lines_span_pages_with_headers_repeated():
    data = pick_list(120)
    pages, doc = render(data)
    assert pages == doc.page_count >= 3
    texts = [page.get_text() for page in doc]
    for n, text in enumerate(texts, start=1):
        for heading in ("Pick list PB-000012", "Location", "SKU", "Qty", "For orders", "Picked"):
            assert heading in text, (n, heading)
        assert f"Page {n} of {pages}" in text
    assert "Orders (30):" in texts[0] and "Orders (30):" not in texts[1]
    skus = [sku for text in texts for sku in re.findall(r"SKU-\d{5}", text)]
    assert skus == [f"SKU-{i:05d}" for i in range(120)]  # every line once, walking order kept
    # nothing below the bottom margin
    for page in doc:
        for block in page.get_text("blocks"):
            assert block[3] <= page.rect.height - 10 and block[2] <= page.rect.width - 10


def test_empty_pick_list_is_refused():
    with pytest.raises(ValidationError) as err:
        render_pick_list(PickListData("Pick list PB-1", date(2024, 5, 3), (), ()), io.BytesIO())
    assert err.value.field == "lines"


def test_an_order_and_its_quantity_stay_on_one_line():
    many = tuple((f"SO-{n:06d}", Decimal(n % 3 + 1)) for n in range(100, 112))
    line = PickLine("BACK", "A1", "SKU-1", "Milk", Decimal(24), orders=many)
    _, doc = render(PickListData("Pick list PB-2", date(2024, 5, 3), tuple(o for o, _ in many), (line,)))
    rows = doc[0].get_text().splitlines()
    for order, qty in many:
        assert any(f"{order} ×{qty}" in row for row in rows), order
