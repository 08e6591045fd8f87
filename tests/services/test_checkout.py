"""The first sale, end to end through the services: scan, cart, cash, stock, audit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shopdesk.domain.errors import (
    InvalidBarcode,
    NotFound,
    StateError,
    UnknownBarcode,
    ValidationError,
)
from shopdesk.services import stock
from shopdesk.services.checkout import CheckoutService
from shopdesk.store.database import open_database
from shopdesk.store.models import (
    AuditEntry,
    CartDraft,
    Sale,
    SaleLine,
    SalePayment,
    StockBalance,
    StockMovement,
)
from tests.conftest import OPENING_STOCK

MILK, BREAD, SOAP = "4006381333931", "036000291452", "96385074"


def floor_stock(db, product_id) -> Decimal:
    with db.reader() as s:
        return stock.on_hand(s, product_id, stock.location_id(s, "FLOOR"))


def count(db, model) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_scanning_adds_lines_and_increments_the_same_product(store, products, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, MILK)
    checkout.scan(cashier, till.till_id, BREAD)
    view = checkout.scan(cashier, till.till_id, MILK)
    assert [(line.sku, line.quantity) for line in view.lines] == [("MILK-1L", 2), ("BREAD", 1)]
    assert view.last_line_id == view.lines[0].line_id
    assert view.total == 2 * 129 + 350


def test_upc_a_and_its_ean_13_form_and_the_sku_find_the_same_product(store, products, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, BREAD)           # UPC-A, 12 digits
    checkout.scan(cashier, till.till_id, "0" + BREAD)     # same as EAN-13
    view = checkout.scan(cashier, till.till_id, " BREAD\r")  # SKU typed, scanner noise stripped
    assert [(line.sku, line.quantity) for line in view.lines] == [("BREAD", 3)]


def test_unknown_barcode_adds_nothing_and_says_so(store, products, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, MILK)
    with pytest.raises(UnknownBarcode, match="No product has the barcode 5012345678900"):
        checkout.scan(cashier, till.till_id, "5012345678900")
    assert len(checkout.current_cart(cashier, till.till_id).lines) == 1


def test_invalid_check_digit_is_a_misscan_not_an_unknown_product(store, products, cashier, till):
    with pytest.raises(InvalidBarcode, match="check digit"):
        CheckoutService(store).scan(cashier, till.till_id, "4006381333932")


@pytest.mark.parametrize("code", ["", "   ", "\r\n"])
def test_empty_scans_are_refused(store, products, cashier, till, code):
    with pytest.raises((InvalidBarcode, UnknownBarcode)):
        CheckoutService(store).scan(cashier, till.till_id, code)


def test_change_quantity_and_remove_line(store, products, cashier, till):
    checkout = CheckoutService(store)
    view = checkout.scan(cashier, till.till_id, SOAP)
    line_id = view.lines[0].line_id
    view = checkout.set_quantity(cashier, till.till_id, line_id, Decimal(4))
    assert view.lines[0].quantity == 4 and view.total == 4 * 249
    view = checkout.remove_line(cashier, till.till_id, line_id)
    assert view.is_empty
    with store.reader() as s:
        assert s.scalar(select(AuditEntry.action).where(AuditEntry.action == "cart.line_voided"))


@pytest.mark.parametrize("quantity", [Decimal(0), Decimal(-1), Decimal("1.5"), Decimal(100000), Decimal("NaN")])
def test_bad_quantities_are_refused_and_nothing_changes(store, products, cashier, till, quantity):
    checkout = CheckoutService(store)
    line_id = checkout.scan(cashier, till.till_id, SOAP).lines[0].line_id
    with pytest.raises(ValidationError) as err:
        checkout.set_quantity(cashier, till.till_id, line_id, quantity)
    assert err.value.field == "quantity"
    assert checkout.current_cart(cashier, till.till_id).lines[0].quantity == 1


def test_a_line_of_another_till_or_gone_is_not_found(store, products, cashier, till):
    checkout = CheckoutService(store)
    with pytest.raises(NotFound):
        checkout.set_quantity(cashier, till.till_id, "no-such-line", Decimal(2))


def test_paying_cash_writes_the_whole_sale_in_one_go(store, products, cashier, till):
    checkout = CheckoutService(store)
    for code in (MILK, MILK, BREAD, SOAP):
        view = checkout.scan(cashier, till.till_id, code)
    assert view.total == 2 * 129 + 350 + 249
    result = checkout.pay_cash(cashier, till.till_id, 1000)
    assert (result.total, result.tendered, result.change) == (857, 1000, 143)
    assert result.receipt_number == "T1-000001"
    with store.reader() as s:
        sale = s.get(Sale, result.sale_id)
        assert sale.grand_total == 857 and sale.user_id == cashier.user_id
        lines = s.scalars(select(SaleLine).where(SaleLine.sale_id == sale.id).order_by(SaleLine.line_no)).all()
        assert [(line.description, line.quantity, line.gross) for line in lines] == [
            ("Whole milk 1 L", 2, 258), ("Sourdough bread", 1, 350), ("Dish soap 500 ml", 1, 249)]
        assert sum(line.net + line.tax for line in lines) == sale.grand_total == sale.net_total + sale.tax_total
        payment = s.scalar(select(SalePayment).where(SalePayment.sale_id == sale.id))
        assert (payment.tender, payment.amount, payment.tendered, payment.change) == ("cash", 857, 1000, 143)
        moves = s.scalars(select(StockMovement).where(StockMovement.document_id == sale.id)).all()
        assert sorted(m.quantity for m in moves) == [1, 1, 2]
        assert {m.reason for m in moves} == {"sale"}
        audit = s.scalar(select(AuditEntry).where(AuditEntry.action == "sale.completed"))
        assert audit.entity_id == sale.id
        assert s.scalar(select(func.count()).select_from(CartDraft)) == 0
    assert floor_stock(store, products["MILK-1L"]) == OPENING_STOCK - 2
    assert floor_stock(store, products["BREAD"]) == OPENING_STOCK - 1
    assert stock.verify(store) == []
    assert checkout.current_cart(cashier, till.till_id).is_empty


def test_receipt_numbers_count_up_per_till(store, products, cashier, till):
    checkout = CheckoutService(store)
    numbers = []
    for _ in range(3):
        checkout.scan(cashier, till.till_id, SOAP)
        numbers.append(checkout.pay_cash(cashier, till.till_id, 249).receipt_number)
    assert numbers == ["T1-000001", "T1-000002", "T1-000003"]


def test_too_little_cash_is_refused_and_nothing_is_written(store, products, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, BREAD)
    with pytest.raises(ValidationError, match=r"less than the total") as err:
        checkout.pay_cash(cashier, till.till_id, 349)
    assert err.value.field == "tendered"
    assert count(store, Sale) == 0 and count(store, StockMovement) == 4  # only the opening stock
    assert len(checkout.current_cart(cashier, till.till_id).lines) == 1


def test_an_empty_cart_cannot_be_paid(store, products, cashier, till):
    with pytest.raises(StateError, match="empty"):
        CheckoutService(store).pay_cash(cashier, till.till_id, 100)


def test_a_failure_halfway_through_a_sale_leaves_no_trace(store, products, cashier, till, monkeypatch):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, MILK)
    checkout.scan(cashier, till.till_id, BREAD)

    def power_cut(*args, **kwargs):
        raise OSError("disk unplugged")

    monkeypatch.setattr(stock, "post_movements", power_cut)
    with pytest.raises(OSError):
        checkout.pay_cash(cashier, till.till_id, 10_000)
    monkeypatch.undo()
    assert count(store, Sale) == 0 and count(store, SaleLine) == 0 and count(store, SalePayment) == 0
    assert floor_stock(store, products["MILK-1L"]) == OPENING_STOCK
    assert len(checkout.current_cart(cashier, till.till_id).lines) == 2  # the customer can still pay
    result = checkout.pay_cash(cashier, till.till_id, 10_000)
    assert result.receipt_number == "T1-000001"  # the number was not burnt by the failed try


def test_the_cart_survives_a_restart(db_path, store, products, cashier, till):
    CheckoutService(store).scan(cashier, till.till_id, MILK)
    CheckoutService(store).scan(cashier, till.till_id, SOAP)
    store.close()  # as if the process died: a new process opens the file again
    reopened = open_database(db_path)
    try:
        view = CheckoutService(reopened).current_cart(cashier, till.till_id)
        assert [line.sku for line in view.lines] == ["MILK-1L", "SOAP"]
    finally:
        reopened.close()


def test_void_cart_is_audited(store, products, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, MILK)
    assert checkout.void_cart(cashier, till.till_id).is_empty
    with store.reader() as s:
        assert s.scalar(select(AuditEntry.details).where(AuditEntry.action == "cart.voided"))


def test_inclusive_tax_per_rate_on_the_sale(store, products, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, MILK)   # 5 % reduced, 1.29
    view = checkout.scan(cashier, till.till_id, SOAP)  # 20 % standard, 2.49
    taxes = {t.code: (t.net, t.tax, t.gross) for t in view.totals.taxes}
    assert taxes == {"RED": (123, 6, 129), "STD": (207, 42, 249)}
    assert view.totals.tax_total == 48


def test_balances_and_ledger_agree_after_many_sales(store, products, cashier, till):
    checkout = CheckoutService(store)
    for i in range(12):
        checkout.scan(cashier, till.till_id, (MILK, BREAD, SOAP)[i % 3])
        if i % 2:
            checkout.pay_cash(cashier, till.till_id, 10_000)
    assert stock.verify(store) == []
    with store.reader() as s:
        per_product = s.execute(select(StockBalance.product_id, func.sum(StockBalance.quantity))
                                .group_by(StockBalance.product_id)).all()
    assert all(total == 0 for _, total in per_product)  # moved, never created or lost
