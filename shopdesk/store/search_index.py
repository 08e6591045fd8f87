"""The catalog's search index (SQLite FTS5), kept beside the products table.

Two FTS5 tables, both keyed by ``products.seq`` (a stable integer; a rowid could change
on VACUUM or a batch migration):

- ``product_search`` (trigram tokenizer): substring search of 3+ characters in name, SKU,
  barcodes, brand, category and the pinyin of Chinese names, Chinese included.
- ``product_words`` (unicode61 tokenizer with 1- and 2-character prefix indexes): the
  indexed path for 1- and 2-character queries that trigrams cannot answer. It holds the
  words of the same fields, pinyin syllables and initials (``niu nai niunai nn``), and
  every Chinese character and character pair as its own token (``牛 奶 牛奶``).

The index is maintained in the same transaction as the product change, by the services
(``index_products``); ``rebuild`` refills it from scratch.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Sequence

INDEX_VERSION = "1"
META_KEY = "search_index_version"
SEARCH_TABLES = ("product_search", "product_words")

CREATE_STATEMENTS = (
    "CREATE VIRTUAL TABLE product_search USING fts5("
    "name, sku, codes, brand, category, pinyin, tokenize = 'trigram')",
    "CREATE VIRTUAL TABLE product_words USING fts5("
    "words, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2')",
)
DROP_STATEMENTS = ("DROP TABLE IF EXISTS product_search", "DROP TABLE IF EXISTS product_words")


def is_search_table(name: str) -> bool:
    """FTS5 tables and their shadow tables live outside the SQLAlchemy models."""
    return any(name == table or name.startswith(table + "_") for table in SEARCH_TABLES)


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def fold(text: str) -> str:
    """Width- and case-folded text (full-width Ａ１ → a1), as both index and queries use it."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def _pinyin(text: str, initials: bool = False) -> list[str]:
    # pypinyin loads a large phrase dictionary (~0.2 s): imported at the first Chinese name
    # indexed, not when the app starts.
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(text, style=Style.FIRST_LETTER if initials else Style.NORMAL, errors="ignore")


def pinyin_of(text: str) -> tuple[str, str, str]:
    """(syllables 'niu nai', joined 'niunai', initials 'nn') of the Chinese in ``text``."""
    runs = _CJK.findall(text or "")
    if not runs:
        return "", "", ""
    syllables, joined, initials = [], [], []
    for run in runs:
        sounds = _pinyin(run)
        syllables.extend(sounds)
        joined.append("".join(sounds))
        initials.append("".join(_pinyin(run, initials=True)))
    return " ".join(syllables), " ".join(joined), " ".join(initials)


def cjk_tokens(text: str) -> str:
    """Each Chinese character and each adjacent pair as tokens, with the pair's pinyin and
    initials (牛奶 → 牛 奶 牛奶 niunai nn), so 1–2 character and initials queries hit."""
    tokens = []
    for run in _CJK.findall(text or ""):
        sounds = _pinyin(run)
        aligned = len(sounds) == len(run)
        tokens.extend(run)
        for i in range(len(run) - 1):
            tokens.append(run[i:i + 2])
            if aligned:
                tokens.append(sounds[i] + sounds[i + 1])
                tokens.append(sounds[i][:1] + sounds[i + 1][:1])
    return " ".join(tokens)


def documents(name: str, sku: str, codes: str, brand: str, category: str) -> tuple[tuple, str]:
    """The two index rows for one product: trigram columns and the words text."""
    syllables, joined, initials = pinyin_of(name + " " + brand)
    search_row = (fold(name), fold(sku), codes, fold(brand), fold(category),
                  " ".join(p for p in (joined, initials) if p))
    words = " ".join(part for part in (
        fold(name), fold(sku), codes, fold(brand), fold(category), syllables, joined, initials,
        cjk_tokens(name + " " + brand + " " + category),
    ) if part)
    return search_row, words


_SOURCE = """
SELECT p.seq, p.name, p.sku, COALESCE(GROUP_CONCAT(b.code, ' '), ''), p.brand, COALESCE(c.name, '')
  FROM products p
  LEFT JOIN barcodes b ON b.product_id = p.id
  LEFT JOIN categories c ON c.id = p.category_id
"""


def _write(conn: sqlite3.Connection, rows: Iterable[tuple]) -> int:
    search_rows, word_rows = [], []
    for seq, name, sku, codes, brand, category in rows:
        search_row, words = documents(name, sku, codes, brand, category)
        search_rows.append((seq, *search_row))
        word_rows.append((seq, words))
    conn.executemany(
        "INSERT INTO product_search (rowid, name, sku, codes, brand, category, pinyin) VALUES (?, ?, ?, ?, ?, ?, ?)",
        search_rows,
    )
    conn.executemany("INSERT INTO product_words (rowid, words) VALUES (?, ?)", word_rows)
    return len(search_rows)


def index_products(conn: sqlite3.Connection, product_ids: Sequence[str]) -> None:
    """(Re)index these products inside the caller's transaction."""
    for start in range(0, len(product_ids), 500):
        chunk = list(product_ids[start:start + 500])
        marks = ",".join("?" * len(chunk))
        seqs = [row[0] for row in conn.execute(f"SELECT seq FROM products WHERE id IN ({marks})", chunk)]
        forget_seqs(conn, seqs)
        _write(conn, conn.execute(f"{_SOURCE} WHERE p.id IN ({marks}) GROUP BY p.id", chunk))


def forget_seqs(conn: sqlite3.Connection, seqs: Sequence[int]) -> None:
    conn.executemany("DELETE FROM product_search WHERE rowid = ?", [(s,) for s in seqs])
    conn.executemany("DELETE FROM product_words WHERE rowid = ?", [(s,) for s in seqs])


def rebuild(conn: sqlite3.Connection, progress: Callable[[int, int], None] | None = None,
            batch: int = 20_000) -> int:
    """Empty and refill both tables inside the caller's transaction; returns products indexed."""
    conn.execute("DELETE FROM product_search")
    conn.execute("DELETE FROM product_words")
    total = conn.execute("SELECT count(*) FROM products").fetchone()[0]
    done, last_seq = 0, -1
    while True:
        rows = conn.execute(
            f"{_SOURCE} WHERE p.seq > ? GROUP BY p.id ORDER BY p.seq LIMIT ?", (last_seq, batch)
        ).fetchall()
        if not rows:
            break
        done += _write(conn, rows)
        last_seq = rows[-1][0]
        if progress:
            progress(done, total)
    conn.execute(
        "INSERT INTO app_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (META_KEY, INDEX_VERSION),
    )
    return done


def is_current(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM app_meta WHERE key = ?", (META_KEY,)).fetchone()
    return row is not None and row[0] == INDEX_VERSION


def next_seq(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM products").fetchone()[0]
