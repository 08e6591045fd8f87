"""Returns, refunds and exchanges at the counter: finding the sale, return lines in the cart,
refunding what was paid, stock back to the shelf or to scrap, and the approvals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from shopdesk.domain.errors import NotFound, PermissionDenied, StateError, ValidationError
from shopdesk.services import stock
from shopdesk.services.auth import AuthService
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.payments import PaymentService, Tender
from shopdesk.services.returns import ReturnPick, ReturnsService, normalize_receipt_number
from shopdesk.store.counter_models import Customer
from shopdesk.store.models import AuditEntry, CartDraft, CartDraftLine, Sale, SaleLine, SalePayment
from tests.conftest import login

MILK, BREAD, SOAP = "4006381333931", "036000291452", "96385074"


def on_hand(db, product_id, code="FLOOR") -> Decimal:
    with db.reader() as s:
        return stock.on_hand(s, product_id, stock.location_id(s, code))


def sell(db, actor, till, *codes, tenders=None):
    checkout = CheckoutService(db)
    for code in codes:
        checkout.scan(actor, till.till_id, code)
    if tenders is None:
        return checkout.pay_cash(actor, till.till_id, checkout.current_cart(actor, till.till_id).total)
    return PaymentService(db).pay(actor, till.till_id, tenders)


def line_of(sale, sku):
    return next(line for line in sale.lines if line.sku == sku)


@pytest.fixture
def returns(store):
    return ReturnsService(store)


@pytest.fixture
def first_sale(store, products, cashier, till):
    """3 bread (3.50) + 1 soap (2.49) = 12.99, paid cash."""
    return sell(store, cashier, till, BREAD, BREAD, BREAD, SOAP)


def pay_refund(db, actor, till, returns):
    tenders = [Tender(code, amount) for code, amount in returns.suggested_refund(till.till_id)]
    return PaymentService(db).pay(actor, till.till_id, tenders)


def test_return_two_bread_refunds_cash_and_puts_them_back_on_the_shelf(store, products, cashier, till,
                                                                       returns, first_sale):
    assert first_sale.total == 1299
    sale = returns.find_by_receipt(first_sale.receipt_number)
    bread = line_of(sale, "BREAD")
    assert (bread.sold, bread.returned, bread.returnable, bread.paid_per_unit) == (3, 0, 3, 350)
    assert [(t.code, t.amount) for t in sale.tenders] == [("cash", 1299)]

    returns.start_return(cashier, till.till_id, sale.sale_id)
    view = returns.add_return_line(cashier, till.till_id, bread.line_id, Decimal(2), "FLOOR")
    assert [(line.quantity, line.amount, line.original_line_id) for line in view.lines] == [
        (-2, -700, bread.line_id)]
    assert view.total == -700 and view.original_sale_id == sale.sale_id
    assert returns.suggested_refund(till.till_id) == [("cash", -700)]

    result = pay_refund(store, cashier, till, returns)
    assert (result.kind, result.total) == ("return", -700)
    assert on_hand(store, products["BREAD"]) == 10 - 3 + 2
    assert on_hand(store, products["BREAD"], "SCRAP") == 0
    with store.reader() as s:
        refund = s.get(Sale, result.sale_id)
        assert refund.original_sale_id == sale.sale_id
        assert [(p.tender, p.amount) for p in refund.payments] == [("cash", -700)]
    assert stock.verify(store) == []

    again = returns.find_by_receipt(first_sale.receipt_number)
    assert (line_of(again, "BREAD").returned, line_of(again, "BREAD").returnable) == (2, 1)
    # A second return of 2 more is refused: only 1 is left.
    with pytest.raises(ValidationError, match="Only 1 of Sourdough bread"):
        returns.add_return_line(cashier, till.till_id, bread.line_id, Decimal(2))
    assert CheckoutService(store).current_cart(cashier, till.till_id).is_empty


def test_damaged_goods_go_to_scrap(store, products, cashier, till, returns, first_sale):
    sale = returns.find_by_receipt(first_sale.receipt_number)
    returns.add_return_line(cashier, till.till_id, line_of(sale, "SOAP").line_id, Decimal(1), "SCRAP")
    pay_refund(store, cashier, till, returns)
    assert on_hand(store, products["SOAP"]) == 9
    assert on_hand(store, products["SOAP"], "SCRAP") == 1
    with store.reader() as s:
        back = s.scalar(select(SaleLine).where(SaleLine.quantity < 0))
        assert back.return_location_id == stock.location_id(s, "SCRAP")
    with pytest.raises(ValidationError, match="shelf"):
        returns.add_return_line(cashier, till.till_id, line_of(sale, "BREAD").line_id, Decimal(1), "STOCKROOM")


def test_the_cart_counts_return_lines_already_in_it(store, products, cashier, till, returns, first_sale):
    sale = returns.find_by_receipt(first_sale.receipt_number)
    bread = line_of(sale, "BREAD").line_id
    returns.add_return_line(cashier, till.till_id, bread, Decimal(2))
    view = returns.add_return_line(cashier, till.till_id, bread, Decimal(1), "SCRAP")
    assert sorted(line.quantity for line in view.lines) == [-2, -1]
    with pytest.raises(ValidationError, match="Only 0"):
        returns.add_return_line(cashier, till.till_id, bread, Decimal(1))
    assert line_of(returns.find_by_receipt(first_sale.receipt_number, till.till_id), "BREAD").returnable == 0
    with pytest.raises(ValidationError, match="whole number"):
        returns.add_return_line(cashier, till.till_id, line_of(sale, "SOAP").line_id, Decimal("0.5"))


def test_partial_returns_of_a_discounted_line_refund_the_paid_share(store, products, cashier, till, returns):
    checkout = CheckoutService(store)
    for _ in range(3):
        checkout.scan(cashier, till.till_id, BREAD)  # 3 × 3.50 = 10.50
    with store.unit_of_work() as s:
        line = s.scalars(select(CartDraftLine)).one()
        line.discount_kind, line.discount_value = "amount", Decimal(100)  # 1.00 off the line → 9.50
    sold = checkout.pay_cash(cashier, till.till_id, 950)
    assert sold.total == 950
    sale = returns.find_by_receipt(sold.receipt_number)
    bread = line_of(sale, "BREAD")
    assert (bread.paid, bread.discount, bread.paid_per_unit) == (950, 100, 317)

    refunds = []
    for _ in range(3):  # one at a time: 9.50 × 1/3, × 2/3 − that, the rest
        view = returns.add_return_line(cashier, till.till_id, bread.line_id, Decimal(1))
        assert view.lines[0].discount_kind == "amount"
        refunds.append(pay_refund(store, cashier, till, returns).total)
    assert refunds == [-317, -316, -317]
    assert sum(refunds) == -950  # all of it back, never more than was paid


def test_returning_a_whole_discounted_line_refunds_exactly_its_gross(store, products, cashier, till, returns):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, SOAP)
    checkout.scan(cashier, till.till_id, SOAP)
    checkout.scan(cashier, till.till_id, SOAP)  # 7.47
    with store.unit_of_work() as s:
        line = s.scalars(select(CartDraftLine)).one()
        line.discount_kind, line.discount_value = "percent", Decimal(15)
    sold = checkout.pay_cash(cashier, till.till_id, 2000)
    with store.reader() as s:
        gross = s.scalar(select(SaleLine.gross))
    soap = line_of(returns.find_by_receipt(sold.receipt_number), "SOAP")
    returns.add_return_line(cashier, till.till_id, soap.line_id, Decimal(2))
    view = returns.add_return_line(cashier, till.till_id, soap.line_id, Decimal(1))
    assert [line.quantity for line in view.lines] == [-3]  # merged into one return line
    assert view.total == -gross
    assert pay_refund(store, cashier, till, returns).total == -gross


def test_return_without_receipt_needs_a_managers_approval(store, products, cashier, manager, till, returns):
    with pytest.raises(PermissionDenied, match="approval"):
        returns.return_without_receipt(cashier, till.till_id, products["SOAP"], Decimal(1), 249, "FLOOR")
    clerk = login(store, "clerk")
    with pytest.raises(PermissionDenied):
        returns.return_without_receipt(cashier, till.till_id, products["SOAP"], Decimal(1), 249, approver=clerk)
    assert CheckoutService(store).current_cart(cashier, till.till_id).is_empty

    approver = AuthService(store).login_pin("manager", "2222")
    view = returns.return_without_receipt(cashier, till.till_id, products["SOAP"], Decimal(1), 200, "SCRAP",
                                          approver=approver)
    assert view.total == -200 and view.lines[0].original_line_id is None
    with store.reader() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "return.without_receipt"))
        assert (entry.user_id, entry.approved_by_id) == (cashier.user_id, manager.user_id)
        assert json.loads(entry.details)["unit_price"] == 200
    result = PaymentService(store).pay(cashier, till.till_id, [Tender("cash", -200)])
    assert result.kind == "return"
    assert on_hand(store, products["SOAP"], "SCRAP") == 1
    # A manager may do it on their own.
    returns.return_without_receipt(manager, till.till_id, products["MILK-1L"], Decimal(1), 129)


def test_exchange_returns_bread_and_sells_soap_in_one_sale(store, products, cashier, till, returns, first_sale):
    sale = returns.find_by_receipt(first_sale.receipt_number)
    returns.add_return_line(cashier, till.till_id, line_of(sale, "BREAD").line_id, Decimal(1))
    CheckoutService(store).scan(cashier, till.till_id, SOAP)  # 2.49 − 3.50 = −1.01
    assert returns.suggested_refund(till.till_id) == [("cash", -101)]
    result = PaymentService(store).pay(cashier, till.till_id, [Tender("cash", -101)])
    assert (result.kind, result.total) == ("exchange", -101)
    assert on_hand(store, products["BREAD"]) == 10 - 3 + 1
    assert on_hand(store, products["SOAP"]) == 10 - 1 - 1
    with store.reader() as s:
        exchange = s.get(Sale, result.sale_id)
        assert sorted(line.quantity for line in exchange.lines) == [-1, 1]
    # The customer pays the difference when the new item costs more.
    sale = returns.find_by_receipt(first_sale.receipt_number)
    returns.add_return_line(cashier, till.till_id, line_of(sale, "SOAP").line_id, Decimal(1))
    for _ in range(2):
        CheckoutService(store).scan(cashier, till.till_id, BREAD)  # 7.00 − 2.49 = 4.51 due
    assert returns.suggested_refund(till.till_id) == []
    result = PaymentService(store).pay(cashier, till.till_id, [Tender("cash", 500)])
    assert (result.kind, result.total, result.change) == ("exchange", 451, 49)
    assert stock.verify(store) == []


def test_refund_goes_back_to_the_card_first_then_cash(store, products, cashier, till, returns):
    sold = sell(store, cashier, till, BREAD, BREAD, SOAP,
                tenders=[Tender("card", 500, reference="A1"), Tender("cash", 949)])  # 9.49
    sale = returns.find_by_receipt(sold.receipt_number)
    assert {(t.code, t.amount) for t in sale.tenders} == {("card", 500), ("cash", 449)}
    returns.add_return_line(cashier, till.till_id, line_of(sale, "BREAD").line_id, Decimal(2))
    assert returns.suggested_refund(till.till_id) == [("card", -500), ("cash", -200)]
    PaymentService(store).pay(cashier, till.till_id, [Tender("card", -500, reference="R1"), Tender("cash", -200)])
    # The card got all it paid back already: the soap goes back in cash.
    returns.add_return_line(cashier, till.till_id, line_of(sale, "SOAP").line_id, Decimal(1))
    assert returns.suggested_refund(till.till_id) == [("cash", -249)]
    with pytest.raises(ValidationError, match="customer"):
        returns.suggested_refund(till.till_id, to_store_credit=True)


def test_refund_to_store_credit_when_the_sale_had_a_customer(store, products, cashier, till, returns):
    with store.unit_of_work() as s:
        customer = Customer(name="Ada Lovelace")
        s.add(customer)
        s.flush()
        customer_id = customer.id
    CheckoutService(store).scan(cashier, till.till_id, BREAD)
    with store.unit_of_work() as s:
        s.scalars(select(CartDraft)).one().customer_id = customer_id
    sold = CheckoutService(store).pay_cash(cashier, till.till_id, 350)
    sale = returns.find_by_receipt(sold.receipt_number)
    assert (sale.customer_id, sale.customer_name) == (customer_id, "Ada Lovelace")
    view = returns.add_return_line(cashier, till.till_id, sale.lines[0].line_id, Decimal(1))
    assert view.customer_id == customer_id  # the return belongs to the same customer
    assert returns.suggested_refund(till.till_id, to_store_credit=True) == [("store_credit", -350)]
    PaymentService(store).pay(cashier, till.till_id, [Tender("store_credit", -350)])
    with store.reader() as s:
        assert s.scalar(select(SalePayment.amount).where(SalePayment.tender == "store_credit")) == -350


def test_one_cart_returns_against_one_sale(store, products, cashier, till, returns):
    a = sell(store, cashier, till, BREAD)
    b = sell(store, cashier, till, SOAP)
    returns.start_return(cashier, till.till_id, returns.find_by_receipt(a.receipt_number).sale_id)
    other = returns.find_by_receipt(b.receipt_number)
    with pytest.raises(StateError, match=a.receipt_number):
        returns.start_return(cashier, till.till_id, other.sale_id)
    with pytest.raises(StateError):
        returns.add_return_line(cashier, till.till_id, other.lines[0].line_id, Decimal(1))
    with pytest.raises(ValidationError, match="was not sold on receipt"):
        returns.return_lines(cashier, till.till_id, returns.find_by_receipt(a.receipt_number).sale_id,
                             [ReturnPick(other.lines[0].line_id, Decimal(1))])


def test_receipt_lookup_tolerates_case_spaces_and_missing_zeros(store, products, cashier, till, returns,
                                                               first_sale):
    assert first_sale.receipt_number == "T1-000001"
    for typed in ("T1-000001", " t1-000001\n", "t1 - 000001", "T1-1", "{BT1-000001"):
        assert returns.find_by_receipt(typed).sale_id == first_sale.sale_id, typed
    assert normalize_receipt_number(" t1-000042 ") == "T1-000042"
    with pytest.raises(NotFound, match="T9-000001"):
        returns.find_by_receipt("t9-000001")
    with pytest.raises(ValidationError):
        returns.find_by_receipt("   ")


def test_search_by_date_amount_and_customer(store, products, cashier, till, returns):
    small = sell(store, cashier, till, SOAP)  # 2.49
    big = sell(store, cashier, till, BREAD, BREAD)  # 7.00
    today = datetime.now(UTC).astimezone().date()
    found = returns.search(today, today)
    assert [s.receipt_number for s in found] == [big.receipt_number, small.receipt_number]  # newest first
    assert [s.receipt_number for s in returns.search(today, today, amount=249)] == [small.receipt_number]
    assert [s.receipt_number for s in returns.search(today, today, amount=695, tolerance=10)] == [
        big.receipt_number]
    assert returns.search(today - timedelta(days=9), today - timedelta(days=1)) == []
    assert returns.search(today, today, customer_id="nobody") == []
    assert len(returns.search(today, today, limit=1)) == 1
    with pytest.raises(ValidationError):
        returns.search(today, today - timedelta(days=2))


def test_a_return_is_taxed_at_the_rate_it_was_sold_at(store, products, cashier, owner, till):
    """The tax rate of soap changes after the sale; its refund still carries the sale's tax."""
    from sqlalchemy import select

    from shopdesk.services.catalog import CatalogService
    from shopdesk.services.checkout import CheckoutService
    from shopdesk.services.payments import PaymentService, Tender
    from shopdesk.services.returns import ReturnsService
    from shopdesk.store.models import SaleLine

    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, "96385074")  # soap, STD rate
    sale = PaymentService(store).pay(cashier, till.till_id, [Tender("cash", 249)])
    with store.reader() as s:
        sold = s.scalars(select(SaleLine).where(SaleLine.sale_id == sale.sale_id)).one()
    catalog = CatalogService(store)
    draft = catalog.detail(products["SOAP"]).draft
    catalog.update_product(owner, products["SOAP"], draft.__class__(**{**draft.__dict__, "tax_code": "RED"}))

    returns = ReturnsService(store)
    returns.start_return(cashier, till.till_id, sale.sale_id)
    view = returns.add_return_line(cashier, till.till_id, sold.id, Decimal(1))
    line = view.lines[0]
    assert (line.tax_code, line.tax_percent) == (sold.tax_code, Decimal(sold.tax_percent))
    refund = PaymentService(store).pay(cashier, till.till_id, [Tender("cash", -249)])
    with store.reader() as s:
        back = s.scalars(select(SaleLine).where(SaleLine.sale_id == refund.sale_id)).one()
    assert (back.tax, back.net, back.gross) == (-sold.tax, -sold.net, -sold.gross)
