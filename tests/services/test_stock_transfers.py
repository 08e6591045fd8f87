"""Transfers between the shop's locations and manual adjustments: exact, audited, all or nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shopdesk.domain.errors import NotFound, PermissionDenied, ValidationError
from shopdesk.services import stock
from shopdesk.services.stock_locations import LocationService
from shopdesk.services.stock_transfers import InsufficientStock, TransferService
from shopdesk.store.models import AuditEntry, StockMovement
from shopdesk.store.stockroom_models import StockTransfer


def balance(db, product_id: str, code: str) -> Decimal:
    with db.reader() as s:
        return stock.on_hand(s, product_id, stock.location_id(s, code))


def count(db, model) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_transfer_floor_to_back_moves_exactly_the_quantity(store, products, clerk):
    milk, soap = products["MILK-1L"], products["SOAP"]
    result = TransferService(store).transfer(
        clerk, "floor", "BACK", [(milk, Decimal(4)), (soap, Decimal("2.5"))], note="shelf reset")
    assert result.number == "TR-000001"
    assert (result.from_code, result.to_code) == ("FLOOR", "BACK")
    assert [(line.sku, line.quantity) for line in result.lines] == [("MILK-1L", 4), ("SOAP", Decimal("2.5"))]
    assert result.total_quantity == Decimal("6.5")
    assert (balance(store, milk, "FLOOR"), balance(store, milk, "BACK")) == (6, 4)
    assert (balance(store, soap, "FLOOR"), balance(store, soap, "BACK")) == (Decimal("7.5"), Decimal("2.5"))
    assert stock.verify(store) == []
    with store.reader() as s:
        doc = s.get(StockTransfer, result.id)
        assert (doc.number, doc.note, doc.user_id) == ("TR-000001", "shelf reset", clerk.user_id)
        moves = s.scalars(select(StockMovement).where(StockMovement.document_id == result.id)).all()
        assert {(m.reason, m.document_type, m.quantity) for m in moves} == {
            ("transfer", "transfer", 4), ("transfer", "transfer", Decimal("2.5"))}
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "stock.transferred"))
        assert json.loads(entry.details)["number"] == "TR-000001" and entry.user_id == clerk.user_id
    assert TransferService(store).transfer(clerk, "BACK", "FLOOR", [(milk, Decimal(1))]).number == "TR-000002"


def test_repeated_products_are_merged_into_one_line(store, products, clerk):
    milk = products["MILK-1L"]
    result = TransferService(store).transfer(clerk, "FLOOR", "BACK", [(milk, Decimal(2)), (milk, Decimal(3))])
    assert [(line.product_id, line.quantity) for line in result.lines] == [(milk, 5)]
    assert balance(store, milk, "BACK") == 5


def test_transfer_to_a_new_warehouse_and_through_transit(store, products, owner, clerk):
    LocationService(store).create_location(owner, "WH1", "Warehouse 1")
    LocationService(store).create_location(owner, "VAN", "Van", kind="transit")
    bread = products["BREAD"]
    transfers = TransferService(store)
    transfers.transfer(clerk, "FLOOR", "VAN", [(bread, Decimal(6))])
    transfers.transfer(clerk, "VAN", "WH1", [(bread, Decimal(6))])
    assert [balance(store, bread, code) for code in ("FLOOR", "VAN", "WH1")] == [4, 0, 6]
    assert stock.verify(store) == []


def test_moving_more_than_is_there_is_refused_and_nothing_is_written(store, products, clerk):
    milk, soap = products["MILK-1L"], products["SOAP"]
    transfers = TransferService(store)
    with pytest.raises(InsufficientStock) as err:
        transfers.transfer(clerk, "FLOOR", "BACK", [(milk, Decimal(3)), (soap, Decimal(8)), (soap, Decimal(3))])
    assert err.value.field == "line 2"
    assert (err.value.available, err.value.requested) == (10, 11)
    assert "Dish soap 500 ml" in str(err.value) and "Only 10" in str(err.value) and "FLOOR" in str(err.value)
    assert isinstance(err.value, ValidationError)
    assert (count(store, StockTransfer), count(store, StockMovement)) == (0, 4)  # the opening intakes only
    assert balance(store, milk, "FLOOR") == 10
    # The number given back with the rolled-back document is used by the next transfer.
    assert transfers.transfer(clerk, "FLOOR", "BACK", [(milk, Decimal(3))]).number == "TR-000001"


@pytest.mark.parametrize(("lines", "field"), [
    ([], "lines"),
    ([("MILK-1L", Decimal(1)), ("SOAP", Decimal(0))], "line 2"),
    ([("MILK-1L", Decimal(1)), ("SOAP", Decimal(1)), ("BREAD", Decimal(-2))], "line 3"),
    ([("MILK-1L", Decimal("0.0001"))], "line 1"),
    ([("MILK-1L", Decimal("NaN"))], "line 1"),
    ([("MILK-1L", Decimal(20_000_000))], "line 1"),
    ([("MILK-1L", Decimal(1)), ("no-such-product", Decimal(1))], "line 2"),
])
def test_bad_lines_are_refused_naming_the_row(store, products, clerk, lines, field):
    ids = {**products, "no-such-product": "no-such-product"}
    with pytest.raises(ValidationError) as err:
        TransferService(store).transfer(clerk, "FLOOR", "BACK", [(ids[sku], q) for sku, q in lines])
    assert err.value.field == field
    assert count(store, StockTransfer) == 0 and stock.verify(store) == []


def test_locations_must_be_real_different_and_known(store, products, clerk):
    milk = products["MILK-1L"]
    transfers = TransferService(store)
    with pytest.raises(ValidationError) as err:
        transfers.transfer(clerk, "FLOOR", "floor", [(milk, Decimal(1))])
    assert err.value.field == "to_location"
    with pytest.raises(ValidationError) as err:
        transfers.transfer(clerk, "SUPPLIER", "FLOOR", [(milk, Decimal(1))])
    assert err.value.field == "from_location" and "virtual" in str(err.value)
    with pytest.raises(ValidationError) as err:
        transfers.transfer(clerk, "FLOOR", "CUSTOMER", [(milk, Decimal(1))])
    assert err.value.field == "to_location"
    with pytest.raises(NotFound, match="WH9"):
        transfers.transfer(clerk, "FLOOR", "WH9", [(milk, Decimal(1))])
    assert count(store, StockTransfer) == 0


def test_cashiers_can_neither_transfer_nor_adjust(store, products, cashier):
    milk = products["MILK-1L"]
    with pytest.raises(PermissionDenied):
        TransferService(store).transfer(cashier, "FLOOR", "BACK", [(milk, Decimal(1))])
    with pytest.raises(PermissionDenied):
        TransferService(store).adjust(cashier, "FLOOR", milk, Decimal(-1), "lost")
    assert balance(store, milk, "FLOOR") == 10 and count(store, StockMovement) == 4


def test_found_and_lost_stock_moves_against_the_adjustment_location(store, products, clerk):
    milk = products["MILK-1L"]
    service = TransferService(store)
    found = service.adjust(clerk, "FLOOR", milk, Decimal(2), "Found", note="behind the fridge")
    assert (found.on_hand, found.reason, found.quantity_delta) == (12, "found", 2)
    lost = service.adjust(clerk, "floor", milk, Decimal(-3), "lost")
    assert lost.on_hand == 9
    assert balance(store, milk, "FLOOR") == 9 and balance(store, milk, "ADJUST") == 1
    assert balance(store, milk, "SCRAP") == 0
    assert stock.verify(store) == []
    with store.reader() as s:
        moves = s.scalars(select(StockMovement).where(StockMovement.document_type == "adjustment")).all()
        assert sorted(m.reason for m in moves) == ["found", "lost"]
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "stock.adjusted")).all()
        assert sorted(json.loads(e.details)["quantity"] for e in entries) == ["-3", "2"]
        assert any(json.loads(e.details)["note"] == "behind the fridge" for e in entries)


def test_damaged_goods_go_to_scrap(store, products, clerk):
    soap = products["SOAP"]
    TransferService(store).adjust(clerk, "FLOOR", soap, Decimal(-2), "damaged")
    assert (balance(store, soap, "FLOOR"), balance(store, soap, "SCRAP"), balance(store, soap, "ADJUST")) == (8, 2, 0)
    assert stock.verify(store) == []


def test_a_correction_goes_either_way(store, products, clerk):
    bread = products["BREAD"]
    service = TransferService(store)
    service.adjust(clerk, "FLOOR", bread, Decimal("-0.5"), "correction")
    service.adjust(clerk, "BACK", bread, Decimal(3), "correction")
    assert (balance(store, bread, "FLOOR"), balance(store, bread, "BACK")) == (Decimal("9.5"), 3)


@pytest.mark.parametrize(("delta", "reason", "field"), [
    (Decimal(0), "correction", "quantity"),
    (Decimal(2), "damaged", "quantity"),  # damaged stock leaves: the sign is checked
    (Decimal(-2), "found", "quantity"),
    (Decimal(-11), "lost", "quantity"),  # more than is there
    (Decimal("1.0005"), "correction", "quantity"),
    (Decimal(-1), "borrowed", "reason"),
    (Decimal(-1), "", "reason"),
])
def test_bad_adjustments_are_refused_and_change_nothing(store, products, clerk, delta, reason, field):
    milk = products["MILK-1L"]
    with pytest.raises(ValidationError) as err:
        TransferService(store).adjust(clerk, "FLOOR", milk, delta, reason)
    assert err.value.field == field
    assert balance(store, milk, "FLOOR") == 10 and count(store, StockMovement) == 4


def test_adjusting_a_virtual_location_or_an_unknown_product_is_refused(store, products, clerk):
    service = TransferService(store)
    with pytest.raises(ValidationError) as err:
        service.adjust(clerk, "CUSTOMER", products["MILK-1L"], Decimal(1), "found")
    assert err.value.field == "location"
    with pytest.raises(ValidationError) as err:
        service.adjust(clerk, "FLOOR", "no-such-product", Decimal(1), "found")
    assert err.value.field == "product"
    assert count(store, StockMovement) == 4
