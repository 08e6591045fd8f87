"""CSV import of products: reading any spreadsheet's CSV, a preview that names every bad
row and column, and an all-or-nothing apply."""

from __future__ import annotations

import contextlib
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopdesk.domain.errors import PermissionDenied, ShopDeskError
from shopdesk.domain.gtin import make_gtin
from shopdesk.services import catalog_import
from shopdesk.services.catalog import CatalogService
from shopdesk.services.catalog_import import (
    CatalogImport,
    ImportCancelled,
    ImportFileError,
    ImportRejected,
    read_products_csv,
)
from shopdesk.services.store_setup import StoreSetup, initialize_store
from shopdesk.store.database import open_database

HEADER = "sku,name,price,tax_code,barcodes,category\n"
G1, G2, G3 = make_gtin("400000000101"), make_gtin("400000000102"), make_gtin("400000000103")


def csv_bytes(text: str, *, bom: bool = False) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def snapshot(db) -> dict:
    conn = sqlite3.connect(db.path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("products", "barcodes", "categories", "price_changes", "audit_log", "product_words")}
    finally:
        conn.close()


def scalar(db, sql, *params):
    conn = sqlite3.connect(db.path)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


# ----------------------------------------------------------------------------- reading


@pytest.mark.parametrize("bom", [False, True])
def test_reads_utf8_with_or_without_bom(bom):
    parsed = read_products_csv(csv_bytes("SKU,Name,Price\nA1,Crème brûlée,3.50\n", bom=bom))
    assert parsed.had_bom is bom
    assert parsed.columns == ("sku", "name", "price")
    assert parsed.rows == ((2, {"sku": "A1", "name": "Crème brûlée", "price": "3.50"}),)


def test_semicolon_file_with_quoted_delimiters_and_newlines():
    text = 'sku;name;description;price\r\n"A1";"Tea; green, loose";"line one\nline two";"3,50"\r\nA2;Cup;;2\r\n'
    parsed = read_products_csv(csv_bytes(text))
    assert parsed.delimiter == ";"
    assert parsed.rows[0] == (2, {"sku": "A1", "name": "Tea; green, loose", "description": "line one\nline two",
                                  "price": "3,50"})
    assert parsed.rows[1][0] == 3  # a quoted line break does not shift the row numbers


def test_tab_delimited():
    assert read_products_csv(csv_bytes("sku\tname\tprice\nA\tB\t1\n")).delimiter == "\t"


def test_unknown_column_is_a_file_error_listing_the_known_ones():
    with pytest.raises(ImportFileError) as err:
        read_products_csv(csv_bytes("sku,name,colour\nA,B,red\n"))
    assert "'colour'" in str(err.value) and "reorder_point" in str(err.value)


def test_missing_sku_column_and_empty_file_are_refused():
    with pytest.raises(ImportFileError, match="sku"):
        read_products_csv(csv_bytes("name,price\nA,1\n"))
    with pytest.raises(ImportFileError):
        read_products_csv(b"")


def test_undecodable_bytes_are_reported_with_their_position():
    data = b"sku,name,price\nA,Caf\xe9,1\n"
    with pytest.raises(ImportFileError) as err:
        read_products_csv(data)
    assert "line 2" in str(err.value) and "0xE9" in str(err.value) and "byte offset 20" in str(err.value)


def test_reads_from_a_path(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes("sku,name,price\nA,B,1\n", bom=True))
    assert len(read_products_csv(path).rows) == 1
    with pytest.raises(ImportFileError, match="Cannot read"):
        read_products_csv(tmp_path / "missing.csv")


# ----------------------------------------------------------------------------- preview


def test_preview_lists_creates_updates_and_writes_nothing(store, owner, products):
    before = snapshot(store)
    data = csv_bytes(HEADER + f"NEW-1,Oat milk,1.99,RED,{G1},Food > Dairy\n"
                     "MILK-1L,Whole milk 1 L,1.35,RED,4006381333931,\n"
                     "BREAD,Sourdough bread,3.50,RED,036000291452,\n")
    preview = CatalogImport(store).preview(owner, data)
    assert [(p.row, p.sku, p.name) for p in preview.creates] == [(2, "NEW-1", "Oat milk")]
    assert [(p.row, p.sku) for p in preview.updates] == [(3, "MILK-1L")]
    assert preview.updates[0].changes == {"price": ("1.29", "1.35")}
    assert preview.unchanged == 1 and preview.rejects == []
    assert preview.new_categories == ["Food > Dairy"]
    assert snapshot(store) == before


@pytest.mark.parametrize(("line", "column", "reason"), [
    ("X1,Thing,12.5x,STD,,", "price", "'12.5x' is not an amount"),
    ("X1,Thing,-1,STD,,", "price", "cannot be negative"),
    ("X1,Thing,1.234,STD,,", "price", "at most 2 decimals"),
    ("X1,Thing,,STD,,", "price", "needs a price"),
    ("X1,,1,STD,,", "name", "needs a name"),
    (",Thing,1,STD,,", "sku", "Enter a SKU"),
    ("X1,Thing,1,VAT9,,", "tax_code", "no tax rate with the code 'VAT9'"),
    ("X1,Thing,1,STD,4006381333932,", "barcodes", "check digit should be 1"),
    ("X1,Thing,1,STD,4006381333931,", "barcodes", "already belongs to Whole milk 1 L"),
    (f"X1,Thing,1,STD,{G1} {G1},", "barcodes", "listed twice"),
])
def test_each_reject_reason_names_row_and_column(store, owner, products, line, column, reason):
    preview = CatalogImport(store).preview(owner, csv_bytes(HEADER + f"OK-1,Fine,1,STD,{G2},\n" + line + "\n"))
    assert len(preview.creates) == 1
    [error] = preview.rejects
    assert (error.row, error.column) == (3, column)
    assert reason in error.message
    assert str(error).startswith(f"row 3, column {column}: ")


def test_rejects_for_the_other_columns(store, owner, products):
    data = csv_bytes("sku,name,price,unit,reorder_point,active,attributes,cost\n"
                     "A,a,1,box,,,,\n"
                     "B,b,1,kg,-2,,,\n"
                     "C,c,1,kg,1.2345,,,\n"
                     "D,d,1,kg,,maybe,,\n"
                     "E,e,1,kg,,,colour,\n"
                     "F,f,1,kg,,,,-3\n"
                     "G,g,1,KG,2.5,YES,colour=red; size=M,0.5\n")
    preview = CatalogImport(store).preview(owner, data)
    assert [(e.row, e.column) for e in preview.rejects] == [
        (2, "unit"), (3, "reorder_point"), (4, "reorder_point"), (5, "active"), (6, "attributes"), (7, "cost")]
    assert preview.rejects[0].value == "box"
    [ok] = preview.creates
    assert ok.values["unit"] == "kg" and ok.values["reorder_point"] == 2500 and ok.values["active"] is True
    assert ok.values["attributes"] == {"colour": "red", "size": "M"} and ok.values["cost"] == 50


def test_duplicates_within_the_file_name_the_first_row(store, owner):
    data = csv_bytes(HEADER + f"A,a,1,STD,{G1},\nA,a again,1,STD,,\nB,b,1,STD,{G1},\n")
    preview = CatalogImport(store).preview(owner, data)
    assert [(e.row, e.column, e.message) for e in preview.rejects] == [
        (3, "sku", "The SKU A is also on row 2."),
        (4, "barcodes", f"The barcode {G1} is also on row 2."),
    ]


def test_unknown_category_rejected_when_creation_not_allowed(store, owner):
    data = csv_bytes(HEADER + "A,a,1,STD,,Nowhere > Else\nB,b,1,STD,,\n")
    preview = CatalogImport(store).preview(owner, data, create_categories=False)
    assert [(e.row, e.column, e.value) for e in preview.rejects] == [(2, "category", "Nowhere > Else")]


def test_row_with_more_fields_than_the_header_is_rejected(store, owner):
    preview = CatalogImport(store).preview(owner, csv_bytes("sku,name,price\nA,a,1,2\nB,b,1\n"))
    assert [(e.row, e.column) for e in preview.rejects] == [(2, "")]


def test_barcode_may_move_between_products_of_the_same_file(store, owner, products):
    data = csv_bytes("sku,barcodes\nMILK-1L,\nBREAD,036000291452 | 4006381333931\n")
    preview = CatalogImport(store).preview(owner, data)
    assert preview.rejects == [] and len(preview.updates) == 2
    CatalogImport(store).apply(owner, preview)
    assert CatalogService(store).detail(products["BREAD"]).draft.barcodes == ("036000291452", "4006381333931")
    assert CatalogService(store).detail(products["MILK-1L"]).draft.barcodes == ()


def test_cashier_may_not_import(store, cashier):
    with pytest.raises(PermissionDenied):
        CatalogImport(store).preview(cashier, csv_bytes("sku\nA\n"))


def test_german_store_semicolons_and_decimal_comma(tmp_path):
    db = open_database(tmp_path / "de.sqlite")
    try:
        owner = initialize_store(db, StoreSetup(
            store_name="Laden", currency="EUR", locale="de_DE", owner_username="chef", owner_name="Chef",
            owner_password="geheim-passwort-1", standard_tax_percent="19", reduced_tax_percent="7"))
        text = ('\ufeffSKU;Name;Preis;Price;tax_code\n'.replace("Preis;", "")  # header: sku;name;price;tax_code
                + 'K1;"Käse; mild";12,50;RED\n'
                + 'K2;Brot;1.234,50;STD\n'
                + 'K3;Milch;0.99;RED\n'
                + 'K4;Wurst;12,5x;STD\n')
        preview = CatalogImport(db).preview(owner, text.encode("utf-8"))
        assert {p.sku: p.values["price"] for p in preview.creates} == {"K1": 1250, "K2": 123450, "K3": 99}
        [error] = preview.rejects
        assert (error.row, error.column) == (5, "price") and "12,5x" in error.message
        CatalogImport(db).apply(owner, preview, skip_rejected=True)
        assert scalar(db, "SELECT name FROM products WHERE sku = 'K1'") == "Käse; mild"
    finally:
        db.close()


# ----------------------------------------------------------------------------- apply


def test_apply_creates_updates_with_history_index_and_audit(store, owner, products):
    data = csv_bytes("sku,name,price,cost,barcodes,category,attributes,reorder_point\n"
                     f"NEW-1,Oat milk,1.99,1.10,{G1} | {G2},Food > Dairy,colour=white,6\n"
                     "MILK-1L,Whole milk 1 L,1.35,0.80,4006381333931,Food > Dairy,,\n")
    importer = CatalogImport(store)
    result = importer.apply(owner, importer.preview(owner, data))
    assert (result.created, result.updated) == (1, 1)
    new_id = scalar(store, "SELECT id FROM products WHERE sku = 'NEW-1'")
    detail = CatalogService(store).detail(new_id).draft
    assert detail.barcodes == (G1, G2) and detail.category == "Food > Dairy" and detail.price == 199
    assert detail.attributes == {"colour": "white"} and detail.tax_code == "STD" and str(detail.reorder_point) == "6"
    history = CatalogService(store).price_history(products["MILK-1L"])
    assert [(h.old_price, h.new_price, h.old_cost, h.new_cost, h.source) for h in history if h.source == "import"] \
        == [(129, 135, 0, 80, "import")]
    assert scalar(store, "SELECT count(*) FROM price_changes WHERE product_id = ? AND source = 'import'",
                  new_id) == 1
    assert scalar(store, "SELECT count(*) FROM categories WHERE name = 'Dairy'") == 1
    details = scalar(store, "SELECT details FROM audit_log WHERE action = 'catalog.imported'")
    assert '"created": 1' in details and '"updated": 1' in details
    seqs = scalar(store, "SELECT seq FROM products WHERE sku = 'NEW-1'")
    assert seqs > scalar(store, "SELECT seq FROM products WHERE sku = 'MILK-1L'")
    assert scalar(store, "SELECT count(*) FROM product_search WHERE codes LIKE ?", f"%{G2}%") == 1
    # importing the same file again changes nothing
    again = importer.preview(owner, data)
    assert (len(again.creates), len(again.updates), again.unchanged) == (0, 0, 2)


def test_apply_refuses_a_preview_with_rejects_unless_told_to_skip(store, owner):
    data = csv_bytes(HEADER + "A,a,1,STD,,\nB,b,x,STD,,\n")
    importer = CatalogImport(store)
    preview = importer.preview(owner, data)
    before = snapshot(store)
    with pytest.raises(ImportRejected) as err:
        importer.apply(owner, preview)
    assert [e.row for e in err.value.rejects] == [3]
    assert snapshot(store) == before
    assert importer.apply(owner, preview, skip_rejected=True).skipped == 1
    assert scalar(store, "SELECT count(*) FROM products WHERE sku IN ('A', 'B')") == 1


def test_failure_during_apply_leaves_the_database_unchanged(store, owner, products, monkeypatch):
    data = csv_bytes(HEADER + f"A,a,1,STD,{G1},New > Cat\nMILK-1L,Whole milk 1 L,9.99,RED,,\n")
    importer = CatalogImport(store)
    preview = importer.preview(owner, data)
    before = snapshot(store)

    def boom(conn, ids):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(catalog_import.search_index, "index_products", boom)
    with pytest.raises(RuntimeError):
        importer.apply(owner, preview)
    assert snapshot(store) == before


def test_conflicts_arising_after_the_preview_are_caught_at_apply(store, owner, products):
    importer = CatalogImport(store)
    preview = importer.preview(owner, csv_bytes(HEADER + f"A,a,1,STD,{G1},\nB,b,1,STD,{G3},\n"))
    from shopdesk.services.catalog import ProductDraft

    CatalogService(store).create_product(owner, ProductDraft(sku="A", name="meanwhile", price=5))
    CatalogService(store).create_product(owner, ProductDraft(sku="Z", name="Zed", price=5, barcodes=(G3,)))
    before = snapshot(store)
    with pytest.raises(ImportRejected) as err:
        importer.apply(owner, preview)
    assert [(e.row, e.column) for e in err.value.rejects] == [(2, "sku"), (3, "barcodes")]
    assert snapshot(store) == before


def test_cancel_during_preview_and_apply(store, owner, products):
    rows = "".join(f"S{i},Item {i},1.{i % 100:02d},STD,,Bulk\n" for i in range(2500))
    data = csv_bytes(HEADER + rows)
    importer = CatalogImport(store)
    seen = []
    with pytest.raises(ImportCancelled):
        importer.preview(owner, data, progress=lambda d, t: seen.append((d, t)), cancel=lambda: len(seen) >= 2)
    assert seen[:2] == [(0, 2500), (1000, 2500)]
    preview = importer.preview(owner, data)
    before = snapshot(store)
    calls = []
    with pytest.raises(ImportCancelled):
        importer.apply(owner, preview, progress=lambda d, t: calls.append(d), cancel=lambda: len(calls) >= 4)
    assert snapshot(store) == before
    progress = []
    assert importer.apply(owner, preview, progress=lambda d, t: progress.append((d, t))).created == 2500
    assert progress[-1] == (5000, 5000)


# ----------------------------------------------------------------------------- robustness


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(
    st.binary(max_size=300),
    st.text(alphabet='sku,name;price\t"\n\r xyz1.2€|>=', max_size=200).map(lambda t: t.encode("utf-8")),
    st.lists(st.text(max_size=12), max_size=30).map(lambda cells: ("sku,name,price,barcodes,active\n" + ",".join(
        cells)).encode("utf-8", "surrogatepass")),
))
def test_garbage_never_crashes_read_or_preview(store, owner, data):
    with contextlib.suppress(ShopDeskError):
        CatalogImport(store).preview(owner, data)



# ----------------------------------------------------------------------------- max_stock


def set_levels(db, sku, reorder_point, max_stock):
    conn = sqlite3.connect(db.path)
    try:
        conn.execute("UPDATE products SET reorder_point = ?, max_stock = ? WHERE sku = ?",
                     (reorder_point, max_stock, sku))
        conn.commit()
    finally:
        conn.close()


def test_max_stock_column_is_parsed_like_the_reorder_point(store, owner, products):
    data = csv_bytes("sku,name,price,reorder_point,max_stock\n"
                     "A,a,1,,-2\n"
                     "B,b,1,,lots\n"
                     "C,c,1,,1.2345\n"
                     "D,d,1,5,4.5\n"
                     "E,e,1,5,12.5\n"
                     "F,f,1,5,5\n"
                     "G,g,1,,7\n"
                     "H,h,1,3,\n")
    preview = CatalogImport(store).preview(owner, data)
    assert [(e.row, e.column, e.value) for e in preview.rejects] == [
        (2, "max_stock", "-2"), (3, "max_stock", "lots"), (4, "max_stock", "1.2345"), (5, "max_stock", "4.5")]
    assert "cannot be negative" in preview.rejects[0].message
    assert "below the reorder point" in preview.rejects[3].message
    assert {p.sku: p.values["max_stock"] for p in preview.creates} == {"E": 12500, "F": 5000, "G": 7000, "H": None}
    CatalogImport(store).apply(owner, preview, skip_rejected=True)
    assert scalar(store, "SELECT max_stock FROM products WHERE sku = 'E'") == 12500
    assert scalar(store, "SELECT max_stock FROM products WHERE sku = 'H'") is None


def test_max_stock_updates_show_in_the_preview_and_are_written(store, owner, products):
    set_levels(store, "BREAD", 4000, 20000)
    data = csv_bytes("sku,max_stock\nMILK-1L,24\nBREAD,\nSOAP,\n")
    importer = CatalogImport(store)
    preview = importer.preview(owner, data)
    assert preview.rejects == [] and preview.unchanged == 1
    assert {p.sku: p.changes for p in preview.updates} == {
        "MILK-1L": {"max_stock": ("", "24")}, "BREAD": {"max_stock": ("20", "")}}
    importer.apply(owner, preview)
    assert CatalogService(store).detail(products["MILK-1L"]).draft.max_stock == 24
    assert scalar(store, "SELECT max_stock FROM products WHERE sku = 'BREAD'") is None
    assert scalar(store, "SELECT reorder_point FROM products WHERE sku = 'BREAD'") == 4000  # kept


def test_max_stock_below_the_products_own_reorder_point_is_rejected(store, owner, products):
    set_levels(store, "MILK-1L", 10000, 30000)
    data = csv_bytes("sku,max_stock\nMILK-1L,8\n")
    [error] = CatalogImport(store).preview(owner, data).rejects
    assert (error.row, error.column, error.value) == (2, "max_stock", "8")
    assert "(8) cannot be below the reorder point (10)" in error.message
    # A reorder point above the product's own max stock is refused too …
    [error] = CatalogImport(store).preview(owner, csv_bytes("sku,reorder_point\nMILK-1L,31\n")).rejects
    assert (error.column, error.value) == ("reorder_point", "31")
    # … but lowering both together, or clearing the reorder point, is fine.
    both = CatalogImport(store).preview(owner, csv_bytes("sku,reorder_point,max_stock\nMILK-1L,2,8\n"))
    assert both.rejects == [] and both.updates[0].changes == {
        "reorder_point": ("10", "2"), "max_stock": ("30", "8")}
    assert CatalogImport(store).preview(owner, csv_bytes("sku,reorder_point,max_stock\nMILK-1L,,8\n")).rejects == []


def test_reorder_point_raised_after_the_preview_is_caught_at_apply(store, owner, products):
    importer = CatalogImport(store)
    preview = importer.preview(owner, csv_bytes("sku,max_stock\nMILK-1L,8\n"))
    assert preview.rejects == []
    set_levels(store, "MILK-1L", 10000, None)
    before = snapshot(store)
    with pytest.raises(ImportRejected) as err:
        importer.apply(owner, preview)
    assert [(e.row, e.column, e.value) for e in err.value.rejects] == [(2, "max_stock", "8")]
    assert snapshot(store) == before
