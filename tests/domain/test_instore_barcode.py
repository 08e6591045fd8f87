"""In-store codes from shop scales (GS1 prefixes 20–29): layouts, check digits, values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.domain.errors import InvalidBarcode
from shopdesk.domain.gtin import make_gtin
from shopdesk.domain.instore_barcode import (
    InStoreCode,
    Layout,
    layout_problem,
    make_code,
    parse,
    price_check_digit,
)

# The layouts migration 0006 seeds: 21–23 weight, 24–26 price, 27 count.
SEEDED = [Layout(p, "weight", 5, 5, 3) for p in ("21", "22", "23")] + \
         [Layout(p, "price", 5, 5, 2) for p in ("24", "25", "26")] + [Layout("27", "count", 5, 5, 0)]


def _digit(d: int, factor: str) -> int:
    """The GS1 weighting factors written out from their definitions, to check the tables."""
    if factor == "3":
        return d * 3 % 10
    product = d * int(factor[0])
    tens, units = divmod(product, 10)
    return (units + tens) % 10 if factor.endswith("+") else (units - tens) % 10


@pytest.mark.parametrize("factor, table", [
    ("2-", (0, 2, 4, 6, 8, 9, 1, 3, 5, 7)),
    ("3", (0, 3, 6, 9, 2, 5, 8, 1, 4, 7)),
    ("5+", (0, 5, 1, 6, 2, 7, 3, 8, 4, 9)),
    ("5-", (0, 5, 9, 4, 8, 3, 7, 2, 6, 1)),
])
def test_weighting_factor_tables_follow_their_definition(factor, table):
    assert tuple(_digit(d, factor) for d in range(10)) == table


@pytest.mark.parametrize("value, expected", [
    # GS1 General Specifications 7.9.3, worked examples.
    ("2875", 9),    # 2-:4 + 2-:5 + 3:1 + 5-:3 = 13; 13 × 3 = 39 → 9
    ("14685", 6),   # 5+:5 + 2-:8 + 5-:7 + 5+:4 + 2-:9 = 33; 10 − 3 = 7; 5-(6) = 7 → 6
    # Derived by hand the same way.
    ("0000", 0),
    ("00000", 0),
    ("0499", 8),    # 2-(0)=0 + 2-(4)=8 + 3(9)=7 + 5-(9)=1 = 16; 16 × 3 = 48 → 8
    ("00499", 8),   # 5+(0)=0 + 2-(0)=0 + 5-(4)=8 + 5+(9)=9 + 2-(9)=7 = 24; 10 − 4 = 6; 5-(8) = 6 → 8
    ("01299", 5),   # 0 + 2-(1)=2 + 5-(2)=9 + 5+(9)=9 + 2-(9)=7 = 27; 10 − 7 = 3; 5-(5) = 3 → 5
])
def test_price_check_digit_examples(value, expected):
    assert price_check_digit(value) == expected


def test_five_digit_check_digit_is_found_through_the_five_minus_table():
    # 00499: sums 0 + 0 + 8 + 9 + 7 = 24 → 6 is needed; the digit d with 5-(d) = 6 is 8.
    assert price_check_digit("00499") == 8


@pytest.mark.parametrize("value", ["123", "123456", "12a4", ""])
def test_price_check_digit_needs_four_or_five_digits(value):
    with pytest.raises(InvalidBarcode):
        price_check_digit(value)


def test_every_single_digit_error_in_a_price_changes_the_check_digit():
    for value in ("2875", "14685", "0499", "01299"):
        for pos in range(len(value)):
            for d in "0123456789":
                if d != value[pos]:
                    wrong = value[:pos] + d + value[pos + 1:]
                    assert price_check_digit(wrong) != price_check_digit(value), wrong


def test_weight_code_gives_plu_and_kg():
    code = make_gtin("21" + "01234" + "01250")
    assert parse(code, SEEDED) == InStoreCode("21", "01234", "weight", Decimal("1.250"), None)


def test_layouts_may_be_a_mapping():
    code = make_gtin("22" + "00042" + "00375")
    parsed = parse(code, {layout.prefix: layout for layout in SEEDED})
    assert parsed.item == "00042" and parsed.quantity == Decimal("0.375")


def test_wrong_ean_check_digit_is_refused():
    code = make_gtin("21" + "01234" + "01250")
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)
    with pytest.raises(InvalidBarcode, match="check digit"):
        parse(wrong, SEEDED)


def test_price_code_without_check_digit():
    code = make_gtin("24" + "01234" + "00499")
    assert parse(code, SEEDED) == InStoreCode("24", "01234", "price", None, 499)


def test_price_code_in_a_currency_without_minor_unit():
    layout = [Layout("25", "price", 5, 5, 0)]
    assert parse(make_gtin("25" + "00007" + "01500"), layout, currency_decimals=0).price == 1500
    # 2 printed decimals on a yen till: whole amounts only.
    yen = [Layout("24", "price", 5, 5, 2)]
    assert parse(make_gtin("24" + "00007" + "01500"), yen, currency_decimals=0).price == 15
    with pytest.raises(InvalidBarcode, match="finer"):
        parse(make_gtin("24" + "00007" + "01550"), yen, currency_decimals=0)


@pytest.mark.parametrize("item, value", [("0123", "14685"), ("01234", "2875")])
def test_price_code_with_price_check_digit(item, value):
    layout = [Layout("26", "price", len(item), len(value), 2, price_check_digit=True)]
    code = make_code("26", item, value, price_check=True)
    check = price_check_digit(value)
    assert code[2 + len(item)] == str(check)
    assert parse(code, layout) == InStoreCode("26", item, "price", None, int(value))


def test_a_wrong_price_check_digit_is_refused_even_with_a_valid_ean_check_digit():
    layout = [Layout("26", "price", 4, 5, 2, price_check_digit=True)]
    good = make_code("26", "0123", "14685", price_check=True)       # 26 0123 6 14685 c
    assert good[6] == "6"
    bad = make_gtin(good[:6] + "5" + good[7:12])                    # EAN check digit recomputed
    with pytest.raises(InvalidBarcode, match="price check digit"):
        parse(bad, layout)


def test_count_code():
    code = make_gtin("27" + "00123" + "00012")
    assert parse(code, SEEDED) == InStoreCode("27", "00123", "count", Decimal(12), None)


@pytest.mark.parametrize("prefix", ["20", "28", "29"])
def test_prefix_without_layout_is_not_an_in_store_code(prefix):
    assert parse(make_gtin(prefix + "0123401250"), SEEDED) is None


@pytest.mark.parametrize("code", ["4006381333931", "036000291452", "2101234012", "21012340125X", "", None])
def test_other_codes_are_not_in_store_codes(code):
    assert parse(code, SEEDED) is None


@pytest.mark.parametrize("layout, field", [
    (Layout("30", "weight"), "prefix"),
    (Layout("21", "volume"), "kind"),
    (Layout("21", "weight", 5, 4, 3), "value_digits"),
    (Layout("21", "weight", 5, 5, 3, price_check_digit=True), "value_digits"),
    (Layout("21", "weight", 3, 6, 3, price_check_digit=True), "price_check_digit"),
    (Layout("21", "weight", 5, 5, 4), "value_decimals"),
    (Layout("21", "weight", 0, 10, 3), "item_digits"),
])
def test_layout_problems(layout, field):
    assert layout_problem(layout)[0] == field


@pytest.mark.parametrize("layout", [*SEEDED, Layout("24", "price", 4, 5, 2, True), Layout("28", "price", 5, 4, 2, True)])
def test_good_layouts(layout):
    assert layout_problem(layout) is None
