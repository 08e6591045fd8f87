"""Suppliers: the clerk's address book of who delivers."""

from __future__ import annotations

import pytest

from shopdesk.domain.errors import NotFound, PermissionDenied, ValidationError
from shopdesk.services.suppliers import SupplierDraft, SupplierService


def count_suppliers(db) -> int:
    with db.raw_reader() as conn:
        return conn.execute("SELECT COUNT(*) FROM suppliers").fetchone()[0]


def test_create_and_read_back_a_supplier(store, clerk):
    service = SupplierService(store)
    sid = service.create(clerk, SupplierDraft(" ACME ", " Acme Dairy ", contact="Ann", phone="+44 1234",
                                              email="orders@acme.example", address="1 Farm Lane"))
    view = service.get(sid)
    assert (view.code, view.name, view.contact, view.phone, view.email, view.active) == (
        "ACME", "Acme Dairy", "Ann", "+44 1234", "orders@acme.example", True)
    assert view.address == "1 Farm Lane"


def test_code_must_be_unique_whatever_its_case(store, clerk):
    service = SupplierService(store)
    service.create(clerk, SupplierDraft("ACME", "Acme Dairy"))
    with pytest.raises(ValidationError) as err:
        service.create(clerk, SupplierDraft("acme", "Another Acme"))
    assert err.value.field == "code"
    assert "Acme Dairy" in str(err.value)
    assert count_suppliers(store) == 1


@pytest.mark.parametrize(("draft", "field"), [
    (SupplierDraft("", "Acme"), "code"),
    (SupplierDraft("ACME", "  "), "name"),
    (SupplierDraft("X" * 33, "Acme"), "code"),
    (SupplierDraft("ACME", "Acme", email="orders at acme"), "email"),
    (SupplierDraft("ACME", "Acme", email="orders@acme"), "email"),
])
def test_bad_input_names_the_field_and_writes_nothing(store, clerk, draft, field):
    with pytest.raises(ValidationError) as err:
        SupplierService(store).create(clerk, draft)
    assert err.value.field == field
    assert count_suppliers(store) == 0


def test_cashier_may_not_add_suppliers(store, cashier):
    with pytest.raises(PermissionDenied):
        SupplierService(store).create(cashier, SupplierDraft("ACME", "Acme"))
    assert count_suppliers(store) == 0


def test_update_keeps_codes_unique(store, clerk):
    service = SupplierService(store)
    acme = service.create(clerk, SupplierDraft("ACME", "Acme Dairy"))
    service.create(clerk, SupplierDraft("BAKE", "Best Bakery"))
    service.update(clerk, acme, SupplierDraft("ACME", "Acme Dairy Ltd", phone="555"))
    assert (service.get(acme).name, service.get(acme).phone) == ("Acme Dairy Ltd", "555")
    with pytest.raises(ValidationError):
        service.update(clerk, acme, SupplierDraft("BAKE", "Acme Dairy Ltd"))
    assert service.get(acme).code == "ACME"


def test_deactivated_suppliers_leave_the_picker_but_stay_readable(store, clerk):
    service = SupplierService(store)
    acme = service.create(clerk, SupplierDraft("ACME", "Acme Dairy"))
    service.create(clerk, SupplierDraft("BAKE", "Best Bakery", contact="Bob"))
    service.deactivate(clerk, acme)
    assert [v.code for v in service.list()] == ["BAKE"]
    assert [v.code for v in service.list(active_only=False)] == ["ACME", "BAKE"]
    assert service.get(acme).active is False
    service.reactivate(clerk, acme)
    assert [v.code for v in service.list()] == ["ACME", "BAKE"]


def test_search_matches_code_name_or_contact_literally(store, clerk):
    service = SupplierService(store)
    service.create(clerk, SupplierDraft("ACME", "Acme Dairy"))
    service.create(clerk, SupplierDraft("BAKE", "Best Bakery", contact="Bob"))
    assert [v.code for v in service.list("dairy")] == ["ACME"]
    assert [v.code for v in service.list("bob")] == ["BAKE"]
    assert [v.code for v in service.list("ba")] == ["BAKE"]
    assert service.list("%") == []


def test_unknown_supplier(store, clerk):
    with pytest.raises(NotFound):
        SupplierService(store).get("no-such-id")
    with pytest.raises(NotFound):
        SupplierService(store).deactivate(clerk, "no-such-id")
