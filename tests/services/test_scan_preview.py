"""A scan shown before it is written: the preview must be exactly the cart the write stores,
whatever the cart holds (more of a line, discounts, a cart discount, return lines, weighed
labels), and must step aside for whatever only the write can decide."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.domain.discounts import AMOUNT, PERCENT, Discount
from shopdesk.domain.errors import StateError
from shopdesk.services.cart_discounts import CartDiscountService
from shopdesk.services.catalog import CatalogService
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.payments import PaymentService, Tender
from shopdesk.services.returns import ReturnsService
from tests.conftest import BREAD as BREAD_DRAFT
from tests.conftest import MILK as MILK_DRAFT

MILK, BREAD, SOAP, NIUNAI = "4006381333931", "036000291452", "96385074", "6901234567892"
SCALE_LABEL = "2100123012343"  # prefix 21, one of the seeded scale layouts


def same_cart(shown, stored) -> None:
    """Equal in everything the till shows; the cart id is only known once the first line is written."""
    if shown.cart_id is None:
        shown = replace(shown, cart_id=stored.cart_id)
    assert shown == stored


def scan_both_ways(checkout, actor, till_id, code):
    shown = checkout.current_cart(actor, till_id)
    preview = checkout.preview_scan(actor, shown, code)
    assert preview is not None, code
    stored = checkout.commit_scan(actor, till_id, preview)
    same_cart(preview.view, stored)
    assert stored.last_line_id == preview.line_id
    return stored


def test_a_new_line_and_one_more_of_it_are_shown_as_stored(store, products, cashier, till):
    checkout = CheckoutService(store)
    first = scan_both_ways(checkout, cashier, till.till_id, MILK)
    again = scan_both_ways(checkout, cashier, till.till_id, MILK)
    assert [(line.line_id, line.quantity) for line in again.lines] == [(first.lines[0].line_id, 2)]
    assert again.total == 258


CODES = st.sampled_from([MILK, BREAD, SOAP, NIUNAI])
# Each step changes the cart one way, then scans: the preview must match after any change.
STEPS = st.lists(st.tuples(st.one_of(
    st.tuples(st.just("nothing"), st.just(0)),
    st.tuples(st.just("line %"), st.integers(0, 10)),
    st.tuples(st.just("line amount"), st.integers(1, 30)),
    st.tuples(st.just("cart %"), st.integers(0, 5)),
    st.tuples(st.just("quantity"), st.integers(1, 5)),
), CODES), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=CODES, steps=STEPS)
def test_the_preview_is_the_stored_cart_whatever_the_cart_holds(store, products, cashier, till, first, steps):
    checkout, discounts = CheckoutService(store), CartDiscountService(store)
    checkout.void_cart(cashier, till.till_id)
    view = scan_both_ways(checkout, cashier, till.till_id, first)
    for (op, value), code in steps:
        line = view.lines[-1]
        if op == "line %":
            view = discounts.set_line_discount(cashier, till.till_id, line.line_id,
                                               Discount(PERCENT, Decimal(value)) if value else None)
        elif op == "line amount" and line.amount > value * 20:  # well inside a cashier's 10 %
            view = discounts.set_line_discount(cashier, till.till_id, line.line_id, Discount(AMOUNT, Decimal(value)))
        elif op == "cart %":
            view = discounts.set_cart_discount(cashier, till.till_id,
                                               Discount(PERCENT, Decimal(value)) if value else None)
        elif op == "quantity" and line.discount_kind != "amount":
            view = checkout.set_quantity(cashier, till.till_id, line.line_id, Decimal(value))
        view = scan_both_ways(checkout, cashier, till.till_id, code)


def test_a_scan_after_a_return_line_gets_its_own_line(store, products, cashier, till):
    checkout, returns = CheckoutService(store), ReturnsService(store)
    checkout.scan(cashier, till.till_id, BREAD)
    sale = checkout.pay_cash(cashier, till.till_id, 350)
    found = returns.find_by_receipt(sale.receipt_number)
    returns.start_return(cashier, till.till_id, found.sale_id)
    returns.add_return_line(cashier, till.till_id, found.lines[0].line_id, Decimal(1), "FLOOR")
    view = scan_both_ways(checkout, cashier, till.till_id, BREAD)  # an exchange: bread for bread
    assert [line.quantity for line in view.lines] == [-1, 1]
    assert view.total == 0


def test_what_only_the_write_can_tell_is_left_to_it(store, products, owner, cashier, till):
    checkout = CheckoutService(store)
    shown = checkout.current_cart(cashier, till.till_id)
    assert checkout.preview_scan(cashier, None, MILK) is None            # nothing shown yet
    assert checkout.preview_scan(cashier, shown, "BREAD") is None         # an SKU typed
    assert checkout.preview_scan(cashier, shown, "4006381333932") is None  # wrong check digit
    assert checkout.preview_scan(cashier, shown, "400638\x001333931") is None  # a control character inside
    assert checkout.preview_scan(cashier, shown, "0000000000000") is None  # nobody's barcode
    assert checkout.preview_scan(cashier, shown, SCALE_LABEL) is None     # a scale label
    CatalogService(store).update_product(owner, products["MILK-1L"], replace(MILK_DRAFT, active=False))
    assert checkout.preview_scan(cashier, shown, MILK) is None            # not for sale
    with pytest.raises(StateError, match="not for sale"):
        checkout.scan(cashier, till.till_id, MILK)


def test_the_stored_cart_wins_when_the_price_changed_in_between(store, products, owner, cashier, till):
    checkout = CheckoutService(store)
    shown = checkout.current_cart(cashier, till.till_id)
    preview = checkout.preview_scan(cashier, shown, BREAD)
    assert preview.view.total == 350
    CatalogService(store).update_product(owner, products["BREAD"], replace(BREAD_DRAFT, price=399))
    stored = checkout.commit_scan(cashier, till.till_id, preview)
    assert stored.total == 399 and stored != preview.view


def test_a_paid_cart_starts_a_new_one(store, products, cashier, till):
    checkout = CheckoutService(store)
    shown = scan_both_ways(checkout, cashier, till.till_id, SOAP)
    PaymentService(store).pay(cashier, till.till_id, [Tender("cash", 249)])
    # The till shows an empty cart after the sale; a scan starts the next one.
    after = checkout.current_cart(cashier, till.till_id)
    assert after.cart_id is None and shown.cart_id is not None
    view = scan_both_ways(checkout, cashier, till.till_id, SOAP)
    assert view.cart_id != shown.cart_id and view.total == 249
