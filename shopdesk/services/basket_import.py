"""Purchase history from a basket file, for the recommender.

Format: one basket per line, the items comma-separated (CSV quoting allowed for names
with commas), each an item's name or SKU; a name repeated in a line is one more of it.
No header. Empty lines are skipped. Items are matched to products by SKU (as written or
upper-cased), else by exact name; an unknown name becomes a product (the same name in other
letter cases is the same new product) (category "Imported", price
0, standard tax, SKU ``B-000001``…, searchable like any other).

Each line becomes one past sale, in file order, on the "H" till (made on first use, so
the real tills' receipt numbers and Z reports are untouched), dated a millisecond apart,
after any history imported before. The sales are history only: they do not move stock (the shelf was counted
since), so ``stock verify`` stays true. All lines in one transaction, or none.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from shopdesk.domain.cart import LineInput, price_cart
from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.domain.tax import TaxRate as DomainTaxRate
from shopdesk.services import audit
from shopdesk.services.csv_files import decode_csv_bytes, read_source, refuse_nul
from shopdesk.services.staff_session import StaffSession
from shopdesk.store import search_index
from shopdesk.store.database import Database
from shopdesk.store.types import new_id, quantity_to_db, time_to_db, utcnow

HISTORY_TILL = "H"
IMPORTED_CATEGORY = "Imported"
MAX_FILE_BYTES = 512 * 2**20
MAX_ITEM_CHARS = 200


@dataclass(frozen=True)
class BasketImport:
    baskets: int
    lines: int
    new_products: int
    first_receipt: str
    last_receipt: str


def read_baskets(data: bytes | str | os.PathLike) -> list[list[str]]:
    """The baskets of a file: lists of item names as written (trimmed), empty lines left out."""
    raw = read_source(data)
    if len(raw) > MAX_FILE_BYTES:
        raise ValidationError("file", QT_TRANSLATE_NOOP(
            "errors", "The basket file is larger than 512 MB; split it."))
    text, _ = decode_csv_bytes(raw)
    refuse_nul(text)
    baskets = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        items = [unicodedata.normalize("NFC", cell).strip() for cell in row]
        items = [item for item in items if item]
        if not items:
            continue
        too_long = next((item for item in items if len(item) > MAX_ITEM_CHARS), None)
        if too_long is not None:
            raise ValidationError("file", QT_TRANSLATE_NOOP(
                "errors", "Line {line}: an item name is longer than {max} characters ('{start}…'); "
                          "is the file really one basket per line?"), line=number, max=MAX_ITEM_CHARS,
                start=too_long[:30])
        baskets.append(items)
    if not baskets:
        raise ValidationError("file", QT_TRANSLATE_NOOP("errors", "The basket file has no baskets."))
    return baskets


class BasketImportService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def import_baskets(self, actor: StaffSession, data: bytes | str | os.PathLike) -> BasketImport:
        actor.require(Permission.MANAGE_CATALOG)
        baskets = read_baskets(data)
        with self.db.raw_transaction() as conn:
            products = _ProductIndex(conn, {item for basket in baskets for item in basket})
            store = conn.execute("SELECT currency, prices_include_tax FROM store_settings").fetchone()
            if store is None:
                raise ValidationError("store", QT_TRANSLATE_NOOP(
                    "errors", "This database has no store yet; run the set-up first."))
            currency, prices_include_tax = store[0], bool(store[1])
            till_id, last_no = _history_till(conn)
            # A millisecond apart, after any history already there, so file order is time order.
            first = utcnow() - timedelta(milliseconds=len(baskets))
            latest = conn.execute("SELECT MAX(completed_at) FROM sales WHERE till_id = ?", (till_id,)).fetchone()[0]
            if latest is not None:
                first = max(first, datetime.fromisoformat(latest) + timedelta(milliseconds=1))
            sales, lines, payments = [], [], []
            for n, names in enumerate(baskets):
                counts: dict[str, int] = {}
                for name in names:
                    product_id = products.resolve(name)
                    counts[product_id] = counts.get(product_id, 0) + 1
                priced = price_cart([LineInput(key=pid, quantity=Decimal(q), unit_price=products.price[pid],
                                               tax=products.tax[pid]) for pid, q in counts.items()],
                                    prices_include_tax=prices_include_tax)
                sale_id = new_id()
                when = time_to_db(first + timedelta(milliseconds=n))
                number = f"{HISTORY_TILL}-{last_no + n + 1:06d}"
                sales.append((sale_id, number, till_id, actor.user_id, currency, int(prices_include_tax),
                              priced.net_total, priced.tax_total, priced.grand_total, when, when))
                for line_no, p in enumerate(priced.lines, start=1):
                    lines.append((new_id(), sale_id, line_no, p.key, products.name[p.key], quantity_to_db(p.quantity),
                                  p.unit_price, 0, p.tax_code, str(p.tax_percent), p.net, p.tax, p.gross))
                payments.append((new_id(), sale_id, "cash", priced.grand_total, priced.grand_total, 0, when))
            products.write_new()
            conn.executemany(
                "INSERT INTO sales (id, receipt_number, till_id, user_id, currency, prices_include_tax, net_total,"
                " tax_total, grand_total, created_at, completed_at, kind, cart_discount, rounding)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sale', 0, 0)", sales)
            conn.executemany(
                "INSERT INTO sale_lines (id, sale_id, line_no, product_id, description, quantity, unit_price,"
                " discount, tax_code, tax_percent, net, tax, gross) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                lines)
            conn.executemany(
                "INSERT INTO sale_payments (id, sale_id, tender, amount, tendered, change, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)", payments)
            conn.execute("UPDATE tills SET last_receipt_no = ? WHERE id = ?", (last_no + len(baskets), till_id))
            audit.record(conn, actor, "history.baskets_imported", entity_type="sales", baskets=len(baskets),
                         lines=len(lines), new_products=len(products.new))
            return BasketImport(len(baskets), len(lines), len(products.new), sales[0][1], sales[-1][1])


class _ProductIndex:
    """Item texts → product ids (by SKU, else by name), making products for names nobody has
    (written at the end). Only the file's own distinct texts are looked up, in chunks, so a
    catalog of a million products is not read into memory."""

    def __init__(self, conn, texts: set[str]) -> None:
        self.conn = conn
        self.by_key: dict[str, str] = {}
        self.price: dict[str, int] = {}
        self.name: dict[str, str] = {}
        self.tax: dict[str, DomainTaxRate] = {}
        rates = {tid: DomainTaxRate(code=code, percent=Decimal(pct))
                 for tid, code, pct in conn.execute("SELECT id, code, percent FROM tax_rates")}
        wanted = sorted(texts | {t.upper() for t in texts})
        for column in ("name", "sku"):  # an SKU wins over a name when a text is both
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for pid, sku, name, price, tax_id in conn.execute(
                        f"SELECT id, sku, name, price, tax_rate_id FROM products WHERE {column} IN ({marks})", chunk):
                    self.by_key[_key(sku if column == "sku" else name)] = pid
                    self.price[pid], self.name[pid], self.tax[pid] = price, name, rates[tax_id]
        std = conn.execute("SELECT id FROM tax_rates WHERE code = 'STD'").fetchone() or \
            conn.execute("SELECT id FROM tax_rates ORDER BY code LIMIT 1").fetchone()
        self.std_id, self.std = std[0], rates[std[0]]
        self.new: list[tuple[str, str, str]] = []  # (id, sku, name)
        (self.taken,) = conn.execute("SELECT COUNT(*) FROM products WHERE sku LIKE 'B-%'").fetchone()

    def resolve(self, text: str) -> str:
        found = self.by_key.get(_key(text))
        if found is not None:
            return found
        pid = new_id()
        self.taken += 1
        sku = f"B-{self.taken:06d}"
        while _key(sku) in self.by_key or self.conn.execute("SELECT 1 FROM products WHERE sku = ?", (sku,)).fetchone():
            self.taken += 1
            sku = f"B-{self.taken:06d}"
        self.new.append((pid, sku, text))
        self.by_key[_key(text)] = pid
        self.by_key[_key(sku)] = pid
        self.price[pid], self.name[pid], self.tax[pid] = 0, text, self.std
        return pid

    def write_new(self) -> None:
        if not self.new:
            return
        conn = self.conn
        row = conn.execute("SELECT id FROM categories WHERE name = ? AND parent_id IS NULL",
                           (IMPORTED_CATEGORY,)).fetchone()
        now = time_to_db(utcnow())
        if row is None:
            category_id = new_id()
            conn.execute("INSERT INTO categories (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                         (category_id, IMPORTED_CATEGORY, now, now))
        else:
            category_id = row[0]
        seq = search_index.next_seq(conn)
        conn.executemany(
            "INSERT INTO products (id, seq, sku, name, description, category_id, brand, attributes, price, cost,"
            " tax_rate_id, unit, active, options, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, '', ?, '', '{}', 0, 0, ?, 'piece', 1, '{}', ?, ?)",
            [(pid, seq + i, sku, name[:200], category_id, self.std_id, now, now)
             for i, (pid, sku, name) in enumerate(self.new)])
        search_index.index_products(conn, [pid for pid, _sku, _name in self.new])


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def _history_till(conn) -> tuple[str, int]:
    row = conn.execute("SELECT id, last_receipt_no FROM tills WHERE code = ?", (HISTORY_TILL,)).fetchone()
    if row is not None:
        return row[0], row[1]
    floor = conn.execute("SELECT id FROM locations WHERE code = 'FLOOR'").fetchone()
    if floor is None:
        raise ValidationError("store", QT_TRANSLATE_NOOP("errors", "No stock location has the code {code}."),
                              code="FLOOR")
    till_id, now = new_id(), time_to_db(utcnow())
    conn.execute("INSERT INTO tills (id, code, name, location_id, last_receipt_no, created_at, updated_at)"
                 " VALUES (?, ?, 'Imported history', ?, 0, ?, ?)", (till_id, HISTORY_TILL, floor[0], now, now))
    return till_id, 0
