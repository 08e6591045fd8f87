from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.discounts import AMOUNT, PERCENT, Discount, share_cart_discount, within_limit
from shopdesk.domain.errors import ValidationError
from shopdesk.domain.tenders import TenderInput, round_cash, settle

CASH = lambda amount: TenderInput("cash", "cash", amount)  # noqa: E731
CARD = lambda amount: TenderInput("card", "card", amount, card_type="VISA", reference="A1B2")  # noqa: E731


def test_cash_rounding_to_five_cents_half_up():
    assert [round_cash(a, 5) for a in (1002, 1003, 1000, 1007, 1008)] == [1000, 1005, 1000, 1005, 1010]
    assert round_cash(-1003, 5) == -1005  # refunds mirror sales
    assert round_cash(1003, 0) == 1003


def test_exact_cash_with_rounding_and_change():
    s = settle(1003, [CASH(2000)], step=5)
    assert (s.rounding, s.due, s.change) == (2, 1005, 995)
    assert s.tenders[0].amount == 1005 and s.tenders[0].tendered == 2000


def test_card_is_never_rounded_and_gives_no_change():
    s = settle(1003, [CARD(1003)], step=5)
    assert (s.rounding, s.change) == (0, 0)
    with pytest.raises(ValidationError):
        settle(1003, [CARD(1100)], step=5)


def test_split_in_any_order_rounds_only_the_cash_part():
    a = settle(1003, [CARD(500), CASH(600)], step=5)
    b = settle(1003, [CASH(600), CARD(500)], step=5)
    for s in (a, b):
        assert s.rounding == 2  # 503 → 505
        assert s.change == 95
        assert sum(t.amount for t in s.tenders) == s.due == 1005


def test_not_enough_is_refused():
    with pytest.raises(ValidationError, match="still due"):
        settle(1000, [CARD(400)])
    with pytest.raises(ValidationError, match="still due"):
        settle(1000, [CARD(400), CASH(500)])


def test_refund_in_cash_and_to_card():
    s = settle(-1003, [CASH(-1005)], step=5)
    assert (s.rounding, s.change) == (-2, 0)
    s = settle(-1003, [CARD(-1003)], step=5)
    assert s.tenders[0].amount == -1003
    with pytest.raises(ValidationError):  # never refund more to a card than the refund
        settle(-1003, [CARD(-2000)])


def test_free_cart_needs_no_tender():
    assert settle(0, []).due == 0


@given(total=st.integers(1, 10**7), card_share=st.integers(0, 100), extra=st.integers(0, 10**5),
       step=st.sampled_from([0, 1, 5, 10, 50]))
def test_tenders_always_cover_the_due_exactly_and_change_comes_from_cash(total, card_share, extra, step):
    card = total * card_share // 100
    cash_needed = round_cash(total - card, step)
    tenders = ([CARD(card)] if card else []) + ([CASH(cash_needed + extra)] if cash_needed else [])
    if not tenders:
        return
    s = settle(total, tenders, step)
    assert sum(t.amount for t in s.tenders) == s.due
    assert abs(s.rounding) * 2 <= max(step, 1)
    assert s.change == (extra if cash_needed else 0)
    assert all(t.change == 0 for t in s.tenders if t.kind != "cash")


def test_percent_and_amount_discounts():
    assert Discount(PERCENT, Decimal("10")).amount_off(1999) == 200  # 199.9 → 200
    assert Discount(PERCENT, Decimal("12.5")).amount_off(1000) == 125
    assert Discount(AMOUNT, Decimal(250)).amount_off(1000) == 250
    for bad in (Discount(PERCENT, Decimal(101)), Discount(PERCENT, Decimal("-1")),
                Discount(PERCENT, Decimal("1.234")), Discount(AMOUNT, Decimal("2.5")),
                Discount(AMOUNT, Decimal(2000)), Discount("gift", Decimal(1))):
        with pytest.raises(ValidationError):
            bad.amount_off(1000)


@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=20), st.integers(0, 100))
def test_cart_discount_shares_add_up_and_never_exceed_a_line(amounts, percent):
    total_off = sum(amounts) * percent // 100
    shares = share_cart_discount(total_off, amounts)
    assert sum(shares) == total_off
    assert all(0 <= s <= a for s, a in zip(shares, amounts, strict=True))


def test_limits_are_exact():
    assert within_limit(100, 1000, Decimal(10))
    assert not within_limit(101, 1000, Decimal(10))
