"""What a receipt says about a sale: discounts, tenders, rounding, customer, returns."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from shopdesk.domain.receipt import mask_reference
from shopdesk.printing.receipt_text import receipt_text
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.payments import PaymentService, Tender
from shopdesk.services.receipts import ReceiptService, cart_discount_shares
from shopdesk.store.counter_models import Customer
from shopdesk.store.models import CartDraft, CartDraftLine, SaleLine, StoreSettings
from shopdesk.store.types import new_id

MILK, BREAD, SOAP = "4006381333931", "036000291452", "96385074"


def lines_of(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


def line_with(text: str, start: str) -> str:
    return next(line for line in lines_of(text) if line.strip().startswith(start))


def test_line_and_cart_discounts_are_itemised_and_add_up(store, products, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, BREAD)  # 3.50
    checkout.scan(cashier, till.till_id, SOAP)  # 2.49
    with store.unit_of_work() as s:
        bread = s.scalars(select(CartDraftLine).where(CartDraftLine.product_id == products["BREAD"])).one()
        bread.discount_kind, bread.discount_value = "amount", Decimal(50)  # 3.50 → 3.00
        cart = s.scalars(select(CartDraft)).one()
        cart.discount_kind, cart.discount_value = "percent", Decimal(10)  # 10 % of 5.49 = 0.55
    sale = PaymentService(store).pay(cashier, till.till_id, [Tender("cash", 500)])
    assert sale.total == 599 - 50 - 55

    receipt = ReceiptService(store).receipt_for(sale.sale_id)
    assert receipt.cart_discount == 55
    assert sum(line.cart_share for line in receipt.lines) == 55
    assert receipt.before_discounts == 599 and receipt.line_discounts == 50
    text = receipt_text(receipt, 42)
    assert line_with(text, "Before discounts").endswith("€5.99")
    assert line_with(text, "Line discounts").endswith("-€0.50")
    totals = text[text.index("Before discounts"):]
    assert line_with(totals, "Cart discount").endswith("-€0.55")
    assert line_with(text, "Subtotal").endswith("€4.94")
    bread_block = text[text.index("Sourdough bread"):text.index("Dish soap")]
    assert "  Discount" in bread_block and "-€0.50" in bread_block
    assert "  Cart discount" in bread_block
    assert "Rate" in text  # the tax summary per rate is still there


def test_split_tenders_card_details_change_and_customer(store, products, cashier, owner, till):
    with store.unit_of_work() as s:
        customer = Customer(name="Ada Lovelace")
        s.add(customer)
        s.flush()
        customer_id = customer.id
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, BREAD)
    checkout.scan(cashier, till.till_id, SOAP)  # 5.99
    with store.unit_of_work() as s:
        s.scalars(select(CartDraft)).one().customer_id = customer_id
    sale = PaymentService(store).pay(cashier, till.till_id, [
        Tender("cash", 500), Tender("voucher", 100, reference="GIFT-98765432"),
        Tender("card", 99, card_type="VISA", reference="A1B2C3")])
    assert sale.change == 100 and sale.open_drawer
    receipt = ReceiptService(store).receipt_for(sale.sale_id)
    text = receipt_text(receipt, 42)
    assert "Customer: Ada Lovelace" in text
    assert line_with(text, "Card VISA").endswith("€0.99")
    assert line_with(text, "Approval code").endswith("A1B2C3")  # approval codes print in full
    assert line_with(text, "Voucher").endswith("€1.00")
    assert line_with(text, "Reference").endswith("********5432")  # a voucher code is masked
    assert "GIFT-98765432" not in text
    assert line_with(text, "Cash").endswith("€5.00")
    assert line_with(text, "Change").endswith("€1.00")
    tender_names = [t.name for t in receipt.tenders]
    assert tender_names[-1] == "Cash"  # cash last: it carries the change


def test_cash_rounding_is_printed(store, products, cashier, till):
    with store.unit_of_work() as s:
        s.scalars(select(StoreSettings)).one().cash_rounding_step = 5
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, SOAP)  # 2.49 → 2.50 in cash
    sale = checkout.pay_cash(cashier, till.till_id, 250)
    receipt = ReceiptService(store).receipt_for(sale.sale_id)
    assert (receipt.rounding, receipt.due) == (1, 250)
    text = receipt_text(receipt, 42)
    assert line_with(text, "Rounding").endswith("+€0.01")
    assert line_with(text, "To pay").endswith("€2.50")
    assert "Change" not in text


def test_a_return_is_headed_and_names_the_original_receipt(store, products, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, BREAD)
    first = checkout.pay_cash(cashier, till.till_id, 350)
    with store.unit_of_work() as s:
        line_id = s.scalar(select(SaleLine.id).where(SaleLine.sale_id == first.sale_id))
        cart = CartDraft(id=new_id(), till_id=till.till_id, user_id=cashier.user_id, status="open",
                         original_sale_id=first.sale_id)
        s.add(cart)
        s.flush()
        s.add(CartDraftLine(id=new_id(), cart_id=cart.id, position=1, product_id=products["BREAD"],
                            quantity=Decimal(-1), unit_price=350, original_line_id=line_id))
    back = PaymentService(store).pay(cashier, till.till_id, [Tender("card", -350, reference="R77")])
    assert back.kind == "return" and not back.open_drawer
    receipt = ReceiptService(store).receipt_for(back.sale_id)
    assert receipt.kind == "return" and receipt.original_receipt == first.receipt_number
    text = receipt_text(receipt, 42)
    assert "RETURN" in text
    assert line_with(text, "Original receipt").endswith(first.receipt_number)
    assert line_with(text, "-1 x €3.50").endswith("-€3.50 RED")
    assert line_with(text, "Card").endswith("-€3.50")
    assert "EXCHANGE" not in text


def test_copy_marker_on_reprints(store, products, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, MILK)
    sale = checkout.pay_cash(cashier, till.till_id, 200)
    service = ReceiptService(store)
    assert "COPY" not in receipt_text(service.receipt_for(sale.sale_id), 42)
    assert receipt_text(service.receipt_for(sale.sale_id, copy=True), 42).count("*** COPY ***") == 2


def test_cart_discount_shares_are_recovered():
    # 10 % off a cart of 3.00 (after a 0.50 line discount) and 2.49: shares 0.30 + 0.25
    assert cart_discount_shares(55, [270, 224], [80, 25]) == [30, 25]
    assert cart_discount_shares(0, [100], [0]) == [0]
    assert cart_discount_shares(100, [0], [100]) == [100]  # the whole line given away by the cart


def test_masking_references():
    assert mask_reference("123456", "card") == "123456"
    assert mask_reference("4111 1111 1111 1111", "card") == "**** 1111"
    assert mask_reference("GIFT-98765432", "other") == "********5432"
    assert mask_reference("AB1", "other") == "AB1"
