"""Counting a drawer: denominations per currency, totals, refused counts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.domain.cash_count import (
    cash_amount,
    count_from_json,
    count_to_json,
    count_total,
    denomination_text,
    denominations,
    validate_count,
)
from shopdesk.domain.errors import ValidationError


def values(currency: str) -> list[int]:
    return [d.value for d in denominations(currency)]


def test_euro_has_notes_from_500_to_5_and_coins_from_2_to_one_cent():
    assert values("EUR") == [50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1]
    assert {d.kind for d in denominations("EUR") if d.value >= 500} == {"note"}
    assert {d.kind for d in denominations("eur") if d.value < 500} == {"coin"}


@pytest.mark.parametrize("currency, largest, smallest", [
    ("USD", 10000, 1), ("GBP", 5000, 1), ("CNY", 10000, 10), ("CHF", 100000, 5), ("JPY", 10000, 1),
])
def test_other_currencies(currency, largest, smallest):
    found = values(currency)
    assert found[0] == largest and found[-1] == smallest
    assert found == sorted(set(found), reverse=True)  # largest first, no value twice


def test_yen_are_counted_in_whole_yen():
    assert count_total("JPY", {10000: 1, 500: 3, 1: 7}) == 11507
    assert denomination_text(500, "JPY") == "500"


def test_total_of_a_count():
    assert count_total("EUR", {2000: 3, 50: 4, 1: 0}) == 6200
    assert count_total("EUR", {}) == 0
    assert count_total("USD", {25: 4, 100: 2}) == 300


def test_keys_from_json_and_zero_lines_are_cleaned():
    assert validate_count("EUR", {"2000": 2, "5": "3", 10: 0}) == {2000: 2, 5: 3}
    assert list(validate_count("EUR", {1: 1, 50000: 1, 200: 1})) == [50000, 200, 1]  # largest first
    assert validate_count("EUR", {100: Decimal(4)}) == {100: 4}


@pytest.mark.parametrize("count", [{2000: -1}, {2000: 1.5}, {2000: "two"}, {2000: True}, {2000: None},
                                   {2000: 10**9}])
def test_counts_must_be_whole_numbers_of_zero_or_more(count):
    with pytest.raises(ValidationError) as err:
        validate_count("EUR", count)
    assert err.value.field == "count" and "20" in str(err.value)


@pytest.mark.parametrize("count", [{3000: 1}, {25: 1}, {"abc": 1}, {-100: 1}])
def test_unknown_denominations_are_refused_naming_the_known_ones(count):
    with pytest.raises(ValidationError, match="is not a EUR note or coin") as err:
        validate_count("EUR", count)
    assert "500, 200, 100" in str(err.value) and "0.01" in str(err.value)


def test_a_currency_without_known_denominations_is_counted_as_an_amount():
    assert denominations("KWD") == ()
    with pytest.raises(ValidationError, match="one amount"):
        validate_count("KWD", {1000: 1})
    assert cash_amount("KWD", 12345) == (12345, {})


def test_not_a_currency():
    with pytest.raises(ValidationError, match="not a currency code"):
        denominations("EURO")


def test_cash_amount_takes_a_count_or_a_plain_amount():
    assert cash_amount("EUR", {2000: 1, 200: 2}) == (2400, {2000: 1, 200: 2})
    assert cash_amount("EUR", 1234) == (1234, {})
    for bad in (-1, 12.5, True, "12"):
        with pytest.raises(ValidationError):
            cash_amount("EUR", bad)


def test_json_round_trip():
    count = {2000: 3, 5: 1}
    assert count_from_json(count_to_json(count)) == count
    assert count_from_json("not json") == {} and count_from_json(None) == {}
