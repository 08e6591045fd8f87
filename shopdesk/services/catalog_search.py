"""Search-as-you-type over the catalog: name, SKU, barcode, brand and category.

One lookup serves the catalog window, the checkout scan field and the product picker.
Results come in this order: the product whose barcode is exactly the query, the product
whose SKU is exactly the query (both marked ``exact``), products named exactly as typed,
then the best text matches by bm25 rank. A scanned GTIN that hits returns just its product.

Text matching runs on the two FTS5 tables of :mod:`shopdesk.store.search_index`:

- every term of 3+ characters is a substring phrase on the trigram table
  ``product_search`` (ranked by bm25, the name weighted highest);
- every shorter term (``m``, ``牛``, ``牛奶``, ``nn``) is a token-prefix phrase (``"mi"*``) on
  ``product_words``, because trigrams cannot answer fewer than 3 characters;
- all terms must match (AND); when both kinds occur the two sets are intersected.

Whatever a person types is taken literally: each term is double-quoted (inner quotes
doubled), so FTS5 syntax (``AND``, ``NEAR(``, ``name:``, ``^``, ``*``, ``-``) is never
interpreted and never raises. Queries are width- and case-folded like the index, control
characters are dropped, and the query is capped at :data:`MAX_QUERY_CHARS`.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from dataclasses import dataclass

from shopdesk.domain.errors import InvalidBarcode
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.store.database import Database
from shopdesk.store.search_index import fold

MAX_QUERY_CHARS = 100
MAX_TERMS = 16
DEFAULT_LIMIT = 50
# Search-as-you-type starts at the second character: one character matches a large part
# of a million-product catalog and is ranked in ~0.25 s; Enter still searches it.
TYPE_AHEAD_MIN_CHARS = 2


def worth_searching_as_you_type(text: str) -> bool:
    return len((text or "").strip()) >= TYPE_AHEAD_MIN_CHARS or not (text or "").strip()
# bm25 column weights of product_search: name, sku, codes, brand, category, pinyin.
WEIGHTS = (10.0, 6.0, 4.0, 3.0, 2.0, 5.0)


@dataclass(frozen=True)
class SearchHit:
    product_id: str
    seq: int
    sku: str
    name: str
    brand: str
    price: int
    unit: str
    active: bool
    exact: bool  # an exact barcode or SKU hit


# -- prepared SQL (built once; sqlite3's statement cache keeps them compiled) -------------

_COLUMNS = "p.id, p.seq, p.sku, p.name, p.brand, p.price, p.unit, p.active, p.category_id"

_BY_BARCODE = f"""
SELECT {_COLUMNS} FROM barcodes b JOIN products p ON p.id = b.product_id
 WHERE b.lookup_key = ?"""

_BY_SKU = f"SELECT {_COLUMNS} FROM products p WHERE p.sku IN (?, ?, ?)"

# A product named exactly as typed leads the text matches (one probe of ix_products_name_seq).
_BY_NAME = f"SELECT {_COLUMNS} FROM products p WHERE p.name = ? ORDER BY p.seq LIMIT ?"

_SCORE = "bm25(product_search, {})".format(", ".join(str(w) for w in WEIGHTS))

# The FTS subquery ranks and cuts first; only the top rows are joined to products.
_TRIGRAM = f"""
SELECT {_COLUMNS} FROM (
    SELECT rowid AS seq, {_SCORE} AS score FROM product_search
     WHERE product_search MATCH ?1 ORDER BY score LIMIT ?2) f
  JOIN products p ON p.seq = f.seq
 ORDER BY f.score"""

_WORDS = f"""
SELECT {_COLUMNS} FROM (
    SELECT rowid AS seq, bm25(product_words) AS score FROM product_words
     WHERE product_words MATCH ?1 ORDER BY score LIMIT ?2) f
  JOIN products p ON p.seq = f.seq
 ORDER BY f.score"""

_BOTH = f"""
SELECT {_COLUMNS} FROM (
    SELECT rowid AS seq, {_SCORE} AS score FROM product_search
     WHERE product_search MATCH ?1
       AND +rowid IN (SELECT rowid FROM product_words WHERE product_words MATCH ?3)
     ORDER BY score LIMIT ?2) f
  JOIN products p ON p.seq = f.seq
 ORDER BY f.score"""

def _printable(text: str) -> str:
    """Control and format characters out (separators become spaces, zero-width ones go)."""
    out = []
    for ch in text:
        kind = unicodedata.category(ch)
        if kind in ("Cf", "Cs"):
            continue
        out.append(" " if kind == "Cc" or kind[0] == "Z" else ch)
    return "".join(out)


def _code_text(text: str) -> str:
    """A code as scanned or typed: control characters (``\\r``, GS, BOM) dropped, trimmed."""
    text = text[:MAX_QUERY_CHARS * 2]
    if not text.isprintable():
        text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    return text.strip()


def clean_query(query: str) -> str:
    """The query as it is searched: capped, folded, control characters gone, trimmed."""
    text = fold((query or "")[: MAX_QUERY_CHARS * 2])
    if not text.isprintable():
        text = _printable(text)
    return text[:MAX_QUERY_CHARS].strip()


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def match_expressions(cleaned: str) -> tuple[str | None, str | None]:
    """(trigram MATCH, words MATCH) for a cleaned query; None where there is no such term.

    Short terms with no letter or digit (``-``, ``%``) cannot be indexed by unicode61 and
    are ignored; terms repeated are searched once.
    """
    long_terms: list[str] = []
    short_terms: list[str] = []
    for term in dict.fromkeys(cleaned.split()):
        if len(term) >= 3:
            long_terms.append(_quote(term))
        elif any(ch.isalnum() for ch in term):
            short_terms.append(_quote(term) + "*")
        if len(long_terms) + len(short_terms) >= MAX_TERMS:
            break
    return (" AND ".join(long_terms) or None, " AND ".join(short_terms) or None)


def _hit(row: tuple, exact: bool) -> SearchHit:
    return SearchHit(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]), exact)


def search_products(
    conn: sqlite3.Connection,
    query: str,
    *,
    limit: int = DEFAULT_LIMIT,
    active_only: bool = True,
    category_id: str | None = None,
    brand: str | None = None,
) -> list[SearchHit]:
    """Products matching ``query`` on a bare sqlite3 connection: exact barcode hit, exact
    SKU hit, then text matches by rank. At most ``limit`` hits; never raises on user text."""
    if limit <= 0 or not query:
        return []
    cleaned = clean_query(query)
    if not cleaned:
        return []
    raw = _code_text(query)  # as typed or scanned, for the barcode, SKU and name probes

    def wanted(row: tuple) -> bool:
        return ((not active_only or row[7])
                and (category_id is None or row[8] == category_id)
                and (brand is None or row[4] == brand))

    hits: list[SearchHit] = []
    seen: set[str] = set()
    try:
        key = barcode_lookup_key(raw)
    except InvalidBarcode:
        key = None
    if key is not None:
        for row in conn.execute(_BY_BARCODE, (key,)):
            if wanted(row):
                hits.append(_hit(row, True))
                seen.add(row[0])
        if hits and key.isdigit() and len(key) == 14:
            return hits  # a scanned GTIN: its product, not every code sharing its digits
    sku = raw[:64]
    for row in conn.execute(_BY_SKU, (sku, sku.upper(), sku.lower())):
        if row[0] not in seen and wanted(row):
            hits.append(_hit(row, True))
            seen.add(row[0])
    if len(hits) >= limit:
        return hits[:limit]
    for row in conn.execute(_BY_NAME, (raw, limit)):
        if row[0] not in seen and wanted(row):
            hits.append(_hit(row, False))
            seen.add(row[0])

    trigram, words = match_expressions(cleaned)
    if trigram and words:
        sql, params = _BOTH, [trigram, 0, words]
    elif trigram:
        sql, params = _TRIGRAM, [trigram, 0]
    elif words:
        sql, params = _WORDS, [words, 0]
    else:
        return hits
    # Fetch a little more than needed; filters (category, brand) may discard most rows,
    # so widen the window until enough pass or the matches run out.
    need = limit - len(hits)
    if need <= 0:
        return hits[:limit]
    window = need + len(seen) + (8 if category_id is None and brand is None else need * 8)
    while True:
        params[1] = window
        rows = conn.execute(sql, params).fetchall()
        text_hits = [_hit(row, False) for row in rows if row[0] not in seen and wanted(row)]
        if len(text_hits) >= need or len(rows) < window or window < 0:
            break
        window = window * 8 if window < 1_000_000 else -1  # -1: no limit
    hits.extend(text_hits[:need])
    return hits


def lookup_code(conn: sqlite3.Connection, code: str) -> SearchHit | None:
    """The product whose barcode (or else SKU) is exactly ``code``, active or not."""
    raw = _code_text(code or "")
    if not raw:
        return None
    try:
        row = conn.execute(_BY_BARCODE, (barcode_lookup_key(raw),)).fetchone()
    except InvalidBarcode:
        row = None
    if row is None:
        row = conn.execute(_BY_SKU, (raw, raw.upper(), raw.lower())).fetchone()
    return _hit(row, True) if row else None


class CatalogSearch:
    """The catalog search for the GUI and the till: reads only, blocks no writer.

    It runs on a pooled connection's bare sqlite3 handle rather than an ORM session: a
    session costs ~70 µs per call, seven times a scan's indexed lookup (bench/search.py).
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    def search(self, query: str, **kw) -> list[SearchHit]:
        """See :func:`search_products` (keywords: limit, active_only, category_id, brand)."""
        if not query or not query.strip():
            return []
        with self.db.raw_reader() as conn:
            return search_products(conn, query, **kw)

    def lookup_code(self, code: str) -> SearchHit | None:
        """Exact barcode/SKU lookup (the scan field), without the text search."""
        if not code or not code.strip():
            return None
        return lookup_code(self.db.lookup_connection(), code)  # one SELECT or two: autocommit reads
