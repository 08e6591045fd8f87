"""Store settings: owners change them, the change is audited, bad printer specs are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shopdesk.domain.errors import PermissionDenied, ValidationError
from shopdesk.services.store_settings import store_info, till_by_code, update_store
from shopdesk.store.models import AuditEntry


def test_owner_changes_details_and_printer_audited(store, owner):
    info = update_store(store, owner, name="Corner Market Ltd", receipt_printer="network:127.0.0.1:9100")
    assert info.name == "Corner Market Ltd" and info.receipt_printer == "network:127.0.0.1:9100"
    with store.reader() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "settings.changed"))
    assert entry.user_id == owner.user_id and "Corner Market" in entry.details


def test_manager_and_cashier_may_not_change_settings(store, manager, cashier):
    for actor in (manager, cashier):
        with pytest.raises(PermissionDenied):
            update_store(store, actor, name="Mine now")
    assert store_info(store).name == "Corner Market"


@pytest.mark.parametrize("spec", ["printer", "network:", "network:host:99999", "usb:zz:1", "ftp:x"])
def test_malformed_printer_spec_names_the_field_and_changes_nothing(store, owner, spec):
    before = store_info(store)
    with pytest.raises(ValidationError) as err:
        update_store(store, owner, name="Renamed", receipt_printer=spec)
    assert err.value.field == "receipt_printer"
    assert store_info(store) == before


def test_empty_name_is_refused(store, owner):
    with pytest.raises(ValidationError) as err:
        update_store(store, owner, name="   ")
    assert err.value.field == "name"


def test_till_by_code(store):
    assert till_by_code(store, None).code == "T1"
    assert till_by_code(store, "t1").name == "Till 1"
    with pytest.raises(Exception, match="No till has the code T9"):
        till_by_code(store, "T9")
