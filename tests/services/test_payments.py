"""Completing sales with several tenders, cash rounding, store credit, returns and exchanges."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shopdesk.domain.errors import ValidationError
from shopdesk.services import stock
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.payments import PaymentService, Tender
from shopdesk.store.counter_models import Customer, StoreCreditEntry, TillSession
from shopdesk.store.models import (
    CartDraft,
    CartDraftLine,
    Sale,
    SaleLine,
    SalePayment,
    StoreSettings,
)
from shopdesk.store.types import new_id

MILK, BREAD, SOAP = "4006381333931", "036000291452", "96385074"


def floor(db, product_id) -> Decimal:
    with db.reader() as s:
        return stock.on_hand(s, product_id, stock.location_id(s, "FLOOR"))


def set_rounding(db, step: int) -> None:
    with db.unit_of_work() as s:
        s.scalars(select(StoreSettings)).one().cash_rounding_step = step


def test_split_tender_card_then_cash_with_change(store, products, cashier, till):
    CheckoutService(store).scan(cashier, till.till_id, BREAD)  # 3.50
    CheckoutService(store).scan(cashier, till.till_id, SOAP)  # 2.49 → 5.99
    result = PaymentService(store).pay(cashier, till.till_id, [
        Tender("card", 300, card_type="VISA", reference="123456"), Tender("cash", 500)])
    assert (result.total, result.change, result.kind) == (599, 201, "sale")
    with store.reader() as s:
        rows = {p.tender: p for p in s.scalars(select(SalePayment))}
        assert rows["card"].amount == 300 and rows["card"].reference == "123456" and rows["card"].card_type == "VISA"
        assert (rows["cash"].amount, rows["cash"].tendered, rows["cash"].change) == (299, 500, 201)
        assert s.scalar(select(Sale.session_id)) == s.scalar(select(TillSession.id))


def test_a_card_payment_needs_the_terminals_approval_code(store, products, cashier, till):
    CheckoutService(store).scan(cashier, till.till_id, BREAD)
    with pytest.raises(ValidationError) as err:
        PaymentService(store).pay(cashier, till.till_id, [Tender("card", 350)])
    assert err.value.field == "reference"
    with store.reader() as s:
        assert s.scalar(select(func.count()).select_from(Sale)) == 0


def test_unknown_tender_and_short_payment_write_nothing(store, products, cashier, till):
    CheckoutService(store).scan(cashier, till.till_id, BREAD)
    with pytest.raises(ValidationError, match="not a way to pay"):
        PaymentService(store).pay(cashier, till.till_id, [Tender("bitcoin", 350)])
    with pytest.raises(ValidationError, match="still due"):
        PaymentService(store).pay(cashier, till.till_id, [Tender("card", 100, reference="1"), Tender("cash", 200)])
    assert floor(store, products["BREAD"]) == 10


def test_cash_rounding_applies_to_cash_only_and_is_recorded(store, products, cashier, till):
    set_rounding(store, 5)
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, SOAP)  # 2.49 → cash 2.50
    cash = checkout.pay_cash(cashier, till.till_id, 500)
    assert (cash.rounding, cash.due, cash.change) == (1, 250, 250)
    checkout.scan(cashier, till.till_id, SOAP)
    card = PaymentService(store).pay(cashier, till.till_id, [Tender("card", 249, reference="X1")])
    assert card.rounding == 0
    with store.reader() as s:
        assert sorted(s.scalars(select(Sale.rounding))) == [0, 1]


def test_store_credit_pays_from_the_customers_balance(store, products, cashier, owner, till):
    with store.unit_of_work() as s:
        customer = Customer(name="Ada Lovelace", phone="+44 20 1234")
        s.add(customer)
        s.flush()
        s.add(StoreCreditEntry(customer_id=customer.id, amount=300, user_id=owner.user_id, note="goodwill"))
        customer_id = customer.id
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, BREAD)  # 3.50
    with pytest.raises(ValidationError, match="attach the customer"):
        PaymentService(store).pay(cashier, till.till_id, [Tender("store_credit", 300), Tender("cash", 50)])
    with store.unit_of_work() as s:
        s.scalars(select(CartDraft)).one().customer_id = customer_id
    with pytest.raises(ValidationError, match="only"):
        PaymentService(store).pay(cashier, till.till_id, [Tender("store_credit", 350)])
    PaymentService(store).pay(cashier, till.till_id, [Tender("store_credit", 300), Tender("cash", 50)])
    with store.reader() as s:
        assert s.scalar(select(func.sum(StoreCreditEntry.amount))) == 0


def _return_line(db, cart_id_holder, sale_line_id, product_id, quantity, unit_price, location=""):
    """A return line as the returns screen will put it in the cart."""
    with db.unit_of_work() as s:
        cart = s.scalars(select(CartDraft)).first()
        s.add(CartDraftLine(id=new_id(), cart_id=cart.id, position=99, product_id=product_id,
                            quantity=-quantity, unit_price=unit_price, original_line_id=sale_line_id,
                            return_location_code=location))


def test_exchange_returns_one_line_and_sells_another_in_one_document(store, products, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, BREAD)
    checkout.scan(cashier, till.till_id, BREAD)
    first = checkout.pay_cash(cashier, till.till_id, 700)
    with store.reader() as s:
        bread_line = s.scalar(select(SaleLine.id).where(SaleLine.sale_id == first.sale_id))
    checkout.scan(cashier, till.till_id, SOAP)  # new item 2.49
    _return_line(store, None, bread_line, products["BREAD"], Decimal(1), 350, "SCRAP")  # damaged
    result = PaymentService(store).pay(cashier, till.till_id, [Tender("cash", -101)])  # 2.49 - 3.50
    assert (result.kind, result.total) == ("exchange", -101)
    assert floor(store, products["BREAD"]) == 8  # the returned one went to scrap
    assert floor(store, products["SOAP"]) == 9
    # never more back than was sold
    checkout.scan(cashier, till.till_id, SOAP)
    _return_line(store, None, bread_line, products["BREAD"], Decimal(2), 350)
    with pytest.raises(ValidationError, match="Only 1"):
        PaymentService(store).pay(cashier, till.till_id, [Tender("cash", -451)])
    assert stock.verify(store) == []


def test_a_return_line_cannot_be_turned_into_a_sale_by_changing_its_quantity(store, products, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, BREAD)
    first = checkout.pay_cash(cashier, till.till_id, 350)
    with store.reader() as s:
        bread_line = s.scalar(select(SaleLine.id).where(SaleLine.sale_id == first.sale_id))
    checkout.scan(cashier, till.till_id, SOAP)
    _return_line(store, None, bread_line, products["BREAD"], Decimal(1), 350)
    returned = next(line for line in checkout.current_cart(cashier, till.till_id).lines if line.is_return)
    with pytest.raises(ValidationError, match="returned item"):
        checkout.set_quantity(cashier, till.till_id, returned.line_id, Decimal(3))


def test_a_line_added_from_the_recommendation_panel_is_marked_on_the_sale(store, products, cashier, till):
    from sqlalchemy import select

    from shopdesk.services.checkout import CheckoutService
    from shopdesk.store.models import SaleLine

    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, "036000291452")  # bread, scanned
    view = checkout.add_product(cashier, till.till_id, products["SOAP"], suggested=True)
    assert [(line.sku, line.suggested) for line in view.lines] == [("BREAD", False), ("SOAP", True)]
    assert checkout.current_cart(cashier, till.till_id).lines == view.lines  # stored as shown
    sale = checkout.pay_cash(cashier, till.till_id, view.total)
    with store.reader() as s:
        marks = {line.product_id: line.suggested for line in
                 s.scalars(select(SaleLine).where(SaleLine.sale_id == sale.sale_id))}
    assert marks == {products["BREAD"]: False, products["SOAP"]: True}
