"""shopdesk stock valuation | low | count-import."""

from __future__ import annotations

import csv
import sqlite3

from shopdesk.services.catalog_import import first_owner
from shopdesk.services.stocktake import StocktakeService, StocktakeSpec
from shopdesk.store.database import open_database
from tests.test_cli import run


def demo(tmp_path, products=30):
    path = tmp_path / "demo.sqlite"
    assert run(["--db", path, "demo", "--products", products, "--sales", 0]) == 0
    return path


def test_valuation_prints_per_location_and_writes_csv_and_pdf(tmp_path, capsys):
    path = demo(tmp_path)
    conn = sqlite3.connect(path)
    (expected,) = conn.execute(
        "SELECT SUM(b.quantity * p.cost) FROM stock_balances b JOIN products p ON p.id = b.product_id"
        " JOIN locations l ON l.id = b.location_id WHERE l.kind = 'internal'").fetchone()
    conn.close()
    capsys.readouterr()
    out_csv = tmp_path / "value.csv"
    assert run(["--db", path, "stock", "valuation", "--out", out_csv]) == 0
    assert "TOTAL" in capsys.readouterr().out
    rows = list(csv.reader(out_csv.open(encoding="utf-8")))
    total = rows[-1]
    assert total[0] == "TOTAL"
    assert round(float(total[-1]) * 100) == round(expected / 1000)
    out_pdf = tmp_path / "value.pdf"
    assert run(["--db", path, "stock", "valuation", "--out", out_pdf]) == 0
    assert out_pdf.read_bytes().startswith(b"%PDF")


def test_low_stock_lists_products_at_or_below_their_reorder_point(tmp_path, capsys):
    path = demo(tmp_path)
    conn = sqlite3.connect(path)
    sku = conn.execute("SELECT sku FROM products ORDER BY sku LIMIT 1").fetchone()[0]
    conn.execute("UPDATE products SET reorder_point = 1000000000 WHERE sku = ?", (sku,))
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert run(["--db", path, "stock", "low"]) == 0
    out = capsys.readouterr().out
    assert sku in out and "1 product(s)" in out


def test_count_import_adds_rows_or_rejects_the_whole_file(tmp_path, capsys):
    path = demo(tmp_path, products=5)
    db = open_database(path)
    try:
        StocktakeService(db).start(first_owner(db), StocktakeSpec("FLOOR"))
    finally:
        db.close()
    conn = sqlite3.connect(path)
    code = conn.execute("SELECT code FROM barcodes LIMIT 1").fetchone()[0]
    conn.close()
    good = tmp_path / "good.csv"
    good.write_text(f"barcode,quantity\n{code},4\n5012345678900,1\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{code},4\n{code},minus\n", encoding="utf-8")
    capsys.readouterr()
    assert run(["--db", path, "stock", "count-import", "ST-000001", bad]) == 1
    err = capsys.readouterr().err
    assert "row 2" in err and "nothing was imported" in err
    assert run(["--db", path, "stock", "count-import", "1", good]) == 0
    assert "1 products counted, 1 unknown" in capsys.readouterr().out
    assert run(["--db", path, "stock", "count-import", "ST-000009", good]) == 2
    assert "no stocktake ST-000009" in capsys.readouterr().err


def test_demo_fills_the_stockroom_once(tmp_path):
    path = demo(tmp_path, products=200)
    assert run(["--db", path, "demo", "--products", 0, "--sales", 0]) == 0  # again: no second set
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM suppliers").fetchone() == (3,)
    assert conn.execute("SELECT count(*) FROM purchase_orders WHERE status = 'open'").fetchone() == (1,)
    assert conn.execute("SELECT count(*) FROM stock_bins").fetchone() == (200,)
    assert conn.execute("SELECT count(*) FROM stock_transfers").fetchone() == (1,)
    conn.close()
    assert run(["--db", path, "stock", "verify"]) == 0


def test_demo_sets_up_the_counter_once(tmp_path):
    path = demo(tmp_path, products=50)
    assert run(["--db", path, "demo", "--products", 0, "--sales", 0]) == 0
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM quick_keys").fetchone() == (8,)
    assert conn.execute("SELECT count(*) FROM customers").fetchone() == (3,)
    assert conn.execute("SELECT sum(amount) FROM store_credit_entries").fetchone() == (1500,)
    conn.close()
