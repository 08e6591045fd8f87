"""Orders to ship through the services: taking an order, reserving its stock, money
against it, the state machine's refusals, cancelling with refunds, the timeline."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shopdesk.domain.errors import PermissionDenied, StateError, ValidationError
from shopdesk.domain.order_flow import OrderAction, OrderState
from shopdesk.domain.shipping import Address
from shopdesk.services.orders import OrderDraft, OrderLineDraft, OrderService, PaymentDraft
from shopdesk.store.order_models import StockReservation

MILK, BREAD, SOAP = "4006381333931", "036000291452", "96385074"
ALICE = Address("Alice Example", lines=("1 High Street",), city="Leeds", postcode="ls1 1aa", country="gb")


def draft(*lines, **kw) -> OrderDraft:
    return OrderDraft(ship_to=kw.pop("ship_to", ALICE), lines=tuple(lines), **kw)


def reserved(store, product_id) -> Decimal:
    with store.reader() as s:
        return s.scalar(select(func.coalesce(func.sum(StockReservation.quantity), 0))
                        .where(StockReservation.product_id == product_id)) or Decimal(0)


@pytest.fixture
def orders(store):
    return OrderService(store)


def test_an_order_is_priced_numbered_reserved_and_on_the_timeline(store, products, cashier, orders):
    view = orders.create(cashier, draft(OrderLineDraft(Decimal(2), sku="BREAD"),
                                        OrderLineDraft(Decimal(1), barcode=SOAP), shipping_charge=495,
                                        shipping_method="Tracked 48"))
    assert view.number == "SO-000001" and view.state is OrderState.CREATED
    assert view.ship_to.postcode == "LS1 1AA" and view.ship_to.country == "GB"
    assert [(line.sku, line.quantity, line.gross) for line in view.lines] == [("BREAD", 2, 700), ("SOAP", 1, 249)]
    assert view.grand_total == 700 + 249 + 495 and view.due == view.grand_total
    assert reserved(store, products["BREAD"]) == 2
    assert [(e.action, e.to_state, e.user) for e in view.events] == [("created", "created", "Casey Cashier")]
    assert OrderAction.PAY not in view.actions and OrderAction.CANCEL in view.actions


def test_payments_in_parts_make_it_paid_and_never_more_than_due(store, products, cashier, orders):
    view = orders.create(cashier, draft(OrderLineDraft(Decimal(1), sku="BREAD")))
    view = orders.record_payment(cashier, view.order_id, "card", 200, "auth 1234")
    assert view.state is OrderState.CREATED and view.due == 150
    with pytest.raises(ValidationError, match="Only €1.50 is due"):
        orders.record_payment(cashier, view.order_id, "card", 151)
    view = orders.record_payment(cashier, view.order_id, "transfer", 150)
    assert view.state is OrderState.PAID and view.paid_in_full
    assert [e.action for e in view.events] == ["created", "payment", "payment", "pay"]


def test_cancel_releases_stock_and_refunds_the_way_it_was_paid(store, products, cashier, manager, orders):
    view = orders.create(cashier, draft(OrderLineDraft(Decimal(3), sku="BREAD"),
                                        payments=(PaymentDraft("card", 500), PaymentDraft("transfer", 550))))
    assert view.state is OrderState.PAID and reserved(store, products["BREAD"]) == 3
    with pytest.raises(PermissionDenied):
        orders.cancel(cashier, view.order_id, "customer changed mind")  # money back needs a manager
    assert reserved(store, products["BREAD"]) == 3  # nothing half-done
    view = orders.cancel(manager, view.order_id, "customer changed mind")
    assert view.state is OrderState.CANCELLED and view.paid_total == 0
    assert sorted((p.method, p.amount) for p in view.payments) == [
        ("card", -500), ("card", 500), ("transfer", -550), ("transfer", 550)]
    assert reserved(store, products["BREAD"]) == 0
    with pytest.raises(StateError, match="already cancelled"):
        orders.cancel(manager, view.order_id)


def test_nasty_orders_are_refused_naming_the_line(store, products, cashier, orders):
    with pytest.raises(ValidationError, match="needs the name"):
        orders.create(cashier, draft(OrderLineDraft(Decimal(1), sku="BREAD"), ship_to=Address("  ")))
    with pytest.raises(ValidationError, match="two-letter code"):
        orders.create(cashier, draft(OrderLineDraft(Decimal(1), sku="BREAD"),
                                     ship_to=Address("Bob", country="England")))
    with pytest.raises(ValidationError, match="Line 2: no product"):
        orders.create(cashier, draft(OrderLineDraft(Decimal(1), sku="BREAD"), OrderLineDraft(Decimal(1), sku="NOPE")))
    with pytest.raises(ValidationError, match="Line 1: this product is sold by the piece"):
        orders.create(cashier, draft(OrderLineDraft(Decimal("1.5"), sku="BREAD")))
    with pytest.raises(ValidationError, match="at least one line"):
        orders.create(cashier, draft())
    assert orders.counts()[OrderState.CREATED] == 0 and reserved(store, products["BREAD"]) == 0


def test_the_same_web_order_twice_is_refused(store, products, cashier, orders):
    orders.create(cashier, draft(OrderLineDraft(Decimal(1), sku="BREAD"), source="webshop", external_id="1001"))
    with pytest.raises(StateError, match="already here"):
        orders.create(cashier, draft(OrderLineDraft(Decimal(1), sku="BREAD"), source="webshop", external_id="1001"))
    assert orders.find(cashier, "1001").number == "SO-000001"
    assert orders.find(cashier, "so1").number == "SO-000001"


def test_a_quote_is_what_the_order_will_charge(store, products, cashier, orders):
    lines = (OrderLineDraft(Decimal(2), sku="BREAD"), OrderLineDraft(Decimal(1), barcode=SOAP))
    quote = orders.quote(lines, shipping_charge=495)
    view = orders.create(cashier, draft(*lines, shipping_charge=495))
    assert (quote.subtotal, quote.tax_total, quote.grand_total) == (view.subtotal, view.tax_total, view.grand_total)
    with pytest.raises(ValidationError, match="Line 1: no product"):
        orders.quote((OrderLineDraft(Decimal(1), sku="NOPE"),))
