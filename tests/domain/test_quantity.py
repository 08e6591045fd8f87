"""Quantities: exact thousandths in storage, typed and shown per locale."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.quantity import (
    MAX_MILLI,
    format_quantity,
    from_milli,
    normalize_quantity,
    parse_quantity,
    to_milli,
)


@pytest.mark.parametrize(
    ("quantity", "milli"),
    [(Decimal(1), 1000), (Decimal("0.375"), 375), (Decimal("1.500"), 1500),
     (Decimal("1.5000"), 1500), (Decimal(-2), -2000), (Decimal(0), 0), (3, 3000),
     (Decimal("1E+3"), 1_000_000)],
)
def test_to_milli(quantity, milli):
    assert to_milli(quantity) == milli


@pytest.mark.parametrize(
    "quantity", [Decimal("0.0005"), Decimal("1.2345"), Decimal("NaN"), Decimal("-Infinity"), Decimal("1E+20")]
)
def test_to_milli_refuses_what_cannot_be_stored_exactly(quantity):
    with pytest.raises(ValidationError) as info:
        to_milli(quantity)
    assert info.value.field == "quantity"


def test_to_milli_refuses_floats():
    with pytest.raises(TypeError):
        to_milli(0.1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("milli", "text"),
    [(1000, "1"), (375, "0.375"), (1500, "1.5"), (1_000_000, "1000"), (-375, "-0.375"),
     (0, "0"), (5, "0.005"), (-2000, "-2")],
)
def test_from_milli_is_shortest_exact_form(milli, text):
    assert str(from_milli(milli)) == text


@given(st.integers(-MAX_MILLI, MAX_MILLI))
def test_milli_round_trip(milli):
    assert to_milli(from_milli(milli)) == milli


def test_normalize_quantity():
    assert str(normalize_quantity(Decimal("2.500"))) == "2.5"


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [("2", "en_US", "2"), ("0.375", "en_US", "0.375"), ("1.500", "en_US", "1.5"),
     ("0,375", "de_DE", "0.375"), ("1.234,5", "de_DE", "1234.5"), ("1,234.5", "en_US", "1234.5"),
     (" 3 ", "en_US", "3"), ("１２", "ja_JP", "12"), ("100000", "en_US", "100000")],
)
def test_parse_quantity(text, locale, expected):
    assert str(parse_quantity(text, locale)) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("", "Enter a quantity"), ("abc", "not a quantity"), ("0", "more than zero"),
     ("-1", "more than zero"), ("0.0001", "at most 3 decimals"), ("100000.001", "too large"),
     ("4006381333931", "barcode"), ("1e3", "not a quantity"), ("1,23", "not a well-formed")],
)
def test_parse_quantity_refuses_with_field(text, fragment):
    with pytest.raises(ValidationError) as info:
        parse_quantity(text, "en_US", field="count")
    assert info.value.field == "count"
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("quantity", "locale", "text"),
    [(Decimal(1), "en_US", "1"), (Decimal("1.000"), "en_US", "1"), (Decimal("0.375"), "en_US", "0.375"),
     (Decimal("1234.5"), "de_DE", "1.234,5"), (Decimal("1234.5"), "en_US", "1,234.5"), (2, "ja_JP", "2")],
)
def test_format_quantity(quantity, locale, text):
    assert format_quantity(quantity, locale) == text


@given(st.integers(1, 100_000_000), st.sampled_from(["en_US", "de_DE", "fr_FR", "ja_JP", "de_CH"]))
def test_format_then_parse_round_trip(milli, locale):
    quantity = from_milli(milli)
    assert parse_quantity(format_quantity(quantity, locale), locale) == quantity
