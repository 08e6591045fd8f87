"""Catalog CSV import: preview (read + check every row) and apply (one transaction with
products, barcodes, price history, categories and the search index) of a generated file.

A fresh demo store (4 products) is built in a temporary folder; the file has N new
products with a valid EAN-13 each, a 3-level category, brand, cost and attributes
(100,000 rows, 20,000 with ``--quick``). The baseline is plain :mod:`sqlite3` reading the
same CSV with :mod:`csv` and inserting the product and barcode rows with ``executemany``
in one transaction (no checks, no index), on a copy of the same empty store.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import argon2

from bench import environment, log
from shopdesk.domain.gtin import make_gtin
from shopdesk.services.auth import use_hasher
from shopdesk.services.catalog_import import CatalogImport, first_owner, read_products_csv
from shopdesk.services.demo import ensure_demo_store
from shopdesk.store.database import open_database

PARTS = ("catalog_import",)
SEED = 20261126


def make_csv(n: int, seed: int = SEED) -> bytes:
    rng = random.Random(seed)
    lines = ["sku;name;price;cost;tax_code;barcodes;category;brand;unit;attributes"]
    for i in range(n):
        price = rng.randint(50, 20000)
        lines.append(";".join((
            f"IMP-{i:07d}", f'"Product {i}; size {rng.choice("SML")}"', f"{price // 100},{price % 100:02d}",
            f"{price // 200}.{price % 100:02d}", rng.choice(("STD", "RED")), make_gtin(f"290{i:09d}"),
            f"Dept {i % 7} > Aisle {i % 31} > Shelf {i % 97}", f"Brand {i % 300}",
            rng.choice(("piece", "kg")), f"\"colour=c{i % 9}; batch={i % 13}\"",
        )))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _baseline(path: Path, data: bytes) -> float:
    import csv
    import io

    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    tax = conn.execute("SELECT id FROM tax_rates WHERE code = 'STD'").fetchone()[0]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))[1:]
    now = "2026-01-01T00:00:00.000000+00:00"
    products, codes = [], []
    for seq, row in enumerate(rows, start=1000):
        pid = str(uuid.uuid4())
        price = int(row[2].replace(",", ""))
        products.append((pid, now, now, seq, row[0], row[1], "", None, row[7], "{}", price, 0, tax, row[8], None, 1))
        codes.append((str(uuid.uuid4()), pid, row[5], row[5].zfill(14)))
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO products (id, created_at, updated_at, seq, sku, name, description, category_id, brand,"
        " attributes, price, cost, tax_rate_id, unit, reorder_point, active, parent_id, options)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '{}')", products)
    conn.executemany("INSERT INTO barcodes (id, product_id, code, lookup_key) VALUES (?, ?, ?, ?)", codes)
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started


def run(*, quick: bool, parts: frozenset[str], profile: bool) -> Iterator[dict]:
    n = 20_000 if quick else 100_000
    use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        path = Path(folder) / "shop.sqlite"
        db = open_database(path)
        ensure_demo_store(db, currency="EUR", locale="de_DE")
        db.close()
        shutil.copy(path, Path(folder) / "baseline.sqlite")
        data = make_csv(n)
        log(f"catalog_import: {n} rows, {len(data) / 1e6:.1f} MB")
        db = open_database(path)
        try:
            actor = first_owner(db)
            importer = CatalogImport(db)
            started = time.perf_counter()
            parsed = read_products_csv(data)
            read_s = time.perf_counter() - started
            preview = importer.preview(actor, parsed)
            preview_s = time.perf_counter() - started
            if preview.rejects or len(preview.creates) != n:
                raise RuntimeError(f"unexpected preview: {preview.summary()}; {preview.rejects[:3]}")
            started = time.perf_counter()
            result = importer.apply(actor, preview)
            apply_s = time.perf_counter() - started
            assert result.created == n
        finally:
            db.close()
        baseline_s = _baseline(Path(folder) / "baseline.sqlite", data)
    total_s = preview_s + apply_s
    yield {
        "bench": "catalog_import", "n": n, "mb": round(len(data) / 1e6, 2),
        "read_s": round(read_s, 3),
        "preview_s": round(preview_s, 3), "preview_rows_per_s": round(n / preview_s),
        "apply_s": round(apply_s, 3), "apply_rows_per_s": round(n / apply_s),
        "total_s": round(total_s, 3), "rows_per_s": round(n / total_s),
        "baseline": "csv.reader + sqlite3 executemany of products and barcodes, no checks, no search index",
        "baseline_s": round(baseline_s, 3), "baseline_rows_per_s": round(n / baseline_s),
        "ratio": round(total_s / baseline_s, 2),
        **environment(),
    }
