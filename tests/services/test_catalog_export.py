"""CSV export of the catalog: Excel-friendly, filtered, and round-trippable through the import."""

from __future__ import annotations

import csv
import io
import sqlite3
from dataclasses import replace
from decimal import Decimal

import pytest

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.gtin import make_gtin
from shopdesk.services.catalog import CatalogService, ProductDraft
from shopdesk.services.catalog_export import category_by_path, export_products_csv
from shopdesk.services.catalog_import import COLUMNS, CatalogImport, read_products_csv

TRICKY = ProductDraft(
    sku="TRICKY", name='Tea "Earl Grey"; loose, 100 g', price=1250, cost=733, tax_code="STD",
    barcodes=(make_gtin("400000000201"), "INT-77"), category="Food > Drinks > Tea", unit="g",
    description="First line\nsecond line; with, delimiters", brand="Twin Leaf",
    attributes={"origin": "Sri Lanka", "note": "a=b; c"}, active=False,
)


def dump(db) -> list[tuple]:
    conn = sqlite3.connect(db.path)
    try:
        products = conn.execute(
            "SELECT sku, name, description, category_id, brand, attributes, price, cost, tax_rate_id, unit,"
            " reorder_point, max_stock, active, seq FROM products ORDER BY sku").fetchall()
        codes = conn.execute("SELECT product_id, code, lookup_key FROM barcodes ORDER BY code").fetchall()
        return products + codes
    finally:
        conn.close()


@pytest.fixture
def catalog(store, owner, products):
    service = CatalogService(store)
    service.create_product(owner, TRICKY)
    service.create_product(owner, ProductDraft(sku="KG", name="Cheese by weight", price=1999, unit="kg",
                                               category="Food > Dairy", reorder_point=Decimal("2.5"),
                                               max_stock=Decimal("12.75")))
    return store


def test_export_is_utf8_with_bom_comma_delimited_with_plain_decimals(catalog, tmp_path):
    path = tmp_path / "out.csv"
    assert export_products_csv(catalog, path) == 6
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(COLUMNS)
    tricky = next(r for r in rows if r["sku"] == "TRICKY")
    assert tricky["price"] == "12.50" and tricky["cost"] == "7.33" and tricky["active"] == "0"
    assert tricky["category"] == "Food > Drinks > Tea" and tricky["unit"] == "g"
    assert tricky["barcodes"] == f"{make_gtin('400000000201')} | INT-77"
    kg = next(r for r in rows if r["sku"] == "KG")
    assert (kg["reorder_point"], kg["max_stock"]) == ("2.5", "12.75")
    assert tricky["max_stock"] == ""
    assert next(r for r in rows if r["sku"] == "MILK-1L")["price"] == "1.29"


def test_export_then_import_round_trips_to_nothing_to_do(catalog, owner):
    before = dump(catalog)
    out = io.BytesIO()
    export_products_csv(catalog, out)
    preview = CatalogImport(catalog).preview(owner, out.getvalue())
    assert (len(preview.creates), len(preview.updates), preview.rejects, preview.unchanged) == (0, 0, [], 6)
    assert CatalogImport(catalog).apply(owner, preview).created == 0
    assert dump(catalog) == before


def test_export_into_an_empty_store_recreates_identical_products(catalog, owner, tmp_path):
    from shopdesk.services.catalog_import import first_owner
    from shopdesk.services.demo import ensure_demo_store
    from shopdesk.store.database import open_database

    out = io.BytesIO()
    export_products_csv(catalog, out)
    other = open_database(tmp_path / "other.sqlite")
    try:
        ensure_demo_store(other, currency="EUR", locale="en_GB")
        actor = first_owner(other)
        importer = CatalogImport(other)
        preview = importer.preview(actor, out.getvalue())
        assert len(preview.creates) == 6 and preview.rejects == []
        importer.apply(actor, preview)
        again = io.BytesIO()
        export_products_csv(other, again)
        assert again.getvalue() == out.getvalue()
        conn = sqlite3.connect(other.path)
        try:
            assert conn.execute("SELECT reorder_point, max_stock FROM products WHERE sku = 'KG'").fetchone() \
                == (2500, 12750)
        finally:
            conn.close()
    finally:
        other.close()


def test_an_exported_file_restores_a_changed_order_up_to_level(catalog, owner):
    out = io.BytesIO()
    export_products_csv(catalog, out)
    before = dump(catalog)
    conn = sqlite3.connect(catalog.path)
    try:
        kg = conn.execute("SELECT id FROM products WHERE sku = 'KG'").fetchone()[0]
    finally:
        conn.close()
    service = CatalogService(catalog)
    service.update_product(owner, kg, replace(service.detail(kg).draft, max_stock=Decimal(40)))
    preview = CatalogImport(catalog).preview(owner, out.getvalue())
    assert [(p.sku, p.changes) for p in preview.updates] == [("KG", {"max_stock": ("40", "12.75")})]
    CatalogImport(catalog).apply(owner, preview)
    assert service.detail(kg).draft.max_stock == Decimal("12.75")
    assert dump(catalog) == before


def test_filters_category_subtree_brand_and_active(catalog):
    def skus(**filters):
        out = io.StringIO()
        export_products_csv(catalog, out, **filters)
        return sorted(r["sku"] for r in csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))

    assert skus(category_id=category_by_path(catalog, "Food")) == ["KG", "TRICKY"]
    assert skus(category_id=category_by_path(catalog, "Food>Dairy")) == ["KG"]
    assert skus(brand="Twin Leaf") == ["TRICKY"]
    assert "TRICKY" not in skus(active_only=True)
    with pytest.raises(ValidationError):
        category_by_path(catalog, "Nope")


def test_export_pages_through_a_large_catalog(store, owner, monkeypatch):
    from shopdesk.services import catalog_export

    monkeypatch.setattr(catalog_export, "PAGE", 7)
    rows = "".join(f"P{i:03d},Item {i},{i}.{i % 100:02d}\n" for i in range(50))
    importer = CatalogImport(store)
    importer.apply(owner, importer.preview(owner, ("sku,name,price\n" + rows).encode()))
    out = io.BytesIO()
    seen = []
    assert export_products_csv(store, out, progress=lambda d, t: seen.append((d, t))) == 50 + 0
    assert seen[0] == (7, 50) and seen[-1] == (50, 50)
    assert len(read_products_csv(out.getvalue()).rows) == 50
