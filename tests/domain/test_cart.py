"""Pricing a cart: totals a shop can trust, whatever the mix of lines and rates."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.cart import CartTotals, LineInput, line_amount, price_cart
from shopdesk.domain.errors import ValidationError
from shopdesk.domain.tax import TaxRate

STANDARD = TaxRate("A", Decimal(20), "Standard")
REDUCED = TaxRate("B", Decimal("8.5"), "Reduced")
ZERO = TaxRate("Z", Decimal(0), "Exempt")
RATES = [STANDARD, REDUCED, ZERO, TaxRate("C", Decimal("7.7")), TaxRate("D", Decimal(19))]


def check_invariants(totals: CartTotals) -> None:
    lines, taxes = totals.lines, totals.taxes
    assert totals.grand_total == sum(line.gross for line in lines) == sum(t.gross for t in taxes)
    assert totals.tax_total == sum(line.tax for line in lines) == sum(t.tax for t in taxes)
    assert totals.net_total + totals.tax_total == totals.grand_total
    assert totals.net_total == sum(line.net for line in lines) == sum(t.net for t in taxes)
    assert totals.subtotal == sum(line.amount for line in lines)
    for line in lines:
        assert line.net + line.tax == line.gross
    for t in taxes:
        assert t.net + t.tax == t.gross
        at_rate = [line for line in lines if (line.tax_code, line.tax_percent) == (t.code, t.percent)]
        assert sum(line.tax for line in at_rate) == t.tax
    assert [(t.code, t.percent) for t in taxes] == sorted((t.code, t.percent) for t in taxes)


def test_tax_is_rounded_once_per_rate_not_per_line():
    # Three items at 0.06 with 8.5 % added tax: per line 0.0051 -> 0.01 each (0.03 in
    # all), but the tax on 0.18 is 0.0153 -> 0.02. The receipt must say 0.02.
    lines = [LineInput(str(i), Decimal(1), 6, REDUCED) for i in range(3)]
    totals = price_cart(lines, prices_include_tax=False)
    assert totals.taxes[0].tax == 2
    assert totals.tax_total == 2
    assert [line.tax for line in totals.lines] == [1, 1, 0]  # residue by largest remainder
    assert totals.grand_total == 20
    check_invariants(totals)


def test_inclusive_prices_contain_their_tax():
    lines = [
        LineInput("bread", Decimal(2), 250, REDUCED),
        LineInput("wine", Decimal(1), 999, STANDARD),
        LineInput("stamp", Decimal(1), 85, ZERO),
    ]
    totals = price_cart(lines, prices_include_tax=True)
    assert totals.grand_total == totals.subtotal == 500 + 999 + 85
    by_code = {t.code: t for t in totals.taxes}
    assert [t.code for t in totals.taxes] == ["A", "B", "Z"]
    assert by_code["A"].tax == 167  # 999 * 20/120 = 166.5 -> 167
    assert by_code["B"].tax == 39  # 500 * 8.5/108.5 = 39.17
    assert by_code["Z"].tax == 0
    assert totals.prices_include_tax is True
    check_invariants(totals)


def test_exclusive_prices_get_tax_added():
    totals = price_cart(
        [LineInput("a", Decimal(1), 1000, STANDARD), LineInput("b", Decimal(3), 333, STANDARD)],
        prices_include_tax=False,
    )
    assert totals.subtotal == totals.net_total == 1999
    assert totals.tax_total == 400  # 399.8
    assert totals.grand_total == 2399
    check_invariants(totals)


def test_weighed_goods_round_half_up():
    # 0.375 kg at 12.99/kg = 4.87125 -> 4.87; 0.5 kg at 0.01 = 0.005 -> 0.01
    assert line_amount(Decimal("0.375"), 1299) == 487
    assert line_amount(Decimal("0.5"), 1) == 1
    assert line_amount(Decimal("-0.5"), 1) == -1
    assert line_amount(Decimal("1.000"), 250) == 250
    assert line_amount(Decimal(0), 250) == 0


def test_discount_comes_off_the_line():
    totals = price_cart([LineInput("a", Decimal(2), 500, STANDARD, discount=150)], prices_include_tax=True)
    line = totals.lines[0]
    assert (line.amount, line.discount) == (850, 150)
    assert totals.subtotal == 850
    assert totals.discount_total == 150
    assert totals.subtotal + totals.discount_total == 1000  # the cart before discounts


def test_a_discount_can_make_a_line_free_but_not_negative():
    free = price_cart([LineInput("a", Decimal(1), 500, STANDARD, discount=500)], prices_include_tax=True)
    assert free.grand_total == 0
    with pytest.raises(ValidationError) as info:
        price_cart([LineInput("a", Decimal(1), 500, STANDARD, discount=501)], prices_include_tax=True)
    assert info.value.field == "discount"
    with pytest.raises(ValidationError) as info:
        price_cart([LineInput("a", Decimal(1), 500, STANDARD, discount=-1)], prices_include_tax=True)
    assert info.value.field == "discount"


def test_return_refunds_what_the_sale_charged():
    sale = LineInput("sale", Decimal(3), 333, REDUCED, discount=99)
    refund = LineInput("ret", Decimal(-3), 333, REDUCED, discount=99)
    sold = price_cart([sale], prices_include_tax=False).lines[0]
    returned = price_cart([refund], prices_include_tax=False).lines[0]
    # The discount shrinks the refund: never refund more than was paid.
    assert returned.amount == -sold.amount == -900
    assert (returned.net, returned.tax, returned.gross) == (-sold.net, -sold.tax, -sold.gross)
    both = price_cart([sale, refund], prices_include_tax=False)
    assert both.grand_total == both.tax_total == both.subtotal == both.discount_total == 0
    # Each line still carries its own tax (the exact mirror of the other), within a
    # unit of what it carries alone: 900 * 8.5 % = 76.5 exactly.
    assert both.lines[0].tax == -both.lines[1].tax
    assert abs(both.lines[0].tax - sold.tax) <= 1 and sold.tax == 77
    check_invariants(both)


def test_mixed_cart_keeps_line_order_and_keys():
    lines = [LineInput(k, Decimal(1), 100, r) for k, r in [("x", ZERO), ("y", STANDARD), ("z", ZERO)]]
    totals = price_cart(lines, prices_include_tax=True)
    assert [line.key for line in totals.lines] == ["x", "y", "z"]
    assert [line.tax_code for line in totals.lines] == ["Z", "A", "Z"]
    assert [t.code for t in totals.taxes] == ["A", "Z"]


def test_empty_cart():
    totals = price_cart([], prices_include_tax=True)
    assert totals.lines == () and totals.taxes == ()
    assert totals.grand_total == totals.tax_total == totals.net_total == totals.subtotal == 0


@pytest.mark.parametrize("quantity", [Decimal("0.0001"), Decimal("1.2345"), Decimal("NaN"), Decimal("Infinity")])
def test_quantity_must_be_finite_thousandths(quantity):
    with pytest.raises(ValidationError) as info:
        price_cart([LineInput("a", quantity, 100, STANDARD)], prices_include_tax=True)
    assert info.value.field == "quantity"


def test_money_must_be_integer_minor_units():
    with pytest.raises(TypeError):
        line_amount(Decimal(1), 9.99)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        price_cart([LineInput("a", 1.5, 100, STANDARD)], prices_include_tax=True)  # type: ignore[arg-type]


quantities = st.one_of(
    st.integers(-5, 50).map(Decimal),
    st.integers(-5000, 50_000).map(lambda m: Decimal(m).scaleb(-3)),
)


@st.composite
def line_inputs(draw, index: int = 0):
    quantity = draw(quantities)
    unit_price = draw(st.integers(0, 1_000_000))
    rate = draw(st.sampled_from(RATES))
    base = abs(line_amount(quantity, unit_price))
    discount = draw(st.one_of(st.just(0), st.integers(0, base)))
    return LineInput(f"L{index}", quantity, unit_price, rate, discount)


carts = st.lists(line_inputs(), max_size=25)


@given(carts, st.booleans())
def test_totals_always_add_up(lines, inclusive):
    totals = price_cart(lines, prices_include_tax=inclusive)
    check_invariants(totals)
    assert len(totals.lines) == len(lines)
    for line, priced in zip(lines, totals.lines, strict=True):
        # Each line's tax share is within one minor unit of its exact tax.
        p = Fraction(line.tax.percent)
        exact = Fraction(priced.amount) * (p / (100 + p) if inclusive else p / 100)
        assert abs(priced.tax - exact) < 1


@given(carts, st.booleans())
def test_returning_a_whole_cart_mirrors_it(lines, inclusive):
    sold = price_cart(lines, prices_include_tax=inclusive)
    returned = price_cart(
        [LineInput(x.key, -x.quantity, x.unit_price, x.tax, x.discount) for x in lines],
        prices_include_tax=inclusive,
    )
    assert returned.grand_total == -sold.grand_total
    assert returned.tax_total == -sold.tax_total
    assert [line.tax for line in returned.lines] == [-line.tax for line in sold.lines]
