"""Tax: the once-per-rate rounding rule, inclusive/exclusive maths, exact allocation."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.money import round_to_minor
from shopdesk.domain.tax import (
    TaxRate,
    allocate,
    net_of_gross,
    round_shares,
    tax_in_gross,
    tax_on_net,
)

# Realistic rates: 0 to 30 % in steps of 0.01 (covers 5, 7.7, 8.5, 19, 20, 25.5 ...).
percents = st.integers(0, 3000).map(lambda n: Decimal(n).scaleb(-2))


class TestTaxRate:
    def test_keeps_percent_as_decimal(self):
        rate = TaxRate("A", Decimal("8.5"), "Reduced")
        assert rate.percent == Decimal("8.5")
        assert TaxRate("B", 20).percent == Decimal(20)  # int is exact, so accepted
        assert TaxRate("Z", Decimal(0)).percent == 0

    @pytest.mark.parametrize("percent", [Decimal(-1), Decimal(1000), Decimal("NaN"), Decimal("Infinity")])
    def test_refuses_impossible_percent(self, percent):
        with pytest.raises(ValidationError) as info:
            TaxRate("A", percent)
        assert info.value.field == "tax_rate"

    def test_refuses_float_percent(self):
        with pytest.raises(TypeError):
            TaxRate("A", 0.2)

    def test_needs_a_code_to_print(self):
        with pytest.raises(ValidationError) as info:
            TaxRate("  ", Decimal(20))
        assert info.value.field == "tax_rate"

    def test_is_hashable_and_frozen(self):
        rate = TaxRate("A", Decimal(20))
        assert rate == TaxRate("A", Decimal("20.0"))
        with pytest.raises(AttributeError):
            rate.percent = Decimal(7)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("net", "percent", "tax"),
    [
        (1000, Decimal(20), 200),
        (1, Decimal("8.5"), 0),  # 0.085
        (6, Decimal("8.5"), 1),  # 0.51
        (10, Decimal(5), 1),  # exactly 0.5: half up
        (-10, Decimal(5), -1),  # refunds mirror sales
        (30, Decimal(5), 2),  # exactly 1.5
        (999, Decimal(0), 0),
        (12345, Decimal("7.7"), 951),  # 950.565
    ],
)
def test_tax_on_net(net, percent, tax):
    assert tax_on_net(net, percent) == tax


@pytest.mark.parametrize(
    ("gross", "percent", "tax"),
    [
        (1200, Decimal(20), 200),
        (999, Decimal(20), 167),  # 166.5 -> 167
        (-999, Decimal(20), -167),
        (1190, Decimal(19), 190),
        (100, Decimal(7), 7),  # 6.54
        (500, Decimal(0), 0),
    ],
)
def test_tax_in_gross(gross, percent, tax):
    assert tax_in_gross(gross, percent) == tax
    assert net_of_gross(gross, percent) == gross - tax


def test_tax_functions_refuse_bad_percent():
    with pytest.raises(ValidationError):
        tax_on_net(100, Decimal(-5))
    with pytest.raises(ValidationError):
        tax_in_gross(100, Decimal("NaN"))


@given(st.integers(0, 10**12), percents)
def test_inclusive_exclusive_round_trip(net, percent):
    tax = tax_on_net(net, percent)
    assert tax_in_gross(net + tax, percent) == tax


@given(st.integers(-(10**12), 10**12), percents)
def test_tax_is_exactly_rounded_half_up(amount, percent):
    exact = Fraction(amount) * Fraction(percent) / 100
    tax = tax_on_net(amount, percent)
    assert abs(tax - exact) <= Fraction(1, 2)
    assert tax_on_net(-amount, percent) == -tax
    inclusive = Fraction(amount) * Fraction(percent) / (100 + Fraction(percent))
    assert abs(tax_in_gross(amount, percent) - inclusive) <= Fraction(1, 2)


class TestAllocate:
    def test_examples(self):
        assert allocate(100, [1, 1, 1]) == [34, 33, 33]  # tie: earliest line first
        assert allocate(10, [1, 2, 7]) == [1, 2, 7]
        assert allocate(5, [3, 3]) == [3, 2]
        assert allocate(0, [5, 7]) == [0, 0]
        assert allocate(7, [0, 5, 0]) == [0, 7, 0]

    def test_negative_total_mirrors_positive(self):
        assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]

    def test_all_zero_weights_put_everything_on_the_first_part(self):
        assert allocate(9, [0, 0, 0]) == [9, 0, 0]
        assert allocate(-9, [0, 0]) == [-9, 0]

    def test_weights_that_cancel_fall_back_to_their_size(self):
        assert allocate(10, [5, -5]) == [5, 5]
        assert allocate(0, [5, -5]) == [0, 0]

    def test_negative_weights_get_negative_shares(self):
        # A sale of 300 and a return of 100: the exact shares are 150 and -50.
        assert allocate(100, [300, -100]) == [150, -50]

    def test_empty(self):
        assert allocate(0, []) == []
        with pytest.raises(ValueError):
            allocate(1, [])

    @given(
        st.integers(-(10**9), 10**9),
        st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=20),
    )
    def test_sums_exactly_and_each_share_within_one(self, total, weights):
        shares = allocate(total, weights)
        assert len(shares) == len(weights)
        assert sum(shares) == total
        weight_sum = sum(weights)
        if weight_sum == 0:
            return  # no proportional share exists; covered by the examples above
        for share, weight in zip(shares, weights, strict=True):
            assert abs(share - Fraction(total * weight, weight_sum)) < 1

    @given(st.integers(0, 10**9), st.lists(st.integers(0, 10**6), min_size=1, max_size=20))
    def test_symmetric_and_nonnegative(self, total, weights):
        shares = allocate(total, weights)
        assert all(s >= 0 for s in shares)
        assert allocate(-total, weights) == [-s for s in shares]


@given(st.lists(st.integers(-(10**9), 10**9), max_size=20), st.integers(1, 10**4))
def test_round_shares_is_exact_symmetric_and_close(numerators, denominator):
    # The per-rate tax is the rounded sum of the exact line shares.
    total = round_to_minor(Fraction(sum(numerators), denominator))
    shares = round_shares(total, numerators, denominator)
    assert sum(shares) == total
    for share, n in zip(shares, numerators, strict=True):
        assert abs(share - Fraction(n, denominator)) < 1
    assert round_shares(-total, [-n for n in numerators], denominator) == [-s for s in shares]


def test_round_shares_refuses_unreachable_totals():
    assert round_shares(2, [1, 1, 1], 2) == [1, 1, 0]
    assert round_shares(-2, [-1, -1, -1], 2) == [-1, -1, 0]  # mirror of the above
    assert round_shares(0, [1, -1], 2) == [0, 0]
    with pytest.raises(ValueError):
        round_shares(5, [1, 1], 2)
    with pytest.raises(ZeroDivisionError):
        round_shares(0, [1], 0)
