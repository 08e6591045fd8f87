"""Stock views: on hand per location, a product's history, low stock with what is on order,
and the value of the stock at moving-average cost."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from shopdesk.domain.errors import NotFound, PermissionDenied, ValidationError
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.stock_locations import LocationService
from shopdesk.services.stock_transfers import TransferService
from shopdesk.services.stock_views import StockViews, milli_value
from shopdesk.store.models import Location, Product, StockMovement
from shopdesk.store.stockroom_models import PurchaseOrder, PurchaseOrderLine, Supplier
from shopdesk.store.types import utcnow


def set_product(db, product_id: str, **values) -> None:
    with db.unit_of_work() as s:
        s.execute(update(Product).where(Product.id == product_id).values(**values))


def test_on_hand_lists_non_zero_balances_by_sku_with_bins_and_value(store, products, clerk):
    set_product(store, products["MILK-1L"], cost=85)
    TransferService(store).transfer(clerk, "FLOOR", "BACK", [(products["MILK-1L"], Decimal(3))])
    TransferService(store).transfer(clerk, "FLOOR", "BACK", [(products["SOAP"], Decimal(10))])
    LocationService(store).set_bin(clerk, products["MILK-1L"], "BACK", "r2")
    page = StockViews(store).on_hand_page()
    assert [(r.sku, r.location_code, r.quantity, r.bin) for r in page.rows] == [
        ("BREAD", "FLOOR", 10, None),
        ("MILK-1L", "BACK", 3, "R2"),
        ("MILK-1L", "FLOOR", 7, None),
        ("NIUNAI", "FLOOR", 10, None),
        ("SOAP", "BACK", 10, None),  # the floor's zero balance is not listed
    ]
    milk_floor = page.rows[2]
    assert (milk_floor.unit_cost, milk_floor.value) == (85, 595)
    assert page.next_key is None
    back = StockViews(store).on_hand_page("back")
    assert [(r.sku, r.quantity) for r in back.rows] == [("MILK-1L", 3), ("SOAP", 10)]


def test_on_hand_pages_by_name_without_gaps_or_repeats(store, products, clerk):
    for pid in products.values():
        TransferService(store).transfer(clerk, "FLOOR", "BACK", [(pid, Decimal(1))])
    views = StockViews(store)
    every = views.on_hand_page(sort="name", limit=1000).rows
    assert len(every) == 8
    assert [r.name for r in every] == sorted(r.name for r in every)
    seen, after = [], None
    while True:
        page = views.on_hand_page(sort="name", after=after, limit=3)
        seen.extend(page.rows)
        if page.next_key is None:
            break
        after = page.next_key
    assert seen == list(every)


def test_on_hand_search_by_barcode_sku_or_words(store, products):
    views = StockViews(store)
    assert [r.sku for r in views.on_hand_page(search="4006381333931").rows] == ["MILK-1L"]
    assert [r.sku for r in views.on_hand_page(search="soap").rows] == ["SOAP"]
    assert views.on_hand_page(search="no such thing at all").rows == ()
    with pytest.raises(ValidationError):
        views.on_hand_page(sort="price")
    with pytest.raises(NotFound):
        views.on_hand_page("WH9")


def test_total_for_product_lists_each_location(store, products, owner, clerk):
    LocationService(store).create_location(owner, "VAN", "Van", kind="transit")
    bread = products["BREAD"]
    TransferService(store).transfer(clerk, "FLOOR", "VAN", [(bread, Decimal(4))])
    set_product(store, bread, cost=200)
    where = StockViews(store).total_for_product(bread)
    assert [(w.location_code, w.kind, w.quantity, w.value) for w in where] == [
        ("FLOOR", "internal", 6, 1200), ("VAN", "transit", 4, 800)]


def test_history_shows_transfer_number_sale_receipt_signed_quantities_and_balances(
        store, products, clerk, cashier, till):
    milk = products["MILK-1L"]
    transfer = TransferService(store).transfer(clerk, "FLOOR", "BACK", [(milk, Decimal(4))])
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, "4006381333931")
    sale = checkout.pay_cash(cashier, till.till_id, 1000)
    TransferService(store).adjust(clerk, "BACK", milk, Decimal(-1), "damaged")

    views = StockViews(store)
    internal = views.movement_history(milk).rows
    assert [(r.reason, r.document_number, r.from_code, r.to_code, r.quantity, r.balance) for r in internal] == [
        ("damaged", None, "BACK", "SCRAP", -1, 8),
        ("sale", sale.receipt_number, "FLOOR", "CUSTOMER", -1, 9),
        ("transfer", transfer.number, "FLOOR", "BACK", 0, 10),  # still in the shop
        ("intake", None, "SUPPLIER", "FLOOR", 10, 10),
    ]
    assert internal[0].user_name == "Chris Clerk" and internal[1].user_name == "Casey Cashier"
    assert internal[2].document_type == "transfer" and internal[2].document_id == transfer.id

    floor = views.movement_history(milk, location_code="FLOOR").rows
    assert [(r.reason, r.quantity, r.balance) for r in floor] == [
        ("sale", -1, 5), ("transfer", -4, 6), ("intake", 10, 10)]
    back = views.movement_history(milk, location_code="BACK").rows
    assert [(r.reason, r.quantity, r.balance) for r in back] == [("damaged", -1, 3), ("transfer", 4, 4)]
    only_sales = views.movement_history(milk, reason="sale").rows
    assert [(r.reason, r.balance) for r in only_sales] == [("sale", None)]
    assert views.movement_history(milk, since=utcnow() + timedelta(hours=1)).rows == ()
    assert len(views.movement_history(milk, until=utcnow() + timedelta(hours=1)).rows) == 4


def test_history_pages_newest_first_without_gaps_or_repeats(store, products, clerk):
    soap = products["SOAP"]
    transfers = TransferService(store)
    for _ in range(6):
        transfers.transfer(clerk, "FLOOR", "BACK", [(soap, Decimal(1))])
        transfers.adjust(clerk, "BACK", soap, Decimal(1), "found")
    # Some movements share a timestamp: the id breaks the tie.
    with store.unit_of_work() as s:
        s.execute(update(StockMovement).where(StockMovement.reason == "found").values(created_at=utcnow()))
    views = StockViews(store)
    every = views.movement_history(soap, location_code="BACK", limit=1000).rows
    assert len(every) == 12
    assert [(r.created_at, r.id) for r in every] == sorted(((r.created_at, r.id) for r in every), reverse=True)
    pages, before = [], None
    while True:
        page = views.movement_history(soap, location_code="BACK", before=before, limit=5)
        pages.append(page.rows)
        if page.next_key is None:
            break
        before = page.next_key
    assert [len(p) for p in pages] == [5, 5, 2]
    flat = [row for page in pages for row in page]
    assert flat == list(every)
    # Running balances continue across pages and end at the balance.
    assert flat[0].balance == 12 and flat[-1].balance == flat[-1].quantity


def add_purchase_order(db, user_id: str, product_id: str, quantity: Decimal, received: Decimal = Decimal(0),
                       status: str = "open", location: str = "FLOOR", number: str = "PO-000001") -> None:
    with db.unit_of_work() as s:
        supplier = s.query(Supplier).filter_by(code="ACME").one_or_none()
        if supplier is None:
            supplier = Supplier(code="ACME", name="Acme Wholesale")
            s.add(supplier)
            s.flush()
        loc = s.query(Location).filter_by(code=location).one()
        order = PurchaseOrder(number=number, supplier_id=supplier.id, location_id=loc.id, status=status,
                              created_by_id=user_id)
        s.add(order)
        s.flush()
        s.add(PurchaseOrderLine(purchase_order_id=order.id, line_no=1, product_id=product_id, quantity=quantity,
                                unit_cost=50, received=received))


def test_low_stock_counts_what_open_purchase_orders_still_bring(store, products, owner, clerk):
    milk, bread, soap, niunai = (products[k] for k in ("MILK-1L", "BREAD", "SOAP", "NIUNAI"))
    set_product(store, milk, reorder_point=Decimal(12), max_stock=Decimal(30))  # 10 + 1 ≤ 12: low
    set_product(store, bread, reorder_point=Decimal(12))  # 10 + 4 on order > 12: fine
    set_product(store, soap, reorder_point=Decimal(10))  # 10 ≤ 10: low, order up to 20
    set_product(store, niunai, reorder_point=Decimal(5))  # plenty
    add_purchase_order(store, owner.user_id, bread, Decimal(6), received=Decimal(2))
    add_purchase_order(store, owner.user_id, milk, Decimal(50), status="cancelled", number="PO-000002")
    add_purchase_order(store, owner.user_id, milk, Decimal(1), number="PO-000003")
    rows = StockViews(store).low_stock().rows
    assert [(r.sku, r.on_hand, r.on_order, r.reorder_point, r.suggested) for r in rows] == [
        ("SOAP", 10, 0, 10, 10),
        ("MILK-1L", 10, 1, 12, 19),  # "Whole milk" sorts after "Dish soap"; up to 30
    ]
    assert rows[1].max_stock == 30
    # The back room on its own is empty: everything with a reorder point is low there.
    back = StockViews(store).low_stock("BACK").rows
    assert {r.sku: r.on_order for r in back} == {"SOAP": 0, "MILK-1L": 0, "BREAD": 0, "NIUNAI": 0}
    # An inactive product is not reordered.
    set_product(store, soap, active=False)
    assert [r.sku for r in StockViews(store).low_stock().rows] == ["MILK-1L"]


def test_low_stock_pages_by_name(store, products):
    for pid in products.values():
        set_product(store, pid, reorder_point=Decimal(100))
    views = StockViews(store)
    every = views.low_stock().rows
    assert len(every) == 4
    first = views.low_stock(limit=3)
    second = views.low_stock(limit=3, after=first.next_key)
    assert first.rows + second.rows == every and second.next_key is None


def test_low_stock_walks_the_partial_reorder_index(store, products):
    conn = sqlite3.connect(store.path)
    try:
        from shopdesk.services import stock_views

        sql = stock_views._LOW_STOCK.format(on_hand_where="l.kind = 'internal'", order_where="", after="")
        plan = " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, (10,)))
    finally:
        conn.close()
    assert "ix_products_reorder_name_seq" in plan and "TEMP B-TREE" not in plan


def test_valuation_per_location_and_total_at_moving_average_cost(store, products, clerk, manager, cashier):
    costs = {"MILK-1L": 85, "BREAD": 210, "SOAP": 133, "NIUNAI": 640}
    for sku, cost in costs.items():
        set_product(store, products[sku], cost=cost)
    TransferService(store).transfer(clerk, "FLOOR", "BACK", [(products["SOAP"], Decimal("2.5"))])
    valuation = StockViews(store).valuation(manager)
    floor = 10 * (85 + 210 + 640) + 7.5 * 133  # 9350 + 997.5
    assert [(v.code, v.quantity, v.value, v.product_count) for v in valuation.per_location] == [
        ("BACK", Decimal("2.5"), 333, 1),  # 332.5 rounds half up
        ("FLOOR", Decimal("37.5"), 10348, 4),
    ]
    assert floor == 10347.5
    assert valuation.total_value == 10680  # 332.5 + 10347.5, rounded once
    assert valuation.product_count == 4
    back_only = StockViews(store).valuation(manager, "BACK")
    assert (back_only.total_value, back_only.product_count) == (333, 1)
    with pytest.raises(PermissionDenied):  # what the shop paid is not for the counter
        StockViews(store).valuation(cashier)


def test_valuation_falls_back_to_exact_python_sums_past_64_bits(store, products, manager):
    huge = 2**62
    set_product(store, products["MILK-1L"], cost=huge)
    set_product(store, products["BREAD"], cost=huge)
    valuation = StockViews(store).valuation(manager)
    expected = milli_value(2 * 10_000 * huge, 1)
    assert valuation.total_value == expected and valuation.total_value > 2**63
    assert {v.code: v.value for v in valuation.per_location} == {"BACK": 0, "FLOOR": expected}


def test_milli_value_rounds_half_up_away_from_zero():
    assert [milli_value(q, 1) for q in (499, 500, 1500, -500, -499)] == [0, 1, 2, -1, 0]
