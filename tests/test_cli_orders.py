"""shopdesk import orders FILE [--source NAME]: a summary on success, every problem on
stderr and exit 1 when rows are wrong, exit 2 when the file cannot be read; nothing is
written unless the whole file is."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.test_cli import run


@pytest.fixture
def shop(store, products, db_path):
    """The test store with its four products, at db_path (the CLI opens it itself)."""
    return db_path


def orders_in(path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT number, source, external_id, state FROM orders ORDER BY number").fetchall()
    finally:
        conn.close()


def reservations(path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM stock_reservations").fetchone()[0]
    finally:
        conn.close()


CSV = ("order_id,name,city,country,shipping,paid,sku,quantity\n"
       "1001,Alice,Leeds,GB,4.95,,BREAD,2\n"
       "1001,Alice,,,,,SOAP,1\n"
       "1002,Bob,York,GB,0,3.50,BREAD,1\n")


def test_import_orders_prints_a_summary_and_skips_on_the_second_run(shop, tmp_path, capsys):
    file = tmp_path / "orders.csv"
    file.write_text(CSV, encoding="utf-8")
    capsys.readouterr()
    assert run(["--db", shop, "import", "orders", file]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == "created 2 orders (SO-000001 … SO-000002), skipped 0 already imported"
    assert orders_in(shop) == [("SO-000001", "webshop", "1001", "created"), ("SO-000002", "webshop", "1002", "paid")]
    assert reservations(shop) == 3

    assert run(["--db", shop, "import", "orders", file]) == 0
    assert capsys.readouterr().out.strip() == "created 0 orders, skipped 2 already imported"
    assert len(orders_in(shop)) == 2


def test_import_orders_with_a_source_and_json(shop, tmp_path, capsys):
    file = tmp_path / "orders.json"
    file.write_text(json.dumps([{"id": "W-1", "name": "Alice", "cod": True,
                                 "lines": [{"barcode": "6901234567892", "quantity": 1}]}]), encoding="utf-8")
    capsys.readouterr()
    assert run(["--db", shop, "import", "orders", file, "--source", "woo"]) == 0
    assert capsys.readouterr().out.strip() == "created 1 order (SO-000001), skipped 0 already imported"
    assert orders_in(shop) == [("SO-000001", "woo", "W-1", "created")]


def test_rejected_rows_go_to_stderr_exit_1_and_nothing_is_written(shop, tmp_path, capsys):
    file = tmp_path / "orders.csv"
    file.write_text(CSV + "1003,Carol,Leeds,GB,,,NOPE,1\n1004,Dan,Leeds,United Kingdom,,,BREAD,1\n",
                    encoding="utf-8")
    capsys.readouterr()
    assert run(["--db", shop, "import", "orders", file]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.splitlines()
    assert err == [
        "row 5 (order 1003): no product has the SKU 'NOPE'",
        "row 6 (order 1004): country must be a two-letter code such as GB, DE or US, not 'United Kingdom'",
        f"2 problem(s) in {file}; nothing was imported.",
    ]
    assert orders_in(shop) == [] and reservations(shop) == 0


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The order file is empty"),
    (b"order_id,name,sku\n1,A,BREAD\n", "no column quantity"),
    (b'{"orders": [\n{"id": 1,}\n]}', "not valid JSON: Expecting property name enclosed in double quotes at line 2"),
    (b"\x00\x01\x02binary", "NUL byte"),
])
def test_unreadable_files_exit_2_with_the_reason(shop, tmp_path, capsys, content, message):
    file = tmp_path / "orders.txt"
    file.write_bytes(content)
    capsys.readouterr()
    assert run(["--db", shop, "import", "orders", file]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("shopdesk: ") and message in captured.err
    assert orders_in(shop) == []


def test_a_missing_file_exits_2(shop, tmp_path, capsys):
    assert run(["--db", shop, "import", "orders", tmp_path / "nope.csv"]) == 2
    assert "Cannot read" in capsys.readouterr().err


def test_import_products_still_works_beside_orders(shop, tmp_path, capsys):
    file = tmp_path / "products.csv"
    file.write_text("sku,name,price\nTEA,Green tea,3.50\n", encoding="utf-8")
    assert run(["--db", shop, "import", "products", file, "--dry-run"]) == 0
    assert "Dry run" in capsys.readouterr().out
