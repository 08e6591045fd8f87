"""Editing the catalog: price history, barcode and SKU checks, variants, category paths."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from shopdesk.domain.errors import PermissionDenied, ValidationError
from shopdesk.domain.gtin import is_valid_gtin
from shopdesk.services.catalog import CatalogService, ProductDraft
from shopdesk.services.catalog_browse import CatalogBrowser, CatalogFilter
from shopdesk.services.checkout import CheckoutService
from shopdesk.store.models import AuditEntry

TEE = ProductDraft(sku="TEE", name="Cotton T-shirt", price=1500, cost=600, tax_code="STD",
                   category="Clothing > Shirts", brand="Northfield", reorder_point=Decimal(5))


def test_price_change_is_kept_as_history_and_audited(store, owner, manager):
    catalog = CatalogService(store)
    pid = catalog.create_product(owner, TEE)
    catalog.update_product(manager, pid, replace(TEE, price=1299))
    catalog.update_product(manager, pid, replace(TEE, price=1299, name="Cotton tee"))  # no price change
    history = catalog.price_history(pid)
    assert [(h.old_price, h.new_price, h.user, h.source) for h in history] == [
        (1500, 1299, "Max Manager", "edit"), (None, 1500, "Olivia Owner", "create")]
    with store.reader() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "catalog.price_changed"))
    assert entry.user_id == manager.user_id and json.loads(entry.details)["new_price"] == 1299


def test_cashiers_and_clerks_cannot_edit_the_catalog(store, owner, cashier, clerk):
    pid = CatalogService(store).create_product(owner, TEE)
    for actor in (cashier, clerk):
        with pytest.raises(PermissionDenied):
            CatalogService(store).update_product(actor, pid, replace(TEE, price=1))


def test_edit_refuses_a_barcode_of_another_product_and_changes_nothing(store, owner, products):
    catalog = CatalogService(store)
    pid = catalog.create_product(owner, TEE)
    with pytest.raises(ValidationError, match="already belongs to Whole milk") as err:
        catalog.update_product(owner, pid, replace(TEE, price=1, barcodes=("4006381333931",)))
    assert err.value.field == "barcodes"
    assert catalog.detail(pid).draft.price == 1500


def test_category_is_a_tree_path(store, owner):
    catalog = CatalogService(store)
    pid = catalog.create_product(owner, TEE)
    assert catalog.detail(pid).draft.category == "Clothing > Shirts"
    assert [path for _, path in catalog.categories()][:2] == ["Clothing", "Clothing > Shirts"]


def test_variants_get_their_own_sku_barcode_and_are_sellable(store, owner, cashier, till):
    catalog = CatalogService(store)
    pid = catalog.create_product(owner, TEE)
    ids = catalog.create_variants(owner, pid, {"Size": ["S", "M"], "Colour": ["Red", "Navy blue"]})
    assert len(ids) == 4
    details = [catalog.detail(i) for i in ids]
    assert {d.draft.sku for d in details} == {"TEE-S-RED", "TEE-S-NAVYBLUE", "TEE-M-RED", "TEE-M-NAVYBLUE"}
    assert all(d.parent_id == pid and is_valid_gtin(d.draft.barcodes[0]) for d in details)
    assert details[0].options == {"Size": "S", "Colour": "Red"}
    assert catalog.create_variants(owner, pid, {"Size": ["S", "M"], "Colour": ["Red", "Navy blue"]}) == []
    view = CheckoutService(store).scan(cashier, till.till_id, details[1].draft.barcodes[0])
    assert view.lines[0].name == "Cotton T-shirt S / Navy blue"
    top = CatalogBrowser(store).page(CatalogFilter())
    assert [(r.sku, r.variant_count) for r in top.rows] == [("TEE", 4)]
    children = CatalogBrowser(store).page(CatalogFilter(parent_id=pid))
    assert len(children.rows) == 4


def test_variant_options_must_have_values(store, owner):
    pid = CatalogService(store).create_product(owner, TEE)
    with pytest.raises(ValidationError) as err:
        CatalogService(store).create_variants(owner, pid, {"Size": []})
    assert err.value.field == "options"


def test_keyset_pages_walk_the_catalog_in_order_without_gaps(store, owner):
    from shopdesk.services.demo import add_demo_products

    add_demo_products(store, 450, sales=0)
    browser = CatalogBrowser(store)
    for sort in ("name", "price", "sku"):
        seen, after = [], None
        while True:
            page = browser.page(CatalogFilter(), sort=sort, after=after, limit=100)
            seen.extend(page.rows)
            after = page.next_key
            if after is None:
                break
        assert len(seen) == len({r.product_id for r in seen}) == 450
        keys = [(getattr(r, sort), r.seq) for r in seen]
        assert keys == sorted(keys)
    descending = browser.page(CatalogFilter(), sort="price", descending=True, limit=5)
    assert [r.price for r in descending.rows] == sorted((r.price for r in descending.rows), reverse=True)


def test_filters_active_category_and_low_stock(store, owner, products):
    catalog = CatalogService(store)
    tee = catalog.create_product(owner, TEE)  # no stock, reorder point 5 → low
    catalog.create_product(owner, replace(TEE, sku="OLD", name="Old shirt", active=False, reorder_point=None))
    browser = CatalogBrowser(store)
    low = browser.page(CatalogFilter(low_stock=True))
    assert [r.product_id for r in low.rows] == [tee]
    inactive = browser.page(CatalogFilter(active=False))
    assert [r.sku for r in inactive.rows] == ["OLD"]
    clothing = next(cid for cid, path in catalog.categories() if path == "Clothing")
    in_clothing = browser.page(CatalogFilter(category_id=clothing))
    assert {r.sku for r in in_clothing.rows} == {"TEE", "OLD"}
    milk = browser.page(CatalogFilter(), limit=50)
    assert next(r for r in milk.rows if r.sku == "MILK-1L").on_hand == 10


def test_order_up_to_level_is_saved_edited_and_cleared(store, owner):
    catalog = CatalogService(store)
    pid = catalog.create_product(owner, replace(TEE, max_stock=Decimal("20.5")))
    assert catalog.detail(pid).draft.max_stock == Decimal("20.5")
    catalog.update_product(owner, pid, replace(TEE, max_stock=Decimal(30)))
    assert catalog.detail(pid).draft.max_stock == 30
    catalog.update_product(owner, pid, replace(TEE, reorder_point=None, max_stock=Decimal(3)))
    assert catalog.detail(pid).draft.max_stock == 3  # no reorder point: nothing to be below
    catalog.update_product(owner, pid, TEE)
    assert catalog.detail(pid).draft.max_stock is None


@pytest.mark.parametrize(("max_stock", "message"), [
    (Decimal(-1), "0 or more"),
    (Decimal("NaN"), "0 or more"),
    (Decimal("Infinity"), "0 or more"),
    (Decimal("1.2345"), "at most 3 decimals"),
    (Decimal("4.999"), "cannot be below the reorder point (5)"),
])
def test_order_up_to_level_is_checked(store, owner, max_stock, message):
    catalog = CatalogService(store)
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")) as err:
        catalog.create_product(owner, replace(TEE, max_stock=max_stock))
    assert err.value.field == "max_stock"
    pid = catalog.create_product(owner, replace(TEE, max_stock=Decimal(5)))  # equal to the reorder point is fine
    with pytest.raises(ValidationError) as err:
        catalog.update_product(owner, pid, replace(TEE, max_stock=max_stock))
    assert err.value.field == "max_stock"
    assert catalog.detail(pid).draft.max_stock == 5
