"""The shared column layout of a receipt."""

from __future__ import annotations

import dataclasses
from datetime import timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.money import format_money
from shopdesk.printing.receipt_text import (
    clean_text,
    display_width,
    layout_receipt,
    receipt_text,
    wrap_text,
)


def money(receipt, minor: int) -> str:
    return clean_text(format_money(minor, receipt.currency, receipt.locale))


def line_starting(lines, prefix: str) -> str:
    return next(line.text for line in lines if line.text.startswith(prefix))


def test_display_width_counts_wide_characters_twice():
    assert display_width("牛奶 1L") == 7
    assert display_width("Ｔｏｔａｌ") == 10  # full-width Latin
    assert display_width("e\u0301") == 1  # combining accent takes no column


@pytest.mark.parametrize("width", [42, 32])
def test_no_line_is_wider_than_the_paper(receipt, width):
    wide = dataclasses.replace(
        receipt,
        store_name="一家名字特别特别长的社区便利店有限公司",
        lines=(
            *receipt.lines,
            dataclasses.replace(receipt.lines[0], description="有机全脂牛奶" * 8),
        ),
        footer="谢谢惠顾，欢迎再次光临！" * 4,
    )
    for line in layout_receipt(wide, width):
        assert line.printer_columns <= width, line.text
        assert display_width(line.text) <= line.columns


def test_amounts_are_right_aligned(receipt):
    lines = layout_receipt(receipt, 42)
    subtotal = line_starting(lines, "Subtotal")
    assert len(subtotal) == 42 and subtotal.endswith(money(receipt, receipt.subtotal))
    change = line_starting(lines, "Change")
    assert len(change) == 42 and change.endswith(money(receipt, receipt.change))
    qty_line = line_starting(lines, "  2 x ")
    assert qty_line == "  2 x 1,29 €" + " " * 22 + "2,58 € B"
    tax_a = line_starting(lines, "A 19 %")
    assert tax_a.endswith(money(receipt, 71))
    assert display_width(line_starting(lines, "TOTAL")) == 21  # double width: half the columns


def test_lines_discount_and_long_name_wrap(receipt):
    text = receipt_text(receipt, 42)
    assert "牛奶 1L\n  2 x 1,29 €" in text
    assert "Bio-Vollkornbrot mit Sonnenblumenkernen,\ngeschnitten, 750 g Packung\n" in text
    assert receipt.lines[1].description not in text  # wrapped, not run past the edge
    discount = line_starting(layout_receipt(receipt, 42), "  Discount")
    assert discount.endswith("-0,40 €")


def test_header_and_time_in_local_zone(receipt):
    text = receipt_text(receipt, 42, tz=timezone(timedelta(hours=2)))
    assert "03.05.2024" in text and "14:22:05" in text  # 12:22 UTC
    assert text.splitlines()[0].strip() == receipt.store_name
    assert "Tax ID: DE123456789" in text
    assert "Till: 2" in text and "Cashier: Anna" in text
    local = receipt.issued_at.astimezone().strftime("%H:%M:%S")
    assert local in receipt_text(receipt, 42)


def test_labels_are_translatable(receipt):
    labels = {"Subtotal": "Zwischensumme", "Total": "Summe", "Change": "Rückgeld",
              "COPY": "KOPIE"}
    text = receipt_text(dataclasses.replace(receipt, is_copy=True), 42, labels)
    assert "Zwischensumme" in text and "SUMME" in text and "Rückgeld" in text
    assert "Subtotal" not in text and "COPY" not in text
    assert text.count("*** KOPIE ***") == 2
    assert "Receipt" in text  # keys not given keep the English default


def test_copy_marker_top_and_bottom(copy_receipt):
    lines = [line for line in layout_receipt(copy_receipt, 32) if line.text]
    assert lines[0].text.strip() == "*** COPY ***" and lines[0].double
    assert lines[-1].text.strip() == "*** COPY ***"


def test_control_characters_cannot_reach_the_printer(receipt):
    evil = dataclasses.replace(
        receipt, lines=(dataclasses.replace(receipt.lines[0], description="Milch\x1b@\x1dV\x00"),)
    )
    text = receipt_text(evil, 42)
    assert not any(ord(ch) < 32 and ch != "\n" for ch in text)


def test_too_narrow_is_refused(receipt):
    with pytest.raises(ValidationError):
        layout_receipt(receipt, 10)


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(
        st.sampled_from(list("abc XYZ-äß牛奶中文Ｗ\u0301")) | st.characters(codec="utf-8"),
        max_size=120,
    ),
    width=st.integers(1, 50),
)
def test_wrap_never_exceeds_width(text, width):
    for part in wrap_text(text, width):
        # a single wide character on a 1-column line is the only permitted overflow
        assert display_width(part) <= max(width, 2)
