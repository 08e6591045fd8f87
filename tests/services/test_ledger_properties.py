"""Property: whatever mix of deliveries, goods receipts, sales, returns, transfers,
adjustments and stocktakes (with sales while counting) happens, the stock ledger stays whole.

After every step of a random sequence: the cached balances equal the ledger
(``stock.verify``), per product the balances over all locations add up to zero (stock is
only ever moved, never created or lost), and what is on hand at each shop location matches
a simple model kept by the test. Refused operations (moving more than is there) must change
nothing at all.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from shopdesk.services import stock
from shopdesk.services.catalog import CatalogService
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.demo import ensure_demo_store
from shopdesk.services.goods_intake import GoodsIntakeService
from shopdesk.services.stock_transfers import InsufficientStock, TransferService
from shopdesk.services.stocktake import StocktakeService, StocktakeSpec
from shopdesk.services.store_settings import till_by_code
from shopdesk.store.database import open_database
from shopdesk.store.models import Location, StockBalance
from shopdesk.store.types import new_id
from tests.conftest import BREAD, MILK, SOAP, login

PRODUCTS = ("MILK-1L", "BREAD", "SOAP")
SHOP = ("FLOOR", "BACK")


@functools.cache
def template() -> tuple[Path, dict, dict, str]:
    """One migrated demo store with three products, copied for every example (fast)."""
    folder = Path(tempfile.mkdtemp(prefix="shopdesk-ledger-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "template.sqlite"
    db = open_database(path)
    try:
        ensure_demo_store(db)
        staff = {name: login(db, name) for name in ("owner", "manager", "clerk", "cashier")}
        catalog = CatalogService(db)
        ids = {draft.sku: catalog.create_product(staff["owner"], draft) for draft in (MILK, BREAD, SOAP)}
        till_id = till_by_code(db, None).till_id
    finally:
        db.close()
    return path, staff, ids, till_id


quantities = st.integers(min_value=1, max_value=20_000).map(lambda milli: Decimal(milli) / 1000)
products = st.sampled_from(PRODUCTS)
shop_locations = st.sampled_from(SHOP)

operations = st.one_of(
    st.tuples(st.just("intake"), products, shop_locations, quantities),
    st.tuples(st.just("sale"), products, st.integers(min_value=1, max_value=3)),
    st.tuples(st.just("transfer"), products, shop_locations, quantities),
    st.tuples(st.just("adjust"), products, shop_locations, quantities,
              st.sampled_from(["damaged", "lost", "found", "correction+", "correction-"])),
    st.tuples(st.just("receive"), products, shop_locations, quantities, st.integers(min_value=0, max_value=500)),
    st.tuples(st.just("return"), products, st.integers(min_value=1, max_value=3)),
    # count one product at a location; sell some on the floor before and after it is counted
    st.tuples(st.just("count"), products, shop_locations, st.integers(min_value=0, max_value=30),
              st.integers(min_value=0, max_value=2), st.integers(min_value=0, max_value=2)),
)


def check_ledger(db, ids: dict, model: dict) -> None:
    assert stock.verify(db) == []
    with db.reader() as s:
        totals = dict(s.execute(select(StockBalance.product_id, func.sum(StockBalance.quantity))
                                .group_by(StockBalance.product_id)).all())
        assert all(total == 0 for total in totals.values()), totals
        for sku, pid in ids.items():
            for code in SHOP:
                assert stock.on_hand(s, pid, stock.location_id(s, code)) == model[(sku, code)], (sku, code)
        internal = dict(s.execute(
            select(StockBalance.product_id, func.sum(StockBalance.quantity))
            .join(Location, Location.id == StockBalance.location_id)
            .where(Location.kind == "internal").group_by(StockBalance.product_id)).all())
        for sku, pid in ids.items():
            assert internal.get(pid, 0) == model[(sku, "FLOOR")] + model[(sku, "BACK")]


def sell(db, staff: dict, till_id: str, sku: str, count: int, model: dict) -> None:
    if not count:
        return
    checkout = CheckoutService(db)
    for _ in range(count):
        checkout.scan(staff["cashier"], till_id, sku)
    checkout.pay_cash(staff["cashier"], till_id, 1_000_000)
    model[(sku, "FLOOR")] -= count  # sold from the floor, even past zero


def apply(db, op: tuple, staff: dict, ids: dict, till_id: str, model: dict) -> None:
    kind, sku, *rest = op
    pid = ids[sku]
    if kind == "receive":
        code, quantity, unit_cost = rest
        intake = GoodsIntakeService(db)
        receipt = intake.start(staff["clerk"], location_code=code)
        intake.add_product(staff["clerk"], receipt, pid, quantity)
        intake.set_unit_cost(staff["clerk"], receipt, pid, unit_cost)
        intake.post(staff["clerk"], receipt)
        model[(sku, code)] += quantity
    elif kind == "return":  # what a refund at the counter will do: customer → shop floor
        (count,) = rest
        with db.unit_of_work() as s:
            stock.post_movements(
                s, [stock.Move(pid, Decimal(count), stock.location_id(s, "CUSTOMER"), stock.location_id(s, "FLOOR"))],
                reason="return", document_type="test_return", document_id=new_id(), user_id=staff["cashier"].user_id)
        model[(sku, "FLOOR")] += count
    elif kind == "count":
        code, counted, sold_before, sold_after = rest
        counts = StocktakeService(db)
        st_id = counts.start(staff["clerk"], StocktakeSpec(code))
        sell(db, staff, till_id, sku, sold_before, model)
        counts.count_product(staff["clerk"], st_id, pid, Decimal(counted)) if counted else \
            counts.set_count(staff["clerk"], st_id, pid, 0)
        sell(db, staff, till_id, sku, sold_after, model)
        counts.post(staff["manager"], st_id, uncounted="keep")
        # the count was right at its moment; what sold after it stays sold
        model[(sku, code)] = Decimal(counted) - (sold_after if code == "FLOOR" else 0)
    elif kind == "intake":
        code, quantity = rest
        with db.unit_of_work() as s:
            stock.post_movements(
                s, [stock.Move(pid, quantity, stock.location_id(s, "SUPPLIER"), stock.location_id(s, code))],
                reason="intake", document_type="test_intake", document_id=new_id(), user_id=staff["clerk"].user_id)
        model[(sku, code)] += quantity
    elif kind == "sale":
        (count,) = rest
        sell(db, staff, till_id, sku, count, model)
    elif kind == "transfer":
        source, quantity = rest
        target = "BACK" if source == "FLOOR" else "FLOOR"
        if model[(sku, source)] < quantity:
            try:
                TransferService(db).transfer(staff["clerk"], source, target, [(pid, quantity)])
            except InsufficientStock:
                return
            raise AssertionError(f"moving {quantity} of {model[(sku, source)]} was not refused")
        TransferService(db).transfer(staff["clerk"], source, target, [(pid, quantity)])
        model[(sku, source)] -= quantity
        model[(sku, target)] += quantity
    elif kind == "adjust":
        code, quantity, reason = rest
        delta = quantity if reason in ("found", "correction+") else -quantity
        if delta < 0 and model[(sku, code)] < -delta:
            try:
                TransferService(db).adjust(staff["clerk"], code, pid, delta, reason.rstrip("+-"))
            except InsufficientStock:
                return
            raise AssertionError(f"removing {-delta} of {model[(sku, code)]} was not refused")
        result = TransferService(db).adjust(staff["clerk"], code, pid, delta, reason.rstrip("+-"))
        model[(sku, code)] += delta
        assert result.on_hand == model[(sku, code)]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, min_size=1, max_size=14))
def test_the_ledger_stays_whole_through_any_sequence_of_operations(ops):
    path, staff, ids, till_id = template()
    with tempfile.TemporaryDirectory(prefix="shopdesk-ledger-example-") as folder:
        copy = Path(folder) / "shop.sqlite"
        for suffix in ("", "-wal"):  # closing checkpoints the WAL; copy it should one remain
            if Path(f"{path}{suffix}").exists():
                shutil.copyfile(f"{path}{suffix}", f"{copy}{suffix}")
        db = open_database(copy)
        try:
            model: dict = defaultdict(Decimal)
            check_ledger(db, ids, model)
            for op in ops:
                apply(db, op, staff, ids, till_id, model)
                check_ledger(db, ids, model)
        finally:
            db.close()
