"""Receiving deliveries: scanning into a draft, comparing with the order, posting into stock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.domain.errors import (
    InvalidBarcode,
    NotFound,
    PermissionDenied,
    StateError,
    UnknownBarcode,
    ValidationError,
)
from shopdesk.domain.stock_rules import DeliveryStatus
from shopdesk.services import stock
from shopdesk.services.goods_intake import GoodsIntakeService
from shopdesk.services.labels import LabelService
from shopdesk.services.purchasing import PurchaseOrderLineDraft as Line
from shopdesk.services.purchasing import PurchaseOrderService
from shopdesk.services.suppliers import SupplierDraft, SupplierService
from shopdesk.store.database import Database, make_engine, open_database
from shopdesk.store.types import new_id, time_to_db, utcnow

MILK, BREAD, SOAP, NIUNAI = "4006381333931", "036000291452", "96385074", "6901234567892"


@pytest.fixture
def intake(store):
    return GoodsIntakeService(store)


@pytest.fixture
def supplier(store, manager):
    return SupplierService(store).create(manager, SupplierDraft("ACME", "Acme Wholesale"))


@pytest.fixture
def order(store, manager, supplier, products):
    """PO-000001 to the back room: 24 milk at 0.80, 10 bread at 1.50, 5 soap at 1.00."""
    return PurchaseOrderService(store).create(manager, supplier, [
        Line(products["MILK-1L"], Decimal(24), 80),
        Line(products["BREAD"], Decimal(10), 150),
        Line(products["SOAP"], Decimal(5), 100),
    ])


def balance(db, product_id: str, location: str) -> Decimal:
    with db.reader() as s:
        return stock.on_hand(s, product_id, stock.location_id(s, location))


def one(db, sql: str, *params):
    with db.raw_reader() as conn:
        return conn.execute(sql, params).fetchone()


def set_cost(db, product_id: str, cost: int) -> None:
    with db.raw_transaction() as conn:
        conn.execute("UPDATE products SET cost = ? WHERE id = ?", (cost, product_id))


def receipt_lines(db, receipt_id: str) -> list[tuple]:
    with db.raw_reader() as conn:
        return conn.execute("SELECT product_id, quantity, unit_cost FROM goods_receipt_lines WHERE receipt_id = ?"
                            " ORDER BY line_no", (receipt_id,)).fetchall()


# -- scanning ----------------------------------------------------------------------------

def test_each_scan_adds_one_and_a_typed_quantity_adds_that_many(store, clerk, intake, products):
    receipt = intake.start(clerk)
    for _ in range(3):
        view = intake.scan(clerk, receipt, MILK)
    assert view.line_for(products["MILK-1L"]).received == 3
    view = intake.scan(clerk, receipt, BREAD, Decimal(12))
    view = intake.scan(clerk, receipt, "niunai\r")  # an SKU, typed in lower case, scanner's CR
    view = intake.scan(clerk, receipt, MILK, 2)
    assert view.number == "GR-000001" and view.status == "draft" and view.location_code == "BACK"
    assert [(ln.line_no, ln.sku, ln.received) for ln in view.lines] == [
        (1, "MILK-1L", Decimal(5)), (2, "BREAD", Decimal(12)), (3, "NIUNAI", Decimal(1))]
    assert view.last_product_id == products["MILK-1L"]
    assert all(ln.status is DeliveryStatus.NOT_ORDERED and ln.ordered is None for ln in view.lines)
    assert view.total_quantity == 18
    # Nothing reaches stock before posting.
    assert balance(store, products["MILK-1L"], "BACK") == 0


def test_draft_survives_a_crash(db_path, store, clerk, intake, products):
    receipt = intake.start(clerk)
    intake.scan(clerk, receipt, MILK)
    intake.scan(clerk, receipt, SOAP, Decimal(4))
    store.close()  # the program dies; another start opens the file again
    reopened = open_database(db_path)
    try:
        view = GoodsIntakeService(reopened).detail(receipt)
        assert [(ln.sku, ln.received) for ln in view.lines] == [("MILK-1L", 1), ("SOAP", 4)]
    finally:
        reopened.close()


def test_unknown_and_misread_codes_are_refused_and_nothing_is_written(store, clerk, intake, products):
    receipt = intake.start(clerk)
    intake.scan(clerk, receipt, MILK)
    before = receipt_lines(store, receipt)
    with pytest.raises(UnknownBarcode) as err:
        intake.scan(clerk, receipt, "4006381333948")  # a valid EAN-13 nobody sells here
    assert "4006381333948" in str(err.value)
    with pytest.raises(InvalidBarcode) as err:
        intake.scan(clerk, receipt, "4006381333932")  # milk with the last digit misread
    assert "check digit should be 1" in str(err.value)
    with pytest.raises(InvalidBarcode):
        intake.scan(clerk, receipt, "   ")
    assert receipt_lines(store, receipt) == before


@pytest.mark.parametrize("quantity", [Decimal(-1), Decimal(0), Decimal(50_000_000), Decimal("0.0001"),
                                      Decimal("NaN")])
def test_bad_scan_quantities_are_refused_and_nothing_is_written(store, clerk, intake, products, quantity):
    receipt = intake.start(clerk)
    intake.scan(clerk, receipt, MILK)
    with pytest.raises(ValidationError) as err:
        intake.scan(clerk, receipt, MILK, quantity)
    assert err.value.field == "quantity"
    with pytest.raises(ValidationError):
        intake.scan(clerk, receipt, BREAD, quantity)
    assert receipt_lines(store, receipt) == [(products["MILK-1L"], 1000, 0)]


def test_a_line_cannot_grow_beyond_the_absurd(store, clerk, intake, products):
    receipt = intake.start(clerk)
    intake.scan(clerk, receipt, MILK, Decimal(9_999_999))
    with pytest.raises(ValidationError) as err:
        intake.scan(clerk, receipt, MILK, Decimal(2))
    assert err.value.field == "quantity"
    assert intake.detail(receipt).lines[0].received == Decimal(9_999_999)


def test_typed_quantity_cost_and_removal(store, clerk, intake, products):
    milk, bread = products["MILK-1L"], products["BREAD"]
    set_cost(store, milk, 95)
    receipt = intake.start(clerk)
    view = intake.add_product(clerk, receipt, milk)
    assert view.line_for(milk).unit_cost == 95  # no order: the product's current cost
    view = intake.set_quantity(clerk, receipt, milk, Decimal(20))
    view = intake.set_unit_cost(clerk, receipt, milk, 110)
    assert (view.line_for(milk).received, view.line_for(milk).unit_cost, view.total_cost) == (20, 110, 2200)
    view = intake.set_quantity(clerk, receipt, bread, Decimal("2.5"))  # typing a quantity adds the line
    assert view.line_for(bread).received == Decimal("2.5")
    view = intake.set_quantity(clerk, receipt, milk, 0)
    assert view.line_for(milk).received == 0
    view = intake.remove_line(clerk, receipt, milk)
    assert [ln.sku for ln in view.lines] == ["BREAD"]
    with pytest.raises(ValidationError) as err:
        intake.set_quantity(clerk, receipt, bread, Decimal(-3))
    assert err.value.field == "quantity"
    with pytest.raises(ValidationError) as err:
        intake.set_unit_cost(clerk, receipt, bread, -1)
    assert err.value.field == "unit_cost"
    with pytest.raises(ValidationError):
        intake.set_unit_cost(clerk, receipt, bread, 1.5)
    with pytest.raises(NotFound) as err:
        intake.set_unit_cost(clerk, receipt, milk, 100)
    assert "MILK-1L is not on GR-000001" in str(err.value)
    with pytest.raises(NotFound):
        intake.add_product(clerk, receipt, "no-such-product")
    assert receipt_lines(store, receipt) == [(bread, 2500, 0)]


# -- against a purchase order ------------------------------------------------------------

def test_expected_against_received_flags_over_short_missing_and_not_ordered(store, clerk, intake, supplier,
                                                                           order, products):
    receipt = intake.start(clerk, purchase_order_id=order, supplier_reference="DN-7781")
    intake.scan(clerk, receipt, MILK, Decimal(30))  # 24 ordered
    intake.scan(clerk, receipt, BREAD, Decimal(4))  # 10 ordered
    view = intake.scan(clerk, receipt, NIUNAI, Decimal(2))  # not ordered; soap not delivered
    assert (view.supplier_name, view.purchase_order_number, view.supplier_reference) == (
        "Acme Wholesale", "PO-000001", "DN-7781")
    assert [(ln.sku, ln.ordered, ln.received, ln.unit_cost, ln.status) for ln in view.lines] == [
        ("MILK-1L", Decimal(24), Decimal(30), 80, DeliveryStatus.OVER),
        ("BREAD", Decimal(10), Decimal(4), 150, DeliveryStatus.SHORT),
        ("NIUNAI", None, Decimal(2), 0, DeliveryStatus.NOT_ORDERED),
        ("SOAP", Decimal(5), Decimal(0), 100, DeliveryStatus.MISSING),
    ]
    assert view.lines[3].line_id is None
    assert (view.over, view.short, view.missing, view.not_ordered, view.complete) == (1, 1, 1, 1, 0)


def test_receipt_takes_supplier_and_location_from_the_order(store, manager, clerk, intake, supplier, products):
    po = PurchaseOrderService(store).create(manager, supplier, [Line(products["SOAP"], Decimal(5), 100)],
                                            location_code="FLOOR")
    view = intake.detail(intake.start(clerk, purchase_order_id=po))
    assert (view.location_code, view.supplier_id) == ("FLOOR", supplier)
    other = SupplierService(store).create(manager, SupplierDraft("BAKE", "Best Bakery"))
    with pytest.raises(ValidationError) as err:
        intake.start(clerk, purchase_order_id=po, supplier_id=other)
    assert err.value.field == "supplier_id"
    with pytest.raises(ValidationError) as err:
        intake.start(clerk, location_code="SUPPLIER")
    assert err.value.field == "location_code"
    with pytest.raises(NotFound):
        intake.start(clerk, location_code="ATTIC")
    with pytest.raises(NotFound):
        intake.start(clerk, purchase_order_id="no-such-order")
    assert len(intake.list_receipts()) == 1


def test_partial_receipt_leaves_the_order_open_and_the_second_completes_it(store, clerk, intake, order, products):
    purchasing = PurchaseOrderService(store)
    first = intake.start(clerk, purchase_order_id=order)
    intake.scan(clerk, first, MILK, Decimal(24))
    intake.scan(clerk, first, BREAD, Decimal(6))
    posted = intake.post(clerk, first)
    assert (posted.purchase_order_number, posted.purchase_order_status) == ("PO-000001", "open")
    assert purchasing.detail(order).status == "open"
    assert purchasing.on_order() == {products["BREAD"]: Decimal(4), products["SOAP"]: Decimal(5)}
    # The first receipt, read back after posting, still compares with what was due then.
    assert [(ln.sku, ln.ordered, ln.status) for ln in intake.detail(first).lines] == [
        ("MILK-1L", Decimal(24), DeliveryStatus.COMPLETE), ("BREAD", Decimal(10), DeliveryStatus.SHORT),
        ("SOAP", Decimal(5), DeliveryStatus.MISSING)]

    second = intake.start(clerk, purchase_order_id=order)
    view = intake.detail(second)
    assert [(ln.sku, ln.ordered, ln.status) for ln in view.lines] == [
        ("BREAD", Decimal(4), DeliveryStatus.MISSING), ("SOAP", Decimal(5), DeliveryStatus.MISSING)]
    intake.scan(clerk, second, BREAD, Decimal(4))
    view = intake.scan(clerk, second, SOAP, Decimal(5))
    assert (view.complete, view.missing) == (2, 0)
    posted = intake.post(clerk, second)
    assert posted.purchase_order_status == "received"
    detail = purchasing.detail(order)
    assert detail.status == "received"
    assert [(ln.sku, ln.received, ln.outstanding) for ln in detail.lines] == [
        ("MILK-1L", 24, 0), ("BREAD", 10, 0), ("SOAP", 5, 0)]
    assert purchasing.on_order() == {}
    with pytest.raises(StateError):
        intake.start(clerk, purchase_order_id=order)  # nothing more can come on this order


# -- posting -----------------------------------------------------------------------------

def test_posting_puts_stock_at_the_location_and_writes_the_ledger(store, clerk, intake, products):
    milk, soap = products["MILK-1L"], products["SOAP"]
    receipt = intake.start(clerk)
    intake.scan(clerk, receipt, MILK, Decimal(30))
    intake.scan(clerk, receipt, SOAP, Decimal(6))
    intake.set_quantity(clerk, receipt, products["BREAD"], 0)  # a zero line is skipped
    posted = intake.post(clerk, receipt)
    assert (posted.number, posted.lines_posted, posted.total_quantity) == ("GR-000001", 2, Decimal(36))
    assert balance(store, milk, "BACK") == 30 and balance(store, soap, "BACK") == 6
    assert balance(store, milk, "FLOOR") == 10  # untouched
    assert balance(store, milk, "SUPPLIER") == -40  # the fixture's 10 plus these 30
    assert balance(store, products["BREAD"], "BACK") == 0
    assert stock.verify(store) == []
    with store.raw_reader() as conn:
        movements = conn.execute(
            "SELECT m.product_id, f.code, t.code, m.quantity, m.reason, m.user_id FROM stock_movements m"
            "  JOIN locations f ON f.id = m.from_location_id JOIN locations t ON t.id = m.to_location_id"
            " WHERE m.document_type = 'goods_receipt' AND m.document_id = ? ORDER BY m.quantity",
            (receipt,)).fetchall()
    assert movements == [(soap, "SUPPLIER", "BACK", 6000, "intake", clerk.user_id),
                         (milk, "SUPPLIER", "BACK", 30000, "intake", clerk.user_id)]
    view = intake.detail(receipt)
    assert view.status == "posted" and view.posted_at is not None
    audit_row = one(store, "SELECT user_id, details FROM audit_log WHERE action = 'goods_receipt_posted'"
                           " AND entity_id = ?", receipt)
    assert audit_row[0] == clerk.user_id and '"GR-000001"' in audit_row[1]
    assert [(r.number, r.status, r.line_count, r.total_quantity) for r in intake.list_receipts()] == [
        ("GR-000001", "posted", 2, Decimal(36))]


def test_moving_average_cost_and_its_history(store, clerk, intake, products):
    milk, soap = products["MILK-1L"], products["SOAP"]
    set_cost(store, milk, 100)  # 10 on hand (FLOOR) at 1.00
    set_cost(store, soap, 250)
    receipt = intake.start(clerk)
    intake.scan(clerk, receipt, MILK, Decimal(30))
    intake.set_unit_cost(clerk, receipt, milk, 200)  # 30 more at 2.00, into the back room
    intake.scan(clerk, receipt, SOAP, Decimal(5))  # at its current cost: no change
    posted = intake.post(clerk, receipt)
    assert posted.total_cost == 30 * 200 + 5 * 250
    assert posted.cost_changes == 1
    assert one(store, "SELECT cost FROM products WHERE id = ?", milk) == (175,)
    assert one(store, "SELECT cost FROM products WHERE id = ?", soap) == (250,)
    with store.raw_reader() as conn:
        history = conn.execute(
            "SELECT product_id, old_cost, new_cost, old_price, new_price, user_id FROM price_changes"
            " WHERE source = 'receipt'").fetchall()
    assert history == [(milk, 100, 175, 129, 129, clerk.user_id)]


def test_cost_of_a_product_with_no_stock_is_what_was_paid(store, clerk, intake, products):
    niunai = products["NIUNAI"]
    with store.unit_of_work() as s:  # sell out the fixture's 10
        stock.post_movements(s, [stock.Move(niunai, Decimal(10), stock.location_id(s, "FLOOR"),
                                            stock.location_id(s, "CUSTOMER"))],
                             reason="sale", document_type="test", document_id=new_id(), user_id=None)
    set_cost(store, niunai, 400)
    receipt = intake.start(clerk)
    intake.scan(clerk, receipt, NIUNAI, Decimal(3))
    intake.set_unit_cost(clerk, receipt, niunai, 520)
    intake.post(clerk, receipt)
    assert one(store, "SELECT cost FROM products WHERE id = ?", niunai) == (520,)


def test_posting_twice_is_refused_and_nothing_is_doubled(db_path, store, clerk, intake, order, products):
    milk = products["MILK-1L"]
    receipt = intake.start(clerk, purchase_order_id=order)
    intake.scan(clerk, receipt, MILK, Decimal(5))
    intake.post(clerk, receipt)
    with pytest.raises(StateError) as err:
        intake.post(clerk, receipt)
    assert "GR-000001 was already posted" in str(err.value)
    # Another program on the same file: its own engine and connections. (Built directly:
    # open_database's file check reads the header, where application_id may still sit in the WAL.)
    other_process = Database(db_path, make_engine(db_path))
    try:
        with pytest.raises(StateError):
            GoodsIntakeService(other_process).post(clerk, receipt)
    finally:
        other_process.close()
    assert balance(store, milk, "BACK") == 5
    assert PurchaseOrderService(store).detail(order).lines[0].received == 5
    assert one(store, "SELECT COUNT(*) FROM stock_movements WHERE document_id = ?", receipt) == (1,)
    assert one(store, "SELECT COUNT(*) FROM audit_log WHERE action = 'goods_receipt_posted'") == (1,)
    with pytest.raises(StateError):
        intake.scan(clerk, receipt, MILK)  # a posted receipt never changes again
    assert stock.verify(store) == []


def test_cashier_may_not_receive(store, cashier, clerk, intake, products):
    with pytest.raises(PermissionDenied):
        intake.start(cashier)
    receipt = intake.start(clerk)
    intake.scan(clerk, receipt, MILK, Decimal(3))
    with pytest.raises(PermissionDenied):
        intake.scan(cashier, receipt, MILK)
    with pytest.raises(PermissionDenied):
        intake.post(cashier, receipt)
    assert intake.detail(receipt).status == "draft"
    assert balance(store, products["MILK-1L"], "BACK") == 0


def test_an_empty_receipt_cannot_be_posted(store, clerk, intake, products):
    receipt = intake.start(clerk)
    with pytest.raises(StateError) as err:
        intake.post(clerk, receipt)
    assert "GR-000001 has nothing to post" in str(err.value)
    intake.set_quantity(clerk, receipt, products["MILK-1L"], 0)
    with pytest.raises(StateError):
        intake.post(clerk, receipt)
    assert intake.detail(receipt).status == "draft"  # the guard was rolled back with the rest
    intake.scan(clerk, receipt, MILK)
    assert intake.post(clerk, receipt).lines_posted == 1


def test_cancel_a_draft(store, clerk, intake, products):
    receipt = intake.start(clerk)
    intake.scan(clerk, receipt, MILK, Decimal(3))
    intake.cancel(clerk, receipt)
    assert intake.detail(receipt).status == "cancelled"
    with pytest.raises(StateError) as err:
        intake.scan(clerk, receipt, MILK)
    assert "cancelled" in str(err.value)
    with pytest.raises(StateError):
        intake.post(clerk, receipt)
    with pytest.raises(StateError):
        intake.cancel(clerk, receipt)
    assert balance(store, products["MILK-1L"], "BACK") == 0
    assert [r.status for r in intake.list_receipts(status="cancelled")] == ["cancelled"]
    assert intake.list_receipts(status="draft") == []


def test_label_copies_one_per_item_received(store, clerk, intake, products, tmp_path):
    receipt = intake.start(clerk)
    intake.scan(clerk, receipt, MILK, Decimal(3))
    intake.scan(clerk, receipt, BREAD, Decimal("2.5"))
    intake.set_quantity(clerk, receipt, products["SOAP"], 0)
    with pytest.raises(StateError):
        intake.label_copies(receipt)  # labels are for goods received, not drafts
    intake.post(clerk, receipt)
    copies = intake.label_copies(receipt)
    assert copies == {products["MILK-1L"]: 3, products["BREAD"]: 3}
    pages = LabelService(store).print_sheet(list(copies), tmp_path / "labels.pdf", copies=copies)
    assert pages == 1 and (tmp_path / "labels.pdf").stat().st_size > 0


def test_goods_sold_by_weight_get_one_label_per_line(store, owner, clerk, intake, products):
    from shopdesk.services.catalog import CatalogService, ProductDraft

    apples = CatalogService(store).create_product(owner, ProductDraft(
        sku="APPLES", name="Apples", price=299, tax_code="RED", unit="kg"))
    receipt = intake.start(clerk)
    intake.add_product(clerk, receipt, apples, Decimal("12.5"))
    intake.post(clerk, receipt)
    assert intake.label_copies(receipt) == {apples: 1}


def test_a_large_delivery_posts_in_one_go(store, clerk, intake):
    """10,000 lines (bench/ measures the time; this proves the set-based post is right)."""
    n = 10_000
    now = time_to_db(utcnow())
    with store.raw_transaction() as conn:
        tax = conn.execute("SELECT id FROM tax_rates WHERE code = 'STD'").fetchone()[0]
        (seq,) = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM products").fetchone()
        ids = [new_id() for _ in range(n)]
        conn.executemany(
            "INSERT INTO products (id, seq, sku, name, description, brand, attributes, price, cost, tax_rate_id,"
            " unit, active, options, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, '', '', '{}', 500, 100, ?, 'piece', 1, '{}', ?, ?)",
            [(pid, seq + i + 1, f"BULK-{i}", f"Bulk {i}", tax, now, now) for i, pid in enumerate(ids)])
    receipt = intake.start(clerk)
    with store.raw_transaction() as conn:
        conn.executemany(
            "INSERT INTO goods_receipt_lines (id, receipt_id, line_no, product_id, quantity, unit_cost)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(new_id(), receipt, i + 1, pid, 2000, 300) for i, pid in enumerate(ids)])
    posted = intake.post(clerk, receipt)
    assert (posted.lines_posted, posted.total_quantity, posted.total_cost) == (n, 2 * n, 600 * n)
    assert posted.cost_changes == n
    assert one(store, "SELECT COUNT(*), SUM(quantity) FROM stock_movements WHERE document_id = ?", receipt) == (
        n, 2000 * n)
    assert one(store, "SELECT COUNT(*) FROM price_changes WHERE source = 'receipt'") == (n,)
    assert one(store, "SELECT MIN(cost), MAX(cost) FROM products WHERE sku LIKE 'BULK-%'") == (300, 300)
    assert stock.verify(store) == []
