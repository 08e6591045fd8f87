"""CSV export of the catalog, in the columns :mod:`shopdesk.services.catalog_import` reads.

UTF-8 with a byte-order mark (so Excel opens it as UTF-8), comma-delimited, quoted where
needed, CRLF line ends. Amounts are plain decimals in the store's currency (``12.50``),
quantities plain decimals (``2.5``), ``active`` is 1/0, barcodes are joined by `` | ``,
categories written as paths (``Food > Dairy``), attributes as ``name=value; name=value``
(or a JSON object when a name or value holds ``;`` or ``=``). Exporting and importing the
file again finds nothing to change.

Rows stream out in keyset pages ordered by ``seq``; the catalog is never loaded whole.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import to_decimal
from shopdesk.domain.quantity import from_milli
from shopdesk.services.catalog import CATEGORY_SEPARATOR, category_path_parts
from shopdesk.services.catalog_import import (
    COLUMNS,
    DEFAULT_TAX_CODE,
    Cancel,
    ImportCancelled,
    Progress,
)
from shopdesk.store import till_queries
from shopdesk.store.database import Database, dbapi_connection

PAGE = 2000

_PAGE_SQL = """
SELECT p.id, p.seq, p.sku, p.name, p.price, p.cost, t.code, p.category_id, p.brand, p.unit, p.reorder_point,
       p.max_stock, p.active, p.description, p.attributes
  FROM products p JOIN tax_rates t ON t.id = p.tax_rate_id
 WHERE p.seq > ? {where}
 ORDER BY p.seq LIMIT ?"""


def format_attributes_cell(text: str) -> str:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return text or ""
    if not isinstance(value, dict) or not value:
        return ""
    pairs = {str(k): str(v) for k, v in value.items()}
    if any(";" in x or "=" in x or x != x.strip() or not x for x in pairs) or any(
            ";" in x or x != x.strip() for x in pairs.values()) or next(iter(pairs)).startswith("{"):
        return json.dumps(pairs, ensure_ascii=False)
    return "; ".join(f"{k}={v}" for k, v in pairs.items())


def _category_paths(conn: sqlite3.Connection) -> tuple[dict[str, str], dict[str, list[str]]]:
    rows = conn.execute("SELECT id, parent_id, name FROM categories").fetchall()
    parent = {cid: (pid, name) for cid, pid, name in rows}
    children: dict[str, list[str]] = {}
    for cid, pid, _ in rows:
        if pid:
            children.setdefault(pid, []).append(cid)
    paths = {}
    for cid in parent:
        parts, at = [], cid
        while at:
            at, name = parent[at]
            parts.append(name)
        paths[cid] = f" {CATEGORY_SEPARATOR} ".join(reversed(parts))
    return paths, children


def _subtree(children: dict[str, list[str]], root: str) -> list[str]:
    found, stack = [], [root]
    while stack:
        cid = stack.pop()
        found.append(cid)
        stack.extend(children.get(cid, ()))
    return found


def _write_rows(conn: sqlite3.Connection, out: IO[str], *, category_id: str | None, brand: str | None,
                active_only: bool, progress: Progress | None, cancel: Cancel | None) -> int:
    pricing = till_queries.store_pricing(conn)
    currency = pricing[0] if pricing else "EUR"
    paths, children = _category_paths(conn)
    where, params = [], []
    if category_id is not None:
        ids = _subtree(children, category_id)
        where.append(f"AND p.category_id IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    if brand is not None:
        where.append("AND p.brand = ?")
        params.append(brand.strip())
    if active_only:
        where.append("AND p.active")
    sql = _PAGE_SQL.format(where=" ".join(where))
    total = conn.execute(f"SELECT count(*) FROM products p WHERE p.seq > ? {' '.join(where)}",
                         [-1, *params]).fetchone()[0]
    writer = csv.writer(out, delimiter=",", quotechar='"', lineterminator="\r\n")
    writer.writerow(COLUMNS)
    last, done = -1, 0
    while True:
        if cancel is not None and cancel():
            raise ImportCancelled()
        page = conn.execute(sql, [last, *params, PAGE]).fetchall()
        if not page:
            break
        ids = [r[0] for r in page]
        codes: dict[str, list[str]] = {}
        marks = ",".join("?" * len(ids))
        for pid, code in conn.execute(
                f"SELECT product_id, code FROM barcodes WHERE product_id IN ({marks}) ORDER BY code", ids):
            codes.setdefault(pid, []).append(code)
        for (pid, _seq, sku, name, price, cost, tax, cat, brand_, unit, rp, top, active, description,
             attributes) in page:
            writer.writerow((
                sku, name, str(to_decimal(price, currency)), str(to_decimal(cost, currency)),
                tax or DEFAULT_TAX_CODE, " | ".join(codes.get(pid, ())), paths.get(cat, "") if cat else "",
                brand_, unit, "" if rp is None else str(from_milli(rp)), "" if top is None else str(from_milli(top)),
                "1" if active else "0",
                description, format_attributes_cell(attributes),
            ))
        done += len(page)
        last = page[-1][1]
        if progress is not None:
            progress(done, total)
    return done


def export_products_csv(db: Database, path_or_file: str | os.PathLike | IO, *, category_id: str | None = None,
                        brand: str | None = None, active_only: bool = False,
                        progress: Callable[[int, int], None] | None = None,
                        cancel: Callable[[], bool] | None = None) -> int:
    """Write the catalog (or the products of a category and its subcategories, of a brand,
    active ones only) as CSV; returns the number of products written.

    ``path_or_file`` is a path (written to a temporary file beside it and renamed, so a
    failure never leaves half a file) or an open file: binary files get UTF-8 with BOM,
    text files get the text with a leading BOM character.
    """
    with db.reader() as s:
        conn = dbapi_connection(s)
        options = dict(category_id=category_id, brand=brand, active_only=active_only, progress=progress,
                       cancel=cancel)
        if hasattr(path_or_file, "write"):
            if isinstance(path_or_file, io.TextIOBase):
                path_or_file.write("\ufeff")
                return _write_rows(conn, path_or_file, **options)
            text = io.TextIOWrapper(path_or_file, encoding="utf-8-sig", newline="")
            try:
                return _write_rows(conn, text, **options)
            finally:
                text.flush()
                text.detach()
        target = Path(path_or_file)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
        try:
            with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as out:
                count = _write_rows(conn, out, **options)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return count


def category_by_path(db: Database, path: str) -> str:
    """The id of the category at ``path`` ("Food > Dairy"); ValidationError when there is none."""
    wanted = f" {CATEGORY_SEPARATOR} ".join(category_path_parts(path))
    with db.reader() as s:
        paths, _ = _category_paths(dbapi_connection(s))
    for cid, found in paths.items():
        if found == wanted:
            return cid
    raise ValidationError("category", QT_TRANSLATE_NOOP("errors", "There is no category '{path}'."), path=path)
