"""Catalog search benchmarks: search-as-you-type by query length, and barcode lookup.

A store of 1,000,000 demo products (mixed English and Chinese names; 20,000 with
``--quick``) is built once with the real code and cached under ``bench/out/`` keyed by
size and seed, so reruns start in seconds.

* ``search_1char`` … ``search_5char``: :meth:`CatalogSearch.search` (limit 50) for a set
  of realistic English and Chinese queries of that length. The floor is the same FTS5
  MATCH run directly in plain :mod:`sqlite3` (``SELECT rowid FROM product_search|
  product_words WHERE … MATCH ? ORDER BY rank LIMIT 50``) on its own connection.
* ``search_barcode``: :meth:`CatalogSearch.lookup_code` (the scan field) vs a plain
  indexed sqlite3 lookup of ``barcodes.lookup_key`` joined to its product.

Subject and floor alternate call by call (who goes first alternates each round).
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import argon2

from bench import Profiler, comparison, log, timed
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.services import demo
from shopdesk.services.auth import use_hasher
from shopdesk.services.catalog_search import CatalogSearch, clean_query, match_expressions
from shopdesk.services.demo import add_demo_products, ensure_demo_store
from shopdesk.store import search_index
from shopdesk.store.database import open_database

PARTS = ("search_1char", "search_2char", "search_3char", "search_5char", "search_barcode")
SEED = 20261125
TARGET = 3.0
LIMIT = 50
OUT = Path(__file__).resolve().parent / "out"
BUILD_CHUNK = 100_000

# What people type, by length: English and Chinese names, brands, pinyin and initials.
QUERIES = {
    "search_1char": ["m", "b", "c", "s", "牛", "米", "巧", "1"],
    "search_2char": ["mi", "br", "ch", "牛奶", "米饼", "蒙牛", "mb", "bj"],
    "search_3char": ["mil", "bre", "cho", "oli", "巧克力", "笔记本", "mib", "gua"],
    "search_5char": ["milk ", "bread", "chees", "olive", "黑巧克力 ", "蒙牛 米饼", "mibin", "选黑巧克力"],
}


@dataclass(frozen=True)
class Sizes:
    products: int
    rounds: int  # passes over each query set (each query once per pass)
    lookups: int
    warmup: int
    profiled: int


FULL = Sizes(products=1_000_000, rounds=40, lookups=2000, warmup=2, profiled=100)
QUICK = Sizes(products=20_000, rounds=5, lookups=200, warmup=1, profiled=20)


def database_file(products: int, seed: int = SEED) -> Path:
    """The cached demo database of this size, built on first use.

    Keyed by size, seed and a hash of the code that makes the data (demo generator and
    search index), so a change there builds a fresh file instead of measuring a stale one.
    """
    makers = hashlib.sha1()
    for module in (demo, search_index):
        makers.update(Path(module.__file__).read_bytes())
    path = OUT / f"search-{products}-{seed}-{makers.hexdigest()[:10]}.sqlite"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    building = path.with_name(path.name + ".building")
    for stale in OUT.glob(building.name + "*"):
        stale.unlink()
    use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
    db = open_database(building)
    try:
        ensure_demo_store(db)
        for done in range(0, products, BUILD_CHUNK):
            add_demo_products(db, min(BUILD_CHUNK, products - done), sales=0, seed=seed + done)
            log(f"search: built {min(done + BUILD_CHUNK, products):,} of {products:,} products")
    finally:
        db.close()
    conn = sqlite3.connect(building)  # fold the WAL in, so the cached file stands alone
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ANALYZE")
    finally:
        conn.close()
    building.rename(path)
    return path


def floor_sql(query: str) -> tuple[str, tuple[str, ...]]:
    """The same MATCH the service runs, straight against the FTS table(s)."""
    trigram, words = match_expressions(clean_query(query))
    if trigram and words:
        return ("SELECT rowid FROM product_search WHERE product_search MATCH ? AND +rowid IN"
                " (SELECT rowid FROM product_words WHERE product_words MATCH ?)"
                f" ORDER BY rank LIMIT {LIMIT}", (trigram, words))
    if trigram:
        return (f"SELECT rowid FROM product_search WHERE product_search MATCH ?"
                f" ORDER BY rank LIMIT {LIMIT}", (trigram,))
    return (f"SELECT rowid FROM product_words WHERE product_words MATCH ?"
            f" ORDER BY rank LIMIT {LIMIT}", (words,))


LOOKUP_SQL = """
SELECT p.id, p.seq, p.sku, p.name, p.brand, p.price, p.unit, p.active
  FROM barcodes b JOIN products p ON p.id = b.product_id
 WHERE b.lookup_key = ?"""


def _plain(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def _measure_queries(search: CatalogSearch, plain: sqlite3.Connection, queries: list[str],
                     sizes: Sizes) -> tuple[list[int], list[int]]:
    prepared = [(q, *floor_sql(q)) for q in queries]
    subject, floor = [], []
    for rnd in range(sizes.warmup + sizes.rounds):
        for q, sql, params in prepared:
            def run_subject(q=q):
                return search.search(q, limit=LIMIT)

            def run_floor(sql=sql, params=params):
                return plain.execute(sql, params).fetchall()

            if rnd % 2:
                f_ns, f_rows = timed(run_floor)
                s_ns, s_hits = timed(run_subject)
            else:
                s_ns, s_hits = timed(run_subject)
                f_ns, f_rows = timed(run_floor)
            if rnd < sizes.warmup:
                if not s_hits and f_rows:
                    raise AssertionError(f"search {q!r} found nothing; the floor found {len(f_rows)}")
                continue
            subject.append(s_ns)
            floor.append(f_ns)
    return subject, floor


def _measure_barcodes(search: CatalogSearch, plain: sqlite3.Connection, codes: list[str],
                      sizes: Sizes) -> tuple[list[int], list[int]]:
    subject, floor = [], []
    for n, code in enumerate(codes):
        def run_subject(code=code):
            return search.lookup_code(code)

        def run_floor(code=code):
            return plain.execute(LOOKUP_SQL, (barcode_lookup_key(code),)).fetchone()

        first, second = (run_floor, run_subject) if n % 2 else (run_subject, run_floor)
        a_ns, a = timed(first)
        b_ns, b = timed(second)
        s_ns, f_ns = (b_ns, a_ns) if n % 2 else (a_ns, b_ns)
        if a is None or b is None:
            raise AssertionError(f"barcode {code} not found")
        if n >= sizes.warmup * 10:
            subject.append(s_ns)
            floor.append(f_ns)
    return subject, floor


def run(*, quick: bool, parts: frozenset[str], profile: bool) -> Iterator[dict]:
    sizes = QUICK if quick else FULL
    path = database_file(sizes.products)
    log(f"search: {sizes.products:,} products in {path}")
    db = open_database(path)
    plain = _plain(path)
    search = CatalogSearch(db)
    profiler = Profiler() if profile else None
    try:
        for part, queries in QUERIES.items():
            if part not in parts:
                continue
            subject, floor = _measure_queries(search, plain, queries, sizes)
            yield comparison(
                part, subject_ns=subject, baseline_ns=floor, target_ratio=TARGET,
                baseline="the same FTS5 MATCH in plain sqlite3, ORDER BY rank LIMIT 50",
                products=sizes.products, queries=queries, limit=LIMIT,
            )
            if profiler:
                for _ in range(max(1, sizes.profiled // len(queries))):
                    for q in queries:
                        profiler.call(lambda q=q: search.search(q, limit=LIMIT))
        if "search_barcode" in parts:
            rng = random.Random(SEED)
            codes = [row[0] for row in plain.execute("SELECT code FROM barcodes")]
            picks = [rng.choice(codes) for _ in range(sizes.lookups + sizes.warmup * 10)]
            del codes
            subject, floor = _measure_barcodes(search, plain, picks, sizes)
            yield comparison(
                "search_barcode", subject_ns=subject, baseline_ns=floor, target_ratio=TARGET,
                baseline="plain sqlite3 lookup on barcodes.lookup_key joined to products",
                products=sizes.products,
            )
            if profiler:
                for code in picks[: sizes.profiled]:
                    profiler.call(lambda code=code: search.lookup_code(code))
        if profiler:
            print(profiler.report("CatalogSearch"), file=sys.stderr)
    finally:
        plain.close()
        db.close()
