"""Parking a cart and resuming it: lines, customer and discount come back; a busy till or
another till's cart is refused; both are audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shopdesk.domain.errors import NotFound, StateError
from shopdesk.services import stock
from shopdesk.services.cart_parking import CartParkingService
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.customers import CustomerDraft, CustomerService
from shopdesk.store.models import AuditEntry, CartDraft, Till

MILK, BREAD, SOAP = "4006381333931", "036000291452", "96385074"


@pytest.fixture
def other_till(store):
    with store.unit_of_work() as s:
        till = Till(code="T2", name="Till 2", location_id=stock.location_id(s, "FLOOR"))
        s.add(till)
        s.flush()
        return till.id


def test_park_and_resume_keeps_lines_and_customer(store, products, cashier, till):
    checkout, parking = CheckoutService(store), CartParkingService(store)
    anna = CustomerService(store).create(cashier, CustomerDraft("Anna Schmidt"))
    CustomerService(store).attach(cashier, till.till_id, anna)
    checkout.scan(cashier, till.till_id, MILK)
    checkout.scan(cashier, till.till_id, MILK)
    before = checkout.scan(cashier, till.till_id, BREAD)

    parked = parking.park(cashier, till.till_id, "  Anna — fetching her wallet ")
    assert parked.note == "Anna — fetching her wallet"
    assert (parked.lines, parked.total, parked.customer_name, parked.parked_by) == (
        2, before.total, "Anna Schmidt", "Casey Cashier")
    assert checkout.current_cart(cashier, till.till_id).is_empty  # the till is free

    # The next customer is served and paid meanwhile.
    checkout.scan(cashier, till.till_id, SOAP)
    checkout.pay_cash(cashier, till.till_id, 1000)
    assert [p.cart_id for p in parking.list_parked(till.till_id)] == [parked.cart_id]

    view = parking.resume(cashier, till.till_id, parked.cart_id)
    assert [(line.sku, line.quantity) for line in view.lines] == [("MILK-1L", 2), ("BREAD", 1)]
    assert view.customer_id == anna and view.total == before.total
    assert checkout.current_cart(cashier, till.till_id).cart_id == parked.cart_id
    assert parking.list_parked(till.till_id) == []
    with store.reader() as s:
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == parked.cart_id)).all()
    assert {"cart.parked", "cart.resumed"} <= set(actions)


def test_default_note_names_who_parked_and_list_is_newest_first(store, products, cashier, till):
    checkout, parking = CheckoutService(store), CartParkingService(store)
    checkout.scan(cashier, till.till_id, MILK)
    first = parking.park(cashier, till.till_id, "")
    checkout.scan(cashier, till.till_id, BREAD)
    second = parking.park(cashier, till.till_id, "lady in red")
    assert first.note == "Parked by Casey Cashier"
    assert [p.cart_id for p in parking.list_parked(till.till_id)] == [second.cart_id, first.cart_id]


def test_nothing_to_park_on_an_empty_till(store, products, cashier, till):
    with pytest.raises(StateError, match="nothing to park"):
        CartParkingService(store).park(cashier, till.till_id, "x")


def test_cannot_resume_onto_a_busy_till(store, products, cashier, till):
    checkout, parking = CheckoutService(store), CartParkingService(store)
    checkout.scan(cashier, till.till_id, MILK)
    parked = parking.park(cashier, till.till_id, "one")
    checkout.scan(cashier, till.till_id, SOAP)
    with pytest.raises(StateError, match="park or finish the current cart first"):
        parking.resume(cashier, till.till_id, parked.cart_id)
    assert [line.sku for line in checkout.current_cart(cashier, till.till_id).lines] == ["SOAP"]
    assert [p.cart_id for p in parking.list_parked(till.till_id)] == [parked.cart_id]


def test_an_empty_open_cart_gives_way_on_resume(store, products, cashier, till):
    checkout, parking = CheckoutService(store), CartParkingService(store)
    checkout.scan(cashier, till.till_id, MILK)
    parked = parking.park(cashier, till.till_id, "one")
    bob = CustomerService(store).create(cashier, CustomerDraft("Bob"))
    empty = CustomerService(store).attach(cashier, till.till_id, bob)  # an empty open cart
    view = parking.resume(cashier, till.till_id, parked.cart_id)
    assert view.cart_id == parked.cart_id and len(view.lines) == 1
    with store.reader() as s:
        assert s.get(CartDraft, empty.cart_id) is None


def test_another_tills_cart_is_refused(store, products, cashier, till, other_till):
    checkout, parking = CheckoutService(store), CartParkingService(store)
    checkout.scan(cashier, other_till, MILK)
    parked = parking.park(cashier, other_till, "at till 2")
    assert parking.list_parked(till.till_id) == []
    with pytest.raises(StateError, match="another till"):
        parking.resume(cashier, till.till_id, parked.cart_id)
    assert parking.resume(cashier, other_till, parked.cart_id).cart_id == parked.cart_id
    with pytest.raises(NotFound):
        parking.resume(cashier, other_till, parked.cart_id)  # not parked any more
