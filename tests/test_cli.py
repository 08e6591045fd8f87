"""The shopdesk command: init, demo, stock verify; failures exit non-zero and change nothing."""

from __future__ import annotations

import io
import sqlite3

import pytest

from shopdesk import __version__
from shopdesk.cli import main
from shopdesk.domain.gtin import is_valid_gtin
from shopdesk.services.auth import AuthService
from shopdesk.store.database import open_database


def run(argv, monkeypatch=None, stdin: str | None = None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main([str(a) for a in argv])


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_init_creates_store_and_owner(tmp_path, monkeypatch, capsys):
    path = tmp_path / "new.sqlite"
    code = run(["--db", path, "init", "--store-name", "Tea House", "--currency", "CNY", "--locale", "zh_CN",
                "--owner", "li", "--owner-name", "Li Wei", "--password-stdin", "--pin", "8888"],
               monkeypatch, stdin="secret-tea-1\n")
    assert code == 0, capsys.readouterr().err
    db = open_database(path)
    try:
        assert AuthService(db).login("li", "secret-tea-1").display_name == "Li Wei"
    finally:
        db.close()


def test_init_with_bad_input_exits_non_zero_and_writes_no_store(tmp_path, monkeypatch, capsys):
    path = tmp_path / "bad.sqlite"
    code = run(["--db", path, "init", "--store-name", "X", "--currency", "XYZ1", "--owner", "li",
                "--owner-name", "Li", "--password-stdin"], monkeypatch, stdin="secret-tea-1\n")
    assert code == 2
    assert "currency" in capsys.readouterr().err
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM store_settings").fetchone() == (0,)
    conn.close()


def test_demo_fills_a_database_with_valid_realistic_products(tmp_path, capsys):
    path = tmp_path / "demo.sqlite"
    assert run(["--db", path, "demo", "--products", 300, "--sales", 20]) == 0
    out = capsys.readouterr().out
    assert "cashier" in out and "demo-cashier" in out
    conn = sqlite3.connect(path)
    codes = [c for (c,) in conn.execute("SELECT code FROM barcodes")]
    names = [n for (n,) in conn.execute("SELECT name FROM products")]
    assert len(codes) == 300 and all(len(c) == 13 and is_valid_gtin(c) for c in codes)
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names)  # some Chinese names
    assert len(set(names)) > 50
    assert conn.execute("SELECT count(*) FROM sales").fetchone() == (20,)
    assert conn.execute("SELECT count(DISTINCT category_id) FROM products").fetchone()[0] >= 5
    conn.close()
    assert run(["--db", path, "stock", "verify"]) == 0


def test_stock_verify_finds_a_tampered_balance(tmp_path, capsys):
    path = tmp_path / "demo.sqlite"
    run(["--db", path, "demo", "--products", 20, "--sales", 0])
    conn = sqlite3.connect(path)
    conn.execute("UPDATE stock_balances SET quantity = quantity + 1000 WHERE rowid = 1")
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert run(["--db", path, "stock", "verify"]) == 1
    assert "differ from the ledger" in capsys.readouterr().err


def test_db_option_after_the_subcommand(tmp_path):
    path = tmp_path / "after.sqlite"
    assert run(["demo", "--db", path, "--products", 5, "--sales", 0]) == 0
    assert path.exists()


def test_a_foreign_file_is_refused_and_untouched(tmp_path, capsys):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"PK\x03\x04 not a database")
    assert run(["--db", path, "stock", "verify"]) == 2
    assert "not a ShopDesk database" in capsys.readouterr().err
    assert path.read_bytes() == b"PK\x03\x04 not a database"
