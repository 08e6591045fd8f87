"""CSV import of products: read, preview (no writes), then apply in one transaction.

The file
--------
UTF-8 with or without a byte-order mark (what "CSV UTF-8" in a spreadsheet saves),
comma, semicolon or tab delimited (the delimiter is the one of ``,`` ``;`` ``\\t`` that
occurs most often, outside quotes, in the header line), fields quoted the way spreadsheets
quote them (``"a ""quoted""; value"``, embedded delimiters and line breaks).

The first row names the columns (case-insensitive, any order; columns with an empty
header are ignored, any other unknown name is an error for the whole file):

=============  ===========================================================================
sku            the shop's product code; **required**. A product with this SKU is updated,
               otherwise a new product is created.
name           required for new products.
price          required for new products. A decimal in the store's currency, written in
               the store's locale (``12,50`` in de_DE, ``€12.50`` in en_GB) or plain
               (``12.50``). A dot followed by groups of three digits in a locale that groups
               thousands with a dot (``1.250`` in de_DE) is read as that locale's 1250.
cost           like price; an empty cell means 0.
tax_code       a tax rate's code (``STD``, ``RED``, ...); default ``STD``.
barcodes       zero or more codes separated by ``|``, spaces, commas or semicolons. GTINs
               (8, 12, 13, 14 digits) must have a valid check digit.
category       a path, ``Food > Dairy > Milk``; missing levels are created unless the
               import is told not to (then an unknown category rejects the row).
brand          free text.
unit           one of piece, kg, g, l, m; default piece.
reorder_point  a quantity (at most 3 decimals), 0 or more; empty means none.
max_stock      the "order up to" level a reorder restores: a quantity like reorder_point;
               empty means none (a reorder then orders up to twice the reorder point).
               It cannot be below the reorder point (the file's, or the product's own
               when the file does not change it).
active         1/0, yes/no, true/false (any case); default yes.
description    free text.
attributes     a JSON object (``{"colour": "red"}``) or ``colour=red; size=M``.
=============  ===========================================================================

For a product that already exists, a column absent from the file keeps its value. An
empty cell keeps the value of name, price, tax_code, unit and active, and clears the
others (cost becomes 0, barcodes/category/brand/description/attributes/reorder point/
max stock are removed).

Row numbers in messages are the rows a spreadsheet shows: the header is row 1, the first
product row 2 (a quoted field spanning lines still counts as one row).

How it runs
-----------
``read_products_csv`` decodes and splits the file; :meth:`CatalogImport.preview` checks
every row against the rules and the database without writing, and returns what would be
created, updated (with each change, e.g. price 1.29 → 1.35) and rejected (row, column,
value, reason). :meth:`CatalogImport.apply` writes a preview in ONE transaction, re-checking
what another user may have changed since; a failure or a cancel leaves the database as it
was. Both take ``progress(done, total)`` and ``cancel() -> bool`` callbacks, called about
every 1000 rows, so a GUI worker thread can drive a progress bar with a Cancel button.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from babel.numbers import get_group_symbol

from shopdesk.domain.errors import InvalidBarcode, ShopDeskError, StateError, ValidationError
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import MAX_TYPED_MINOR, minor_digits, parse_money, to_decimal
from shopdesk.domain.parsing import NotANumber, parse_localized_decimal
from shopdesk.domain.permissions import Permission
from shopdesk.domain.product_fields import parse_attributes, split_barcodes
from shopdesk.domain.quantity import from_milli, to_milli
from shopdesk.services import audit
from shopdesk.services.catalog import CATEGORY_SEPARATOR, UNITS, category_path_parts
from shopdesk.services.csv_files import (
    ImportFileError,
    RowError,
    decode_csv_bytes,
    read_source,
    refuse_nul,
    sniff_delimiter,
)
from shopdesk.services.staff_session import StaffSession
from shopdesk.store import search_index, till_queries
from shopdesk.store.database import Database, dbapi_connection
from shopdesk.store.types import new_id, time_to_db, utcnow

COLUMNS = (
    "sku", "name", "price", "cost", "tax_code", "barcodes", "category", "brand", "unit",
    "reorder_point", "max_stock", "active", "description", "attributes",
)
DEFAULT_TAX_CODE = "STD"
CHECK_EVERY = 1000  # rows between progress reports / cancel checks
_CHUNK = 500  # ids per IN (...) query
_TRUE = frozenset({"1", "yes", "true", "y"})
_FALSE = frozenset({"0", "no", "false", "n"})
# A plain decimal ("12.50"), accepted whatever the store's locale.
_PLAIN = re.compile(r"^(\d+)(?:\.(\d+))?$")
# What a locale that groups thousands with "." means by "1.250" or "12.345.678".
_DOT_GROUPED = re.compile(r"^[1-9]\d{0,2}(?:\.\d{3})+$")

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


# --------------------------------------------------------------------------- errors


class ImportCancelled(ShopDeskError):
    def __init__(self) -> None:
        super().__init__(QT_TRANSLATE_NOOP("errors", "The import was cancelled; nothing was changed."))


class ImportRejected(ShopDeskError):
    """Apply refused: rows are rejected (or became so since the preview). ``rejects`` lists them."""

    def __init__(self, template: str, rejects: Sequence[RowError], /, **params) -> None:
        self.rejects = tuple(rejects)
        super().__init__(template, count=len(self.rejects), **params)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class ParsedFile:
    columns: tuple[str, ...]  # normalised known names, in file order
    rows: tuple[tuple[int, dict[str, str]], ...]  # (row number, column → raw text)
    delimiter: str
    had_bom: bool
    extra_fields: tuple[int, ...] = ()  # rows with more fields than the header


def read_products_csv(data: bytes | str | os.PathLike) -> ParsedFile:
    """Decode and split a products CSV (``bytes`` content, or a path); raise
    :class:`ImportFileError` when the file as a whole is unusable."""
    data = read_source(data)
    text, had_bom = decode_csv_bytes(bytes(data))
    refuse_nul(text)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    record = 0
    try:
        header = next(reader, None)
        record = 1
        if header is None or not any(h.strip() for h in header):
            raise ImportFileError(QT_TRANSLATE_NOOP(
                "errors", "The file is empty or its first row has no column names; the first row must name the "
                          "columns ({known})."), known=", ".join(COLUMNS))
        names = [h.strip().lstrip("\ufeff").strip().casefold() for h in header]
        unknown = [header[i].strip() for i, n in enumerate(names) if n and n not in COLUMNS]
        if unknown:
            raise ImportFileError(QT_TRANSLATE_NOOP(
                "errors", "Unknown column(s) {unknown} in row 1. The known columns are: {known}."),
                unknown=", ".join(f"'{u}'" for u in unknown), known=", ".join(COLUMNS))
        seen = [n for n in names if n]
        doubled = sorted({n for n in seen if seen.count(n) > 1})
        if doubled:
            raise ImportFileError(QT_TRANSLATE_NOOP("errors", "The column(s) {names} appear more than once in row 1."),
                                  names=", ".join(doubled))
        if "sku" not in seen:
            raise ImportFileError(QT_TRANSLATE_NOOP(
                "errors", "The file has no 'sku' column; it is required to match products."))
        index = [(i, n) for i, n in enumerate(names) if n]
        width = len(names)
        rows, extra = [], []
        for fields in reader:
            record += 1
            if not any(f.strip() for f in fields):
                continue  # blank line
            if len(fields) > width and any(f.strip() for f in fields[width:]):
                extra.append(record)
            rows.append((record, {n: (fields[i] if i < len(fields) else "") for i, n in index}))
    except csv.Error as err:
        raise ImportFileError(QT_TRANSLATE_NOOP("errors", "Row {row} is not valid CSV: {problem}."),
                              row=record + 1, problem=str(err)) from None
    return ParsedFile(tuple(n for _, n in index), tuple(rows), delimiter, had_bom, tuple(extra))


# --------------------------------------------------------------------------- field parsing


class _Bad(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column, self.message = column, message


def parse_amount(text: str, currency: str, locale: str, field: str) -> int:
    """A price or cost cell → minor units (not negative); see the module docstring."""
    text = text.strip()
    digits = minor_digits(currency)
    plain = _PLAIN.match(text)
    grouped = get_group_symbol(locale) == "." and _DOT_GROUPED.match(text)
    if plain and not grouped and len(plain.group(2) or "") <= digits:
        frac = (plain.group(2) or "").ljust(digits, "0")
        minor = int(plain.group(1)) * 10**digits + (int(frac) if frac else 0)
        if minor > MAX_TYPED_MINOR:
            raise ValidationError(field, QT_TRANSLATE_NOOP("errors", "'{text}' is too large for an amount."),
                                  text=text)
        return minor
    return parse_money(text, currency, locale, field, allow_negative=False)


def parse_stock_level(text: str, locale: str, column: str = "reorder_point") -> int:
    """A reorder point or max stock cell → integer thousandths, 0 or more."""
    what = "reorder point" if column == "reorder_point" else "order-up-to level"
    text = text.strip()
    grouped = get_group_symbol(locale) == "." and _DOT_GROUPED.match(text)
    try:
        value = Decimal(text) if _PLAIN.match(text) and not grouped else parse_localized_decimal(text, locale)
    except NotANumber:
        raise _Bad(column, f"'{text}' is not a quantity; write a number such as 5 or 2.5.") from None
    if value < 0:
        raise _Bad(column, f"The {what} cannot be negative ('{text}').")
    try:
        return to_milli(value, column)
    except ValidationError as err:
        raise _Bad(column, err.message) from None


def parse_reorder_point(text: str, locale: str) -> int:
    """A reorder point cell → integer thousandths, 0 or more."""
    return parse_stock_level(text, locale, "reorder_point")


def _check_stock_levels(values: dict, old: dict | None) -> None:
    """Refuse an order-up-to level below the reorder point, taking the product's current
    value for the one of the two columns the row does not set."""
    if "reorder_point" not in values and "max_stock" not in values:
        return
    current = old or {}
    rp = values["reorder_point"] if "reorder_point" in values else current.get("reorder_point")
    top = values["max_stock"] if "max_stock" in values else current.get("max_stock")
    if rp is not None and top is not None and top < rp:
        column = "max_stock" if "max_stock" in values else "reorder_point"
        raise _Bad(column, f"The order-up-to level ({from_milli(top)}) cannot be below the reorder point "
                           f"({from_milli(rp)}).")


def parse_active(text: str) -> bool:
    word = text.strip().casefold()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _Bad("active", f"'{text}' is not a yes/no value; write 1 or 0, yes or no, true or false.")


def _row_values(raw: dict[str, str], ctx: _Context, *, new: bool) -> dict:
    """Validated values of one row (only the columns present). Raises _Bad on the first problem."""
    get = {k: v.strip() for k, v in raw.items()}
    out: dict = {}
    if "name" in get:
        if get["name"]:
            out["name"] = get["name"]
        elif new:
            raise _Bad("name", "A new product needs a name.")
    elif new:
        raise _Bad("name", "A new product needs a name (the file has no name column).")
    for money_field in ("price", "cost"):
        if money_field not in get:
            continue
        if not get[money_field]:
            if money_field == "cost":
                out["cost"] = 0
            continue
        try:
            out[money_field] = parse_amount(get[money_field], ctx.currency, ctx.locale, money_field)
        except ValidationError as err:
            raise _Bad(money_field, err.message) from None
    if new and "price" not in out:
        raise _Bad("price", "A new product needs a price.")
    if get.get("tax_code"):
        code = ctx.tax_rates.get(get["tax_code"].upper())
        if code is None:
            raise _Bad("tax_code", f"There is no tax rate with the code '{get['tax_code']}'; "
                                   f"use one of {', '.join(sorted(ctx.tax_codes))}.")
        out["tax_rate_id"] = code
    if "barcodes" in get:
        codes, keys = [], []
        for code in split_barcodes(get["barcodes"]):
            try:
                key = barcode_lookup_key(code)
            except InvalidBarcode as err:
                raise _Bad("barcodes", err.message) from None
            if key in keys:
                raise _Bad("barcodes", f"The barcode {code} is listed twice in this row.")
            if len(code) > 64:
                raise _Bad("barcodes", f"The barcode {code[:20]}… is longer than 64 characters.")
            codes.append(code)
            keys.append(key)
        out["barcodes"] = tuple(zip(codes, keys, strict=True))
    if "category" in get:
        parts = category_path_parts(get["category"])
        if any(len(p) > 120 for p in parts):
            raise _Bad("category", "A category name is longer than 120 characters.")
        out["category"] = tuple(parts)
    if "brand" in get:
        if len(get["brand"]) > 120:
            raise _Bad("brand", "The brand is longer than 120 characters.")
        out["brand"] = get["brand"]
    if get.get("unit"):
        unit = get["unit"].casefold()
        if unit not in UNITS:
            raise _Bad("unit", f"Unknown unit '{get['unit']}'; use one of {', '.join(UNITS)}.")
        out["unit"] = unit
    if "reorder_point" in get:
        out["reorder_point"] = parse_reorder_point(get["reorder_point"], ctx.locale) if get["reorder_point"] else None
    if "max_stock" in get:
        out["max_stock"] = parse_stock_level(get["max_stock"], ctx.locale, "max_stock") if get["max_stock"] else None
    if get.get("active"):
        out["active"] = parse_active(get["active"])
    if "description" in raw:
        out["description"] = raw["description"].strip()
    if "attributes" in get:
        try:
            out["attributes"] = parse_attributes(get["attributes"])
        except ValidationError as err:
            raise _Bad("attributes", err.message) from None
    if len(out.get("name", "")) > 200:
        raise _Bad("name", "The name is longer than 200 characters.")
    return out


# --------------------------------------------------------------------------- preview


@dataclass
class PlannedRow:
    """One product the import will create (``product_id`` None) or update."""

    row: int
    sku: str
    product_id: str | None
    values: dict  # validated values of the columns the file has (see _row_values)
    changes: dict[str, tuple[str, str]] = field(default_factory=dict)  # column → (old, new), updates only

    @property
    def name(self) -> str:
        return self.values.get("name", "")


@dataclass
class ImportPreview:
    """What :meth:`CatalogImport.apply` would do. Nothing has been written."""

    creates: list[PlannedRow]
    updates: list[PlannedRow]
    rejects: list[RowError]
    unchanged: int  # rows matching a product whose data is already identical
    new_categories: list[str]  # category paths that will be created
    total_rows: int
    columns: tuple[str, ...]
    create_categories: bool = True

    @property
    def ok(self) -> bool:
        return not self.rejects

    def summary(self) -> str:
        text = (f"{len(self.creates)} to create, {len(self.updates)} to update, {self.unchanged} unchanged, "
                f"{len(self.rejects)} rejected")
        if self.new_categories:
            text += f", {len(self.new_categories)} new categor{'y' if len(self.new_categories) == 1 else 'ies'}"
        return text


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    skipped: int = 0  # rejected rows left out (apply with skip_rejected=True)


@dataclass
class _Context:
    currency: str
    locale: str
    tax_rates: dict[str, str]  # CODE (upper) → id
    tax_codes: dict[str, str]  # id → code
    categories: dict[tuple[str | None, str], str]  # (parent id, name) → id
    category_parent: dict[str, tuple[str | None, str]]  # id → (parent id, name)

    def category_lookup(self, parts: Sequence[str]) -> str | None | bool:
        """The id of an existing path, None for the empty path, False when missing."""
        parent = None
        for name in parts:
            parent = self.categories.get((parent, name))
            if parent is None:
                return False
        return parent

    def path_of(self, category_id: str | None) -> str:
        parts = []
        while category_id:
            category_id, name = self.category_parent[category_id]
            parts.append(name)
        return f" {CATEGORY_SEPARATOR} ".join(reversed(parts))


def _load_context(conn: sqlite3.Connection) -> _Context:
    pricing = till_queries.store_pricing(conn)
    if pricing is None:
        raise StateError(QT_TRANSLATE_NOOP("errors", "This database has no store yet; create one first."))
    currency, locale, _ = pricing
    taxes = conn.execute("SELECT id, code FROM tax_rates WHERE active").fetchall()
    cats = conn.execute("SELECT id, parent_id, name FROM categories").fetchall()
    return _Context(
        currency=currency, locale=locale,
        tax_rates={code.upper(): tid for tid, code in taxes}, tax_codes={tid: code for tid, code in taxes},
        categories={(parent, name): cid for cid, parent, name in cats},
        category_parent={cid: (parent, name) for cid, parent, name in cats},
    )


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


_EXISTING = """SELECT id, sku, name, description, category_id, brand, attributes, price, cost, tax_rate_id, unit,
       reorder_point, max_stock, active FROM products WHERE sku IN ({marks})"""


def _existing_products(conn: sqlite3.Connection, skus: Sequence[str]) -> dict[str, dict]:
    found = {}
    for chunk in _chunks(skus):
        cursor = conn.execute(_EXISTING.format(marks=",".join("?" * len(chunk))), list(chunk))
        names = [d[0] for d in cursor.description]
        for row in cursor:
            found[row[1]] = dict(zip(names, row, strict=True))
    by_id = {p["id"]: p for p in found.values()}
    for p in found.values():
        p["barcodes"] = []
    ids = list(by_id)
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for pid, code, key in conn.execute(
                f"SELECT product_id, code, lookup_key FROM barcodes WHERE product_id IN ({marks})", list(chunk)):
            by_id[pid]["barcodes"].append((code, key))
    return found


def _barcode_owners(conn: sqlite3.Connection, keys: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """lookup key → (product id, sku, name) for keys already in the database."""
    owners = {}
    for chunk in _chunks(keys):
        marks = ",".join("?" * len(chunk))
        for key, pid, sku, name in conn.execute(
                f"SELECT b.lookup_key, p.id, p.sku, p.name FROM barcodes b JOIN products p ON p.id = b.product_id"
                f" WHERE b.lookup_key IN ({marks})", list(chunk)):
            owners[key] = (pid, sku, name)
    return owners


def _attrs(text: str) -> dict[str, str]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _money(minor: int | None, currency: str) -> str:
    return "" if minor is None else str(to_decimal(minor, currency))


def _changes(old: dict, new: dict, ctx: _Context) -> dict[str, tuple[str, str]]:
    """column → (old, new) as text, for the values that differ."""
    changes: dict[str, tuple[str, str]] = {}
    for key in ("name", "description", "brand", "unit"):
        if key in new and new[key] != old[key]:
            changes[key] = (old[key], new[key])
    for key in ("price", "cost"):
        if key in new and new[key] != old[key]:
            changes[key] = (_money(old[key], ctx.currency), _money(new[key], ctx.currency))
    if "tax_rate_id" in new and new["tax_rate_id"] != old["tax_rate_id"]:
        changes["tax_code"] = (ctx.tax_codes.get(old["tax_rate_id"], "?"), ctx.tax_codes[new["tax_rate_id"]])
    if "active" in new and new["active"] != bool(old["active"]):
        changes["active"] = ("yes" if old["active"] else "no", "yes" if new["active"] else "no")
    for key in ("reorder_point", "max_stock"):
        if key in new and new[key] != old[key]:
            changes[key] = tuple("" if v is None else str(from_milli(v)) for v in (old[key], new[key]))
    if "attributes" in new and new["attributes"] != _attrs(old["attributes"]):
        changes["attributes"] = (json.dumps(_attrs(old["attributes"]), ensure_ascii=False),
                                 json.dumps(new["attributes"], ensure_ascii=False))
    if "category" in new:
        old_path = ctx.path_of(old["category_id"])
        new_path = f" {CATEGORY_SEPARATOR} ".join(new["category"])
        if old_path != new_path:
            changes["category"] = (old_path, new_path)
    if "barcodes" in new:
        old_codes = sorted(code for code, _ in old["barcodes"])
        new_codes = sorted(code for code, _ in new["barcodes"])
        if old_codes != new_codes:
            changes["barcodes"] = (" | ".join(old_codes), " | ".join(new_codes))
    return changes


def _tick(done: int, total: int, progress: Progress | None, cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise ImportCancelled()
    if progress is not None:
        progress(done, total)


def _check_conflicts(conn: sqlite3.Connection, plans: Sequence[PlannedRow],
                     existing: dict[str, dict]) -> list[RowError]:
    """Rejects caused by the database: barcodes owned by a product that keeps them.

    A barcode may move between products of the same file (one row drops it, another takes
    it); otherwise a barcode already owned by a product other than the row's is refused.
    """
    keys = [key for p in plans for _, key in p.values.get("barcodes", ())]
    owners = _barcode_owners(conn, keys)
    if not owners:
        return []
    # Products whose barcodes the file replaces: their old codes are released.
    releasing = {p.product_id: {k for _, k in p.values["barcodes"]} for p in plans
                 if p.product_id and "barcodes" in p.values}
    errors = []
    for p in plans:
        for code, key in p.values.get("barcodes", ()):
            owner = owners.get(key)
            if owner is None or owner[0] == p.product_id:
                continue
            if owner[0] in releasing and key not in releasing[owner[0]]:
                continue  # moved away from its current owner in this same file
            errors.append(RowError(p.row, "barcodes", code,
                                   f"The barcode {code} already belongs to {owner[2]} (SKU {owner[1]})."))
    return errors


class CatalogImport:
    """Preview and apply a products CSV. Needs :attr:`Permission.MANAGE_CATALOG`."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def preview(self, actor: StaffSession, source: ParsedFile | bytes | str | os.PathLike, *,
                create_categories: bool = True, progress: Progress | None = None,
                cancel: Cancel | None = None) -> ImportPreview:
        """Check every row; write nothing. Raises ImportFileError for an unusable file,
        ImportCancelled when ``cancel()`` returns true."""
        actor.require(Permission.MANAGE_CATALOG)
        parsed = source if isinstance(source, ParsedFile) else read_products_csv(source)
        total = len(parsed.rows)
        with self.db.reader() as s:
            conn = dbapi_connection(s)
            ctx = _load_context(conn)
            skus = list(dict.fromkeys(raw["sku"].strip() for _, raw in parsed.rows if raw["sku"].strip()))
            existing = _existing_products(conn, skus)
            rejects: list[RowError] = []
            plans: list[PlannedRow] = []
            sku_rows: dict[str, int] = {}
            barcode_rows: dict[str, int] = {}
            new_categories: dict[tuple[str, ...], None] = {}
            extra = set(parsed.extra_fields)
            for done, (row, raw) in enumerate(parsed.rows):
                if done % CHECK_EVERY == 0:
                    _tick(done, total, progress, cancel)
                sku = raw["sku"].strip()
                try:
                    if row in extra:
                        raise _Bad("", f"The row has more fields than the header has columns "
                                       f"({len(parsed.columns)}); check the delimiter and the quotes.")
                    if not sku:
                        raise _Bad("sku", "Enter a SKU (the shop's own product code).")
                    if len(sku) > 64:
                        raise _Bad("sku", "The SKU is longer than 64 characters.")
                    if sku in sku_rows:
                        raise _Bad("sku", f"The SKU {sku} is also on row {sku_rows[sku]}.")
                    old = existing.get(sku)
                    values = _row_values(raw, ctx, new=old is None)
                    _check_stock_levels(values, old)
                    for code, key in values.get("barcodes", ()):
                        if key in barcode_rows:
                            raise _Bad("barcodes", f"The barcode {code} is also on row {barcode_rows[key]}.")
                    if "category" in values and values["category"]:
                        found = ctx.category_lookup(values["category"])
                        if found is False:
                            if not create_categories:
                                path = f" {CATEGORY_SEPARATOR} ".join(values["category"])
                                raise _Bad("category", f"There is no category '{path}'.")
                            new_categories[values["category"]] = None
                except _Bad as bad:
                    rejects.append(RowError(row, bad.column, raw.get(bad.column, "").strip() if bad.column else "",
                                            bad.message))
                    continue
                sku_rows[sku] = row
                for _, key in values.get("barcodes", ()):
                    barcode_rows[key] = row
                plan = PlannedRow(row, sku, old["id"] if old else None, values)
                if old is not None:
                    plan.changes = _changes(old, values, ctx)
                plans.append(plan)
            _tick(total, total, progress, cancel)
            conflicts = _check_conflicts(conn, plans, existing)
        if conflicts:
            bad_rows = {e.row for e in conflicts}
            plans = [p for p in plans if p.row not in bad_rows]
            rejects.extend(conflicts)
            rejects.sort(key=lambda e: e.row)
            used = {tuple(p.values.get("category", ())) for p in plans}
            new_categories = {c: None for c in new_categories if c in used}
        return ImportPreview(
            creates=[p for p in plans if p.product_id is None],
            updates=[p for p in plans if p.product_id is not None and p.changes],
            rejects=rejects,
            unchanged=sum(1 for p in plans if p.product_id is not None and not p.changes),
            new_categories=[f" {CATEGORY_SEPARATOR} ".join(c) for c in new_categories],
            total_rows=total, columns=parsed.columns, create_categories=create_categories,
        )

    def apply(self, actor: StaffSession, preview: ImportPreview, *, skip_rejected: bool = False,
              progress: Progress | None = None, cancel: Cancel | None = None) -> ImportResult:
        """Write the preview's creates and updates in one transaction.

        Refuses a preview with rejected rows unless ``skip_rejected`` is true. Conflicts
        that appeared since the preview (a SKU or barcode taken, a product deleted, a tax
        rate gone) raise :class:`ImportRejected` and nothing is written; so does
        ``cancel()`` (:class:`ImportCancelled`) at any point before the commit.
        """
        actor.require(Permission.MANAGE_CATALOG)
        if preview.rejects and not skip_rejected:
            raise ImportRejected(QT_TRANSLATE_NOOP(
                "errors", "{count} row(s) of the file are rejected; correct them or choose to skip them."),
                preview.rejects)
        plans = [*preview.creates, *preview.updates]
        total = 2 * len(plans)
        with self.db.raw_transaction() as conn:
            _tick(0, total, progress, cancel)
            ctx = _load_context(conn)
            now = time_to_db(utcnow())
            existing = _existing_products(conn, [p.sku for p in plans])
            errors = self._recheck(conn, plans, existing, ctx, preview.create_categories)
            if errors:
                raise ImportRejected(QT_TRANSLATE_NOOP(
                    "errors", "The catalog changed since the preview: {count} row(s) now conflict. "
                              "Nothing was imported; preview the file again."), errors)
            category_ids = self._ensure_categories(conn, ctx, plans, now)
            seq = search_index.next_seq(conn)
            touched: list[str] = []
            product_rows, update_rows, price_rows = [], [], []
            drop_barcodes, barcode_rows = [], []
            for done, plan in enumerate(plans):
                if done % CHECK_EVERY == 0:
                    _tick(done, total, progress, cancel)
                v = plan.values
                category = category_ids.get(v["category"]) if "category" in v else None
                rp = v.get("reorder_point")
                if plan.product_id is None:
                    pid = new_id()
                    product_rows.append((
                        pid, now, now, seq, plan.sku, v["name"], v.get("description", ""), category,
                        v.get("brand", ""), json.dumps(v.get("attributes", {}), ensure_ascii=False), v["price"],
                        v.get("cost", 0), v.get("tax_rate_id", ctx.tax_rates[DEFAULT_TAX_CODE]),
                        v.get("unit", "piece"), rp, v.get("max_stock"), int(v.get("active", True)),
                    ))
                    seq += 1
                    price_rows.append((new_id(), pid, actor.user_id, now, None, v["price"], None, v.get("cost", 0)))
                else:
                    pid = plan.product_id
                    old = existing[plan.sku]
                    merged = {**old, **{k: v[k] for k in v if k not in ("category", "barcodes", "attributes")}}
                    if "category" in v:
                        merged["category_id"] = category
                    if "attributes" in v:
                        merged["attributes"] = json.dumps(v["attributes"], ensure_ascii=False)
                    update_rows.append((
                        now, merged["name"], merged["description"], merged["category_id"], merged["brand"],
                        merged["attributes"], merged["price"], merged["cost"], merged["tax_rate_id"],
                        merged["unit"], merged["reorder_point"], merged["max_stock"], int(bool(merged["active"])),
                        pid,
                    ))
                    if (merged["price"], merged["cost"]) != (old["price"], old["cost"]):
                        price_rows.append((new_id(), pid, actor.user_id, now, old["price"], merged["price"],
                                           old["cost"], merged["cost"]))
                    if "barcodes" in v and sorted(old["barcodes"]) != sorted(v["barcodes"]):
                        drop_barcodes.append((pid,))
                        barcode_rows.extend((new_id(), pid, code, key) for code, key in v["barcodes"])
                if plan.product_id is None:
                    barcode_rows.extend((new_id(), pid, code, key) for code, key in v.get("barcodes", ()))
                touched.append(pid)
            conn.executemany(
                "INSERT INTO products (id, created_at, updated_at, seq, sku, name, description, category_id, brand,"
                " attributes, price, cost, tax_rate_id, unit, reorder_point, max_stock, active, parent_id, options)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '{}')", product_rows)
            conn.executemany(
                "UPDATE products SET updated_at = ?, name = ?, description = ?, category_id = ?, brand = ?,"
                " attributes = ?, price = ?, cost = ?, tax_rate_id = ?, unit = ?, reorder_point = ?, max_stock = ?,"
                " active = ?"
                " WHERE id = ?", update_rows)
            conn.executemany("DELETE FROM barcodes WHERE product_id = ?", drop_barcodes)
            conn.executemany("INSERT INTO barcodes (id, product_id, code, lookup_key) VALUES (?, ?, ?, ?)",
                             barcode_rows)
            conn.executemany(
                "INSERT INTO price_changes (id, product_id, user_id, at, old_price, new_price, old_cost, new_cost,"
                " source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'import')", price_rows)
            done = len(plans)
            for chunk in _chunks(touched, 2000):
                _tick(done, total, progress, cancel)
                search_index.index_products(conn, chunk)
                done += len(chunk)
            created = len(product_rows)
            audit.record(conn, actor, "catalog.imported", entity_type="product", created=created,
                         updated=len(update_rows), skipped=len(preview.rejects) if skip_rejected else 0,
                         new_categories=len(preview.new_categories), price_changes=len(price_rows) - created)
            _tick(total, total, progress, cancel)
        return ImportResult(created, len(update_rows), len(preview.rejects) if skip_rejected else 0)

    @staticmethod
    def _recheck(conn: sqlite3.Connection, plans: Sequence[PlannedRow], existing: dict[str, dict],
                 ctx: _Context, create_categories: bool) -> list[RowError]:
        errors = []
        for p in plans:
            now_there = existing.get(p.sku)
            if p.product_id is None and now_there is not None:
                errors.append(RowError(p.row, "sku", p.sku, f"A product with the SKU {p.sku} was added meanwhile."))
            elif p.product_id is not None and (now_there is None or now_there["id"] != p.product_id):
                errors.append(RowError(p.row, "sku", p.sku, f"The product {p.sku} was removed or changed meanwhile."))
            elif p.product_id is not None:
                try:  # the reorder point or max stock the row keeps may have changed meanwhile
                    _check_stock_levels(p.values, now_there)
                except _Bad as bad:
                    value = p.values.get(bad.column)
                    errors.append(RowError(p.row, bad.column, "" if value is None else str(from_milli(value)),
                                           bad.message))
            tax = p.values.get("tax_rate_id")
            if (tax is not None and tax not in ctx.tax_codes) or (
                    tax is None and p.product_id is None and DEFAULT_TAX_CODE not in ctx.tax_rates):
                errors.append(RowError(p.row, "tax_code", "", "The tax rate no longer exists."))
            if not create_categories and p.values.get("category") and \
                    ctx.category_lookup(p.values["category"]) is False:
                errors.append(RowError(p.row, "category", " > ".join(p.values["category"]),
                                       "The category no longer exists."))
        errors.extend(_check_conflicts(conn, plans, existing))
        return sorted(errors, key=lambda e: e.row)

    @staticmethod
    def _ensure_categories(conn: sqlite3.Connection, ctx: _Context, plans: Sequence[PlannedRow],
                           now: str) -> dict[tuple[str, ...], str | None]:
        """Category path → id for every path in the plans, creating missing levels."""
        ids: dict[tuple[str, ...], str | None] = {(): None}
        for plan in plans:
            path = plan.values.get("category")
            if path is None or path in ids:
                continue
            parent = None
            for name in path:
                found = ctx.categories.get((parent, name))
                if found is None:
                    found = new_id()
                    conn.execute("INSERT INTO categories (id, created_at, updated_at, name, parent_id)"
                                 " VALUES (?, ?, ?, ?, ?)", (found, now, now, name, parent))
                    ctx.categories[(parent, name)] = found
                    ctx.category_parent[found] = (parent, name)
                parent = found
            ids[path] = parent
        return ids


def first_owner(db: Database) -> StaffSession:
    """The command line's actor: the oldest active owner account of the database.

    ``shopdesk import``/``export`` are run by the shop's administrator on the machine that
    holds the file (who can read it anyway), so no login is asked; the audit log records
    the import as this owner's.
    """
    from shopdesk.domain.permissions import Role

    with db.reader() as s:
        row = dbapi_connection(s).execute(
            "SELECT id, username, display_name FROM users WHERE role = 'owner' AND active"
            " ORDER BY created_at, username LIMIT 1").fetchone()
    if row is None:
        raise StateError(QT_TRANSLATE_NOOP(
            "errors", "The database has no active owner account; create the store first (shopdesk init)."))
    return StaffSession(row[0], row[1], row[2], Role.OWNER)
