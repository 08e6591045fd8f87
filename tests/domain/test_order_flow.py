"""The order state machine: the allowed path, and refusals that say why."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.errors import StateError
from shopdesk.domain.order_flow import (
    GONE_STATES,
    OPEN_STATES,
    OrderAction,
    OrderState,
    PaymentStanding,
    allowed_actions,
    next_state,
)

PAID = PaymentStanding(paid_in_full=True)
UNPAID = PaymentStanding(paid_in_full=False)
COD = PaymentStanding(paid_in_full=False, cash_on_delivery=True)
MANAGER = PaymentStanding(paid_in_full=False, may_ship_unpaid=True)


def test_the_whole_life_of_a_paid_order():
    state = OrderState.CREATED
    for action, expected in [(OrderAction.PAY, OrderState.PAID), (OrderAction.PICK, OrderState.PICKED),
                             (OrderAction.PACK, OrderState.PACKED), (OrderAction.SHIP, OrderState.SHIPPED),
                             (OrderAction.DELIVER, OrderState.DELIVERED), (OrderAction.REVIEW, OrderState.REVIEWED)]:
        state = next_state(state, action, PAID)
        assert state is expected


@pytest.mark.parametrize(("state", "action", "money", "why"), [
    (OrderState.PAID, OrderAction.PACK, PAID, "Only picked orders can be packed"),
    (OrderState.CREATED, OrderAction.PACK, PAID, "Pick it first"),
    (OrderState.PICKED, OrderAction.SHIP, PAID, "Only packed orders can be shipped"),
    (OrderState.SHIPPED, OrderAction.CANCEL, PAID, "shipped and cannot be cancelled; record a return"),
    (OrderState.DELIVERED, OrderAction.CANCEL, PAID, "cannot be cancelled"),
    (OrderState.CANCELLED, OrderAction.CANCEL, PAID, "already cancelled"),
    (OrderState.CREATED, OrderAction.PAY, UNPAID, "not paid in full"),
    (OrderState.CREATED, OrderAction.PICK, UNPAID, "Record the payment first"),
    (OrderState.PACKED, OrderAction.SHIP, UNPAID, "cannot be shipped"),
    (OrderState.PAID, OrderAction.RETURN, PAID, "Cancel it instead"),
    (OrderState.CREATED, OrderAction.DELIVER, PAID, "Only shipped orders can be delivered"),
])
def test_refusals_say_why(state, action, money, why):
    with pytest.raises(StateError, match=why):
        next_state(state, action, money)


def test_cash_on_delivery_and_a_manager_may_let_an_unpaid_order_go():
    for money in (COD, MANAGER):
        assert next_state(OrderState.CREATED, OrderAction.PICK, money) is OrderState.PICKED
        assert next_state(OrderState.PACKED, OrderAction.SHIP, money) is OrderState.SHIPPED


@given(st.lists(st.tuples(st.sampled_from(list(OrderAction)), st.sampled_from([PAID, UNPAID, COD, MANAGER])),
                max_size=20))
def test_no_sequence_of_actions_breaks_the_rules(steps):
    state = OrderState.CREATED
    shipped = False
    for action, money in steps:
        assert (action in allowed_actions(state, money)) == _allowed(state, action, money)
        try:
            after = next_state(state, action, money)
        except StateError:
            continue
        if action is OrderAction.SHIP:
            assert state is OrderState.PACKED and money.may_go_unpaid
            shipped = True
        if action is OrderAction.PACK:
            assert state is OrderState.PICKED
        if after is OrderState.CANCELLED:
            assert state in OPEN_STATES and not shipped
        if after is OrderState.RETURNED:
            assert state in GONE_STATES
        state = after
    # Terminal states stay terminal.
    if state in (OrderState.CANCELLED, OrderState.RETURNED):
        assert allowed_actions(state, PAID) == []


def _allowed(state, action, money) -> bool:
    try:
        next_state(state, action, money)
    except StateError:
        return False
    return True
