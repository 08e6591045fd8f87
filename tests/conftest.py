"""Shared fixtures: a real SQLite file per test, a demo store, staff sessions."""

from __future__ import annotations

import os
from decimal import Decimal

import argon2
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from shopdesk.services import auth, stock  # noqa: E402
from shopdesk.services.auth import AuthService  # noqa: E402
from shopdesk.services.catalog import CatalogService, ProductDraft  # noqa: E402
from shopdesk.services.demo import DEMO_STAFF, ensure_demo_store  # noqa: E402
from shopdesk.services.store_settings import till_by_code  # noqa: E402
from shopdesk.store.database import open_database  # noqa: E402
from shopdesk.store.types import new_id  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    """Argon2 with production cost takes ~50 ms a hash; tests hash hundreds."""
    auth.use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
    yield


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "shop.sqlite"


@pytest.fixture
def db(db_path):
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def store(db, tmp_path):
    """A store with demo staff, receipts printed to a file, and four products."""
    printer = tmp_path / "printer.escpos"
    ensure_demo_store(db, currency="EUR", locale="en_GB", receipt_printer=f"file:{printer}")
    return db


def login(db, username: str):
    login = next(s for s in DEMO_STAFF if s.username == username)
    return AuthService(db).login(login.username, login.password)


@pytest.fixture
def owner(store):
    return login(store, "owner")


@pytest.fixture
def manager(store):
    return login(store, "manager")


@pytest.fixture
def cashier(store):
    return login(store, "cashier")


@pytest.fixture
def clerk(store):
    return login(store, "clerk")


@pytest.fixture
def till(store):
    return till_by_code(store, None)


# Real, valid codes: EAN-13, UPC-A, EAN-8 and a Chinese product.
MILK = ProductDraft(sku="MILK-1L", name="Whole milk 1 L", price=129, tax_code="RED", barcodes=("4006381333931",))
BREAD = ProductDraft(sku="BREAD", name="Sourdough bread", price=350, tax_code="RED", barcodes=("036000291452",))
SOAP = ProductDraft(sku="SOAP", name="Dish soap 500 ml", price=249, tax_code="STD", barcodes=("96385074",))
NIUNAI = ProductDraft(sku="NIUNAI", name="牛奶 1L", price=1000, tax_code="STD", barcodes=("6901234567892",))


OPENING_STOCK = Decimal(10)


@pytest.fixture
def products(store, owner):
    """SKU → product id; each with 10 on the shop floor, received from a supplier."""
    catalog = CatalogService(store)
    ids = {draft.sku: catalog.create_product(owner, draft) for draft in (MILK, BREAD, SOAP, NIUNAI)}
    with store.unit_of_work() as s:
        supplier, floor = stock.location_id(s, "SUPPLIER"), stock.location_id(s, "FLOOR")
        stock.post_movements(
            s, [stock.Move(pid, OPENING_STOCK, supplier, floor) for pid in ids.values()],
            reason="intake", document_type="test_intake", document_id=new_id(), user_id=owner.user_id,
        )
    return ids
