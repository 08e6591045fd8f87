"""Purchase orders: what was ordered, what is still to come, and when an order may be cancelled."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopdesk.domain.errors import NotFound, PermissionDenied, StateError, ValidationError
from shopdesk.services.goods_intake import GoodsIntakeService
from shopdesk.services.purchasing import PurchaseOrderLineDraft as Line
from shopdesk.services.purchasing import PurchaseOrderService
from shopdesk.services.suppliers import SupplierDraft, SupplierService


@pytest.fixture
def supplier(store, manager):
    return SupplierService(store).create(manager, SupplierDraft("ACME", "Acme Wholesale"))


def count(db, table: str) -> int:
    with db.raw_reader() as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_create_order_and_read_its_lines(store, manager, supplier, products):
    service = PurchaseOrderService(store)
    po = service.create(manager, supplier, [
        Line(products["MILK-1L"], Decimal(24), 80),
        Line(products["BREAD"], Decimal("2.5"), 150),
    ], note="weekly")
    view = service.detail(po)
    assert view.number == "PO-000001"
    assert (view.supplier_name, view.status, view.location_code, view.note) == ("Acme Wholesale", "open", "BACK", "weekly")
    assert [(ln.sku, ln.ordered, ln.received, ln.outstanding, ln.unit_cost) for ln in view.lines] == [
        ("MILK-1L", Decimal(24), Decimal(0), Decimal(24), 80),
        ("BREAD", Decimal("2.5"), Decimal(0), Decimal("2.5"), 150),
    ]
    assert view.total_cost == 24 * 80 + 375
    assert service.create(manager, supplier, [Line(products["SOAP"], Decimal(1), 1)]) != po
    assert [o.number for o in service.list_orders()] == ["PO-000002", "PO-000001"]


def test_clerks_may_receive_but_not_order(store, clerk, supplier, products):
    with pytest.raises(PermissionDenied):
        PurchaseOrderService(store).create(clerk, supplier, [Line(products["MILK-1L"], Decimal(1), 80)])
    assert count(store, "purchase_orders") == 0


def test_a_product_twice_is_refused_naming_both_lines(store, manager, supplier, products):
    with pytest.raises(ValidationError) as err:
        PurchaseOrderService(store).create(manager, supplier, [
            Line(products["MILK-1L"], Decimal(5), 80),
            Line(products["BREAD"], Decimal(5), 150),
            Line(products["MILK-1L"], Decimal(3), 80),
        ])
    assert "Line 3" in str(err.value) and "MILK-1L" in str(err.value) and "line 1" in str(err.value)
    assert count(store, "purchase_orders") == 0
    assert count(store, "purchase_order_lines") == 0


@pytest.mark.parametrize(("quantity", "unit_cost", "field"), [
    (Decimal(-2), 80, "lines[2].quantity"),
    (Decimal(0), 80, "lines[2].quantity"),
    (Decimal(50_000_000), 80, "lines[2].quantity"),
    (Decimal("1.0001"), 80, "lines[2].quantity"),
    (Decimal(1), -5, "lines[2].unit_cost"),
])
def test_bad_lines_are_refused_naming_the_line(store, manager, supplier, products, quantity, unit_cost, field):
    with pytest.raises(ValidationError) as err:
        PurchaseOrderService(store).create(manager, supplier, [
            Line(products["MILK-1L"], Decimal(5), 80), Line(products["BREAD"], quantity, unit_cost)])
    assert err.value.field == field
    assert "Line 2 (BREAD)" in str(err.value)
    assert count(store, "purchase_orders") == 0


def test_empty_order_unknown_product_and_wrong_location(store, manager, supplier, products):
    service = PurchaseOrderService(store)
    with pytest.raises(ValidationError):
        service.create(manager, supplier, [])
    with pytest.raises(NotFound):
        service.create(manager, supplier, [Line("no-such-product", Decimal(1), 1)])
    with pytest.raises(ValidationError) as err:
        service.create(manager, supplier, [Line(products["SOAP"], Decimal(1), 1)], location_code="CUSTOMER")
    assert err.value.field == "location_code"
    with pytest.raises(NotFound):
        service.create(manager, "no-such-supplier", [Line(products["SOAP"], Decimal(1), 1)])
    assert count(store, "purchase_orders") == 0
    # A refused order gives its number back: the next one is still PO-000001.
    po = service.create(manager, supplier, [Line(products["SOAP"], Decimal(1), 1)], location_code="FLOOR")
    assert (service.detail(po).number, service.detail(po).location_code) == ("PO-000001", "FLOOR")


def test_cannot_order_from_a_deactivated_supplier(store, manager, supplier, products):
    SupplierService(store).deactivate(manager, supplier)
    with pytest.raises(StateError):
        PurchaseOrderService(store).create(manager, supplier, [Line(products["SOAP"], Decimal(1), 1)])


def test_cancel_an_order_nothing_was_received_of(store, manager, supplier, products):
    service = PurchaseOrderService(store)
    po = service.create(manager, supplier, [Line(products["SOAP"], Decimal(6), 100)])
    service.cancel(manager, po)
    assert service.detail(po).status == "cancelled"
    assert service.list_orders() == []
    assert [o.status for o in service.list_orders(status=None)] == ["cancelled"]
    assert service.on_order() == {}
    with pytest.raises(StateError):
        service.cancel(manager, po)


def test_cancel_refused_once_goods_arrived_or_are_being_received(store, manager, clerk, supplier, products):
    service, intake = PurchaseOrderService(store), GoodsIntakeService(store)
    po = service.create(manager, supplier, [Line(products["SOAP"], Decimal(6), 100)])
    receipt = intake.start(clerk, purchase_order_id=po)
    intake.scan(clerk, receipt, "96385074")
    with pytest.raises(StateError) as err:
        service.cancel(manager, po)
    assert "GR-000001" in str(err.value)
    intake.post(clerk, receipt)
    with pytest.raises(StateError) as err:
        service.cancel(manager, po)
    assert "already been received" in str(err.value)
    assert service.detail(po).status == "open"


def test_on_order_sums_what_is_outstanding_on_open_orders(store, manager, clerk, supplier, products):
    service, intake = PurchaseOrderService(store), GoodsIntakeService(store)
    milk, bread, soap = products["MILK-1L"], products["BREAD"], products["SOAP"]
    po1 = service.create(manager, supplier, [Line(milk, Decimal(10), 80), Line(bread, Decimal(4), 150)])
    service.create(manager, supplier, [Line(milk, Decimal(5), 80)])
    cancelled = service.create(manager, supplier, [Line(soap, Decimal(50), 80)])
    service.cancel(manager, cancelled)
    receipt = intake.start(clerk, purchase_order_id=po1)
    intake.set_quantity(clerk, receipt, milk, Decimal(3))
    intake.set_quantity(clerk, receipt, bread, Decimal(9))  # more than ordered: nothing outstanding
    intake.post(clerk, receipt)
    assert service.on_order() == {milk: Decimal(12)}
    assert service.on_order([bread, soap]) == {}
    assert service.on_order([milk]) == {milk: Decimal(12)}
    summary = next(o for o in service.list_orders() if o.id == po1)
    assert (summary.supplier_name, summary.line_count, summary.ordered, summary.received) == (
        "Acme Wholesale", 2, Decimal(14), Decimal(12))


def test_list_orders_filters_by_supplier(store, manager, supplier, products):
    service = PurchaseOrderService(store)
    other = SupplierService(store).create(manager, SupplierDraft("BAKE", "Best Bakery"))
    service.create(manager, supplier, [Line(products["SOAP"], Decimal(1), 1)])
    service.create(manager, other, [Line(products["BREAD"], Decimal(1), 1)])
    assert [o.supplier_name for o in service.list_orders(supplier_id=other)] == ["Best Bakery"]
    with pytest.raises(ValidationError):
        service.list_orders(status="sent")
