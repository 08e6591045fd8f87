"""``shopdesk import products`` / ``shopdesk export products``: exit codes, messages, no
writes on failure."""

from __future__ import annotations

import sqlite3

import pytest

from shopdesk.cli import main
from shopdesk.services.demo import ensure_demo_store
from shopdesk.store.database import open_database


@pytest.fixture
def shop(tmp_path):
    path = tmp_path / "shop.sqlite"
    db = open_database(path)
    ensure_demo_store(db, currency="EUR", locale="en_GB")
    db.close()
    return path


def count(path, sql="SELECT count(*) FROM products"):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def write(tmp_path, text, name="in.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_import_creates_products_and_reports_counts(shop, tmp_path, capsys):
    before = count(shop)
    csv_path = write(tmp_path, "sku;name;price;category\nA;Apple;\"€0.45\";Fruit\nB;Banana;0.30;Fruit\n")
    assert main(["--db", str(shop), "import", "products", str(csv_path)]) == 0
    out = capsys.readouterr().out
    assert "2 to create, 0 to update" in out and "Imported: 2 created, 0 updated." in out
    assert count(shop) == before + 2
    assert count(shop, "SELECT u.role FROM audit_log a JOIN users u ON u.id = a.user_id"
                       " WHERE a.action = 'catalog.imported'") == "owner"


def test_import_with_bad_rows_exits_1_lists_them_and_writes_nothing(shop, tmp_path, capsys):
    before = count(shop)
    csv_path = write(tmp_path, "sku,name,price\nA,Apple,0.45\nB,Banana,\"12,5x\"\n")
    assert main(["--db", str(shop), "import", "products", str(csv_path)]) == 1
    captured = capsys.readouterr()
    assert "row 3, column price: '12,5x' is not" in captured.err
    assert "nothing was imported" in captured.err
    assert count(shop) == before


def test_dry_run_and_no_create_categories(shop, tmp_path, capsys):
    before = count(shop)
    csv_path = write(tmp_path, "sku,name,price,category\nA,Apple,1,Fruit > Exotic\n")
    assert main(["--db", str(shop), "import", "products", str(csv_path), "--dry-run"]) == 0
    assert "Dry run" in capsys.readouterr().out
    assert main(["--db", str(shop), "import", "products", str(csv_path), "--no-create-categories"]) == 1
    assert "row 2, column category: There is no category 'Fruit > Exotic'" in capsys.readouterr().err
    assert count(shop) == before


def test_unreadable_file_exits_2_with_a_message(shop, tmp_path, capsys):
    csv_path = write(tmp_path, "sku,name,colour\nA,b,c\n")
    assert main(["--db", str(shop), "import", "products", str(csv_path)]) == 2
    assert "colour" in capsys.readouterr().err
    assert main(["--db", str(shop), "import", "products", str(tmp_path / "absent.csv")]) == 2


def test_export_then_import_round_trip(shop, tmp_path, capsys):
    out_path = tmp_path / "catalog.csv"
    assert main(["--db", str(shop), "export", "products", str(out_path)]) == 0
    exported = count(shop)
    assert f"Exported {exported} product(s)" in capsys.readouterr().out
    assert out_path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["--db", str(shop), "import", "products", str(out_path)]) == 0
    assert "0 to create, 0 to update" in capsys.readouterr().out


def test_export_filters_and_unknown_category(shop, tmp_path, capsys):
    out_path = tmp_path / "f.csv"
    assert main(["--db", str(shop), "export", "products", str(out_path), "--active-only", "--brand", "none"]) == 0
    assert out_path.read_text(encoding="utf-8-sig").count("\n") == 1  # header only
    assert main(["--db", str(shop), "export", "products", str(out_path), "--category", "No such"]) == 2
    assert "No such" in capsys.readouterr().err


def test_labels_command_writes_decodable_pdf_and_refuses_unknown_codes(tmp_path, capsys):
    import pymupdf
    import zxingcpp
    from PIL import Image

    from shopdesk.cli import main
    from shopdesk.domain.gtin import barcode_lookup_key

    db = tmp_path / "shop.sqlite"
    assert main(["--db", str(db), "demo", "--products", "10", "--sales", "0"]) == 0
    import sqlite3

    conn = sqlite3.connect(db)
    sku, code = conn.execute(
        "SELECT p.sku, b.code FROM products p JOIN barcodes b ON b.product_id = p.id LIMIT 1").fetchone()
    conn.close()
    out = tmp_path / "labels.pdf"
    assert main(["--db", str(db), "labels", sku, "--out", str(out), "--format", "roll", "--copies", "2"]) == 0
    document = pymupdf.open(out)
    assert document.page_count == 2
    pix = document[0].get_pixmap(dpi=300)
    image = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    assert [barcode_lookup_key(b.text) for b in zxingcpp.read_barcodes(image)] == [barcode_lookup_key(code)]
    capsys.readouterr()
    assert main(["--db", str(db), "labels", "NO-SUCH-SKU", "--out", str(tmp_path / "x.pdf")]) == 2
    assert "NO-SUCH-SKU" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
