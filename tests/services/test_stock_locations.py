"""Stock locations and bins: a warehouse is added by the owner, bins are kept per location."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from shopdesk.domain.errors import NotFound, PermissionDenied, ValidationError
from shopdesk.services.stock_locations import LocationService, LocationView
from shopdesk.store.models import AuditEntry


def test_the_store_starts_with_floor_backroom_and_the_virtual_locations(store):
    service = LocationService(store)
    codes = {view.code: view.kind for view in service.list_locations()}
    assert codes == {"FLOOR": "internal", "BACK": "internal", "SUPPLIER": "supplier", "CUSTOMER": "customer",
                     "ADJUST": "adjustment", "SCRAP": "scrap"}
    assert [v.code for v in service.list_locations(kinds=("internal",))] == ["BACK", "FLOOR"]


def test_owner_adds_a_warehouse_with_its_code_upper_cased_and_audited(store, owner):
    service = LocationService(store)
    view = service.create_location(owner, "  wh1 ", "  Warehouse   1 ")
    assert isinstance(view, LocationView)
    assert (view.code, view.name, view.kind) == ("WH1", "Warehouse 1", "internal")
    van = service.create_location(owner, "van-1", "Delivery van", kind="transit")
    assert van.kind == "transit"
    assert [v.code for v in service.list_locations(kinds=["internal", "transit"])] == ["BACK", "FLOOR", "VAN-1", "WH1"]
    with store.reader() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "location.created").limit(1))
    assert entry.user_id == owner.user_id and json.loads(entry.details)["code"] == "WH1"


@pytest.mark.parametrize(("code", "name", "kind", "field"), [
    ("", "Warehouse", "internal", "code"),
    ("WH 1", "Warehouse", "internal", "code"),
    ("X" * 33, "Warehouse", "internal", "code"),
    ("floor", "Another floor", "internal", "code"),  # taken (case does not matter)
    ("WH2", "   ", "internal", "name"),
    ("WH2", "W" * 121, "internal", "name"),
    ("WH2", "Warehouse", "supplier", "kind"),  # virtual locations come with the store
])
def test_bad_locations_are_refused_naming_the_field(store, owner, code, name, kind, field):
    service = LocationService(store)
    before = service.list_locations()
    with pytest.raises(ValidationError) as err:
        service.create_location(owner, code, name, kind)
    assert err.value.field == field
    assert service.list_locations() == before


def test_only_owners_manage_locations(store, owner, manager, clerk):
    service = LocationService(store)
    for actor in (manager, clerk):
        with pytest.raises(PermissionDenied):
            service.create_location(actor, "WH1", "Warehouse")
        with pytest.raises(PermissionDenied):
            service.rename(actor, "BACK", "Store room")
    assert service.rename(owner, "back", "Store room").name == "Store room"
    with pytest.raises(NotFound, match="NOPE"):
        service.rename(owner, "nope", "Whatever")


def test_bins_are_cleaned_changed_and_removed_per_location(store, products, clerk):
    service = LocationService(store)
    milk = products["MILK-1L"]
    assert service.set_bin(clerk, milk, "FLOOR", "  a3-02 ") == "A3-02"
    assert service.bin_of(milk, "FLOOR") == "A3-02"
    assert service.bin_of(milk, "BACK") is None
    service.set_bin(clerk, milk, "BACK", "R1")
    assert service.set_bin(clerk, milk, "FLOOR", "b1") == "B1"
    assert (service.bin_of(milk, "FLOOR"), service.bin_of(milk, "BACK")) == ("B1", "R1")
    assert service.set_bin(clerk, milk, "FLOOR", "  ") is None
    assert service.bin_of(milk, "FLOOR") is None and service.bin_of(milk, "BACK") == "R1"


def test_bad_bins_are_refused(store, products, clerk, cashier):
    service = LocationService(store)
    milk = products["MILK-1L"]
    with pytest.raises(ValidationError) as err:
        service.set_bin(clerk, milk, "FLOOR", "X" * 33)
    assert err.value.field == "bin"
    with pytest.raises(ValidationError, match="virtual location"):
        service.set_bin(clerk, milk, "SUPPLIER", "A1")
    with pytest.raises(NotFound):
        service.set_bin(clerk, "no-such-product", "FLOOR", "A1")
    with pytest.raises(PermissionDenied):
        service.set_bin(cashier, milk, "FLOOR", "A1")
    assert service.bin_of(milk, "FLOOR") is None
