"""Money: integer minor units, one rounding rule, formatting and parsing per locale."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.money import (
    format_amount,
    format_money,
    from_decimal,
    minor_digits,
    parse_money,
    round_ratio,
    round_to_minor,
    to_decimal,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("currency", "digits"), [("EUR", 2), ("usd", 2), ("JPY", 0), ("KWD", 3), ("CNY", 2)]
)
def test_minor_digits(currency, digits):
    assert minor_digits(currency) == digits


def test_unknown_currency_is_refused_not_guessed():
    with pytest.raises(ValidationError) as info:
        minor_digits("EUT")
    assert info.value.field == "currency"
    assert "EUT" in str(info.value)


@pytest.mark.parametrize(
    ("minor", "currency", "locale", "expected"),
    [
        (123456, "USD", "en_US", "$1,234.56"),
        (-123456, "USD", "en_US", "-$1,234.56"),
        (5, "USD", "en_US", "$0.05"),
        (123456, "EUR", "de_DE", f"1.234,56{NBSP}€"),
        (-5, "EUR", "de_DE", f"-0,05{NBSP}€"),
        (123456, "CNY", "zh_CN", "¥1,234.56"),
        (1234, "JPY", "ja_JP", "￥1,234"),  # yen: no minor unit, 1234 means ¥1,234
        (0, "JPY", "ja_JP", "￥0"),
    ],
)
def test_format_money(minor, currency, locale, expected):
    assert format_money(minor, currency, locale) == expected


@pytest.mark.parametrize(
    ("minor", "currency", "locale", "expected"),
    [
        (123456, "USD", "en_US", "1,234.56"),
        (123456, "EUR", "de_DE", "1.234,56"),
        (123456, "CNY", "zh_CN", "1,234.56"),
        (1234, "JPY", "ja_JP", "1,234"),
        (123456780, "INR", "en_IN", "12,34,567.80"),
        (1500, "KWD", "en_US", "1.500"),
    ],
)
def test_format_amount_is_the_number_for_input_fields(minor, currency, locale, expected):
    assert format_amount(minor, currency, locale) == expected
    assert parse_money(expected, currency, locale) == minor


def test_rounding_is_half_away_from_zero_not_bankers():
    # 0.025 -> 3 cents (banker's rounding would give 2); negatives mirror positives.
    assert from_decimal(Decimal("0.025"), "EUR") == 3
    assert from_decimal(Decimal("-0.025"), "EUR") == -3
    assert from_decimal(Decimal("0.0249"), "EUR") == 2
    assert from_decimal(Decimal("12.5"), "JPY") == 13
    assert round_to_minor(Decimal("2.5")) == 3
    assert round_to_minor(Decimal("-2.5")) == -3
    assert round_ratio(1, 2) == 1
    assert round_ratio(-1, 2) == -1
    assert round_ratio(1, -3) == 0
    with pytest.raises(ZeroDivisionError):
        round_ratio(1, 0)


@given(st.integers(-(10**20), 10**20), st.integers(1, 10**6))
def test_round_ratio_matches_decimal_round_half_up(numerator, denominator):
    # Oracle: Decimal with ample precision (60 digits cannot blur a .5 for these sizes).
    with localcontext() as ctx:
        ctx.prec = 60
        expected = int((Decimal(numerator) / Decimal(denominator)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        ))
    result = round_ratio(numerator, denominator)
    assert result == expected
    assert abs(result - Fraction(numerator, denominator)) <= Fraction(1, 2)


@given(st.integers(-(10**12), 10**12), st.sampled_from(["EUR", "JPY", "KWD", "USD"]))
def test_decimal_round_trip(minor, currency):
    assert from_decimal(to_decimal(minor, currency), currency) == minor


@given(
    st.integers(-(10**12), 10**12),
    st.sampled_from(
        [
            ("USD", "en_US"), ("EUR", "de_DE"), ("CNY", "zh_CN"), ("JPY", "ja_JP"),
            ("EUR", "fr_FR"), ("CHF", "de_CH"), ("INR", "en_IN"), ("EUR", "en_US"),
            ("EGP", "ar_EG"), ("KWD", "en_US"),
        ]
    ),
)
def test_what_is_printed_can_be_typed_back(minor, currency_locale):
    currency, locale = currency_locale
    assert parse_money(format_money(minor, currency, locale), currency, locale) == minor
    assert parse_money(format_amount(minor, currency, locale), currency, locale) == minor


@pytest.mark.parametrize(
    ("text", "currency", "locale", "expected"),
    [
        ("12.5", "USD", "en_US", 1250),
        ("1,234.50", "USD", "en_US", 123450),
        ("$1,234.50", "USD", "en_US", 123450),
        ("US$ 3", "USD", "en_US", 300),
        ("3 usd", "USD", "en_US", 300),
        ("  .5 ", "USD", "en_US", 50),
        ("-$3", "USD", "en_US", -300),
        ("$-3", "USD", "en_US", -300),
        ("€ 3", "EUR", "en_US", 300),
        ("3 €", "EUR", "de_DE", 300),
        ("12,50", "EUR", "de_DE", 1250),
        ("1.234,50 €", "EUR", "de_DE", 123450),
        ("EUR 1.234,5", "EUR", "de_DE", 123450),
        ("-3 €", "EUR", "de_DE", -300),
        ("1 234,50", "EUR", "fr_FR", 123450),  # ordinary space for the narrow one
        ("12.50", "EUR", "fr_FR", 1250),  # French keypad sends '.'; nothing else it means
        ("CHF 1'234.50", "CHF", "de_CH", 123450),
        ("CHF-3", "CHF", "de_CH", -300),
        ("¥12.30", "CNY", "zh_CN", 1230),
        ("12.30元", "CNY", "zh_CN", 1230),
        ("￥1,234", "JPY", "ja_JP", 1234),
        ("¥1,234", "JPY", "ja_JP", 1234),
        ("１２３４円", "JPY", "ja_JP", 1234),  # full-width digits from an input method
        ("1,234,567.89", "INR", "en_IN", 123456789),  # western grouping, unambiguous
        ("12,34,567.89", "INR", "en_IN", 123456789),
        ("0.125", "KWD", "en_US", 125),
        ("3.10", "USD", "en_US", 310),
        ("-0", "USD", "en_US", 0),
    ],
)
def test_parse_money_accepts_what_people_type(text, currency, locale, expected):
    assert parse_money(text, currency, locale) == expected


@pytest.mark.parametrize(
    ("text", "currency", "locale", "fragment"),
    [
        ("", "USD", "en_US", "Enter an amount"),
        ("   ", "USD", "en_US", "Enter an amount"),
        ("$", "USD", "en_US", "Enter an amount"),
        ("abc", "USD", "en_US", "'abc' is not an amount"),
        ("NaN", "USD", "en_US", "not an amount"),
        ("Infinity", "USD", "en_US", "not an amount"),
        ("1e5", "USD", "en_US", "not an amount"),
        ("1_000", "USD", "en_US", "not an amount"),
        ("--3", "USD", "en_US", "not an amount"),
        ("3$4", "USD", "en_US", "not an amount"),
        ("€3", "USD", "en_US", "not an amount"),  # wrong currency symbol
        ("3.999", "USD", "en_US", "at most 2 decimals"),
        ("1.5", "JPY", "ja_JP", "JPY amounts have no decimals"),
        ("12.50", "EUR", "de_DE", "12,5"),  # refused, not read as 1250; suggests 12,5
        ("1,23", "USD", "en_US", "1.23"),  # refused, not read as 123; suggests 1.23
        ("1" + "0" * 20, "USD", "en_US", "too large"),
    ],
)
def test_parse_money_refuses_with_a_message(text, currency, locale, fragment):
    with pytest.raises(ValidationError) as info:
        parse_money(text, currency, locale, field="price")
    assert info.value.field == "price"
    assert fragment in str(info.value)


def test_parse_money_error_names_default_field_and_keeps_template():
    with pytest.raises(ValidationError) as info:
        parse_money("abc", "EUR", "de_DE")
    err = info.value
    assert err.field == "amount"
    assert "{text}" in err.template  # the GUI translates the template, then fills it
    assert err.params["text"] == "abc"
    assert "12,50" in str(err)  # example in the person's own locale


def test_negative_amounts_allowed_unless_refused():
    assert parse_money("-5", "EUR") == -500
    assert parse_money("0", "EUR", allow_negative=False) == 0
    with pytest.raises(ValidationError) as info:
        parse_money("-5", "EUR", field="unit_price", allow_negative=False)
    assert info.value.field == "unit_price"
    assert "negative" in str(info.value)
