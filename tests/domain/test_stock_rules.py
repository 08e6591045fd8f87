from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.stock_rules import (
    DeliveryStatus,
    checked_quantity,
    count_variance,
    delivery_status,
    moving_average_cost,
    suggested_order_quantity,
    variance_value,
)


def test_moving_average_weights_by_quantity():
    # 10 at 1.00 plus 30 at 2.00 → 40 at 1.75
    assert moving_average_cost(Decimal(10), 100, Decimal(30), 200) == 175


def test_moving_average_rounds_half_up_to_the_minor_unit():
    # (1×100 + 2×101) / 3 = 100.666… → 101
    assert moving_average_cost(Decimal(1), 100, Decimal(2), 101) == 101
    # (1×100 + 1×101) / 2 = 100.5 → 101
    assert moving_average_cost(Decimal(1), 100, Decimal(1), 101) == 101


def test_no_stock_or_negative_stock_takes_the_new_cost():
    assert moving_average_cost(Decimal(0), 999, Decimal(5), 120) == 120
    assert moving_average_cost(Decimal(-3), 999, Decimal(5), 120) == 120


@given(st.integers(1, 10**6), st.integers(0, 10**7), st.integers(1, 10**6), st.integers(0, 10**7))
def test_moving_average_lies_between_the_two_costs(on_hand, cost, received, unit_cost):
    new = moving_average_cost(Decimal(on_hand), cost, Decimal(received), unit_cost)
    assert min(cost, unit_cost) <= new <= max(cost, unit_cost)


def test_suggested_order_restores_max_stock_counting_what_is_on_order():
    assert suggested_order_quantity(Decimal(3), Decimal(5), Decimal(20)) == 17
    assert suggested_order_quantity(Decimal(3), Decimal(5), Decimal(20), on_order=Decimal(10)) == 0
    assert suggested_order_quantity(Decimal(1), Decimal(5), Decimal(20), on_order=Decimal(2)) == 17
    assert suggested_order_quantity(Decimal(6), Decimal(5), Decimal(20)) == 0
    assert suggested_order_quantity(Decimal(2), Decimal(5), None) == 8  # twice the reorder point
    assert suggested_order_quantity(Decimal("2.5"), Decimal(5), None) == 8  # whole units, rounded up
    assert suggested_order_quantity(Decimal(-4), Decimal(5), Decimal(10)) == 14
    assert suggested_order_quantity(Decimal(0), None, None) == 0


def test_delivery_status_against_the_order():
    assert delivery_status(None, Decimal(2)) is DeliveryStatus.NOT_ORDERED
    assert delivery_status(Decimal(5), Decimal(0)) is DeliveryStatus.MISSING
    assert delivery_status(Decimal(5), Decimal(3)) is DeliveryStatus.SHORT
    assert delivery_status(Decimal(5), Decimal(5)) is DeliveryStatus.COMPLETE
    assert delivery_status(Decimal(5), Decimal(6)) is DeliveryStatus.OVER


def test_variance_and_its_value():
    assert count_variance(Decimal(8), Decimal(10)) == -2
    assert variance_value(Decimal(-2), 175) == -350
    assert variance_value(Decimal("0.125"), 1000) == 125


@pytest.mark.parametrize("bad", [Decimal(-1), Decimal(0), Decimal("0.0001"), Decimal("1e9"), Decimal("NaN"),
                                 Decimal("Infinity")])
def test_absurd_quantities_are_refused_naming_the_field(bad):
    with pytest.raises(ValidationError) as err:
        checked_quantity(bad, "received")
    assert err.value.field == "received"


def test_corrections_may_be_negative_and_counts_zero():
    assert checked_quantity(Decimal(-2), allow_negative=True) == -2
    assert checked_quantity(0, allow_zero=True) == 0
    assert checked_quantity(Decimal("1.500")) == Decimal("1.5")
