"""Importing orders from a web shop: a CSV or a JSON export, all orders or none.

The same text is in ``docs/order-import.md``.

What a file must look like
==========================

The format is chosen by content: a file whose first character (after a UTF-8 byte-order
mark and white space) is ``[`` or ``{`` is JSON, anything else is CSV. Files are UTF-8,
with or without a byte-order mark, at most 50 MB and at most 100,000 orders.

Every order carries the web shop's own order id. Importing the same file again skips the
orders already imported from that web shop (the ``source``, ``webshop`` unless told
otherwise) and reports them as skipped; nothing is doubled.

JSON
----

Either a list of orders or an object ``{"orders": [...]}`` (other keys of that object are
ignored). Each order is an object with these fields (``null`` is the same as absent):

==================  =========================================================================
``id``              the web shop's order id, required; text or a whole number, at most 100
                    characters. An id may appear only once in a file.
``name``            who the parcel goes to, required
``company``         text
``address``         the street lines: a list of up to 4 strings, or one string with newlines
``city``            text
``postcode``        text (or a whole number)
``region``          text (county, state, province)
``country``         ISO 3166-1 two-letter code: ``GB``, ``DE``, ``US`` (any case)
``phone``           text (or a whole number)
``email``           text
``customer``        optional object holding any of ``name`` … ``email`` instead of the order
                    itself; a field given in both places must have the same value
``shipping_method`` text, e.g. ``"Tracked 48"``
``shipping``        the shipping charge, in major units: ``"4.95"`` or ``4.95``
``cod``             cash on delivery: ``true``/``false`` (also ``"yes"``/``"no"``, 1/0)
``note``            text
``paid``            what the customer already paid on the web shop, in major units;
                    recorded as a payment of method ``web`` with the order id as
                    reference. An order paid in full is ``paid``.
``lines``           a list of at least one line, required
==================  =========================================================================

Each line is an object: ``sku`` or ``barcode`` (the SKU is used when both are given),
``quantity`` (required, more than 0, whole for goods sold by the piece, at most 3
decimals), ``price`` (the unit price in major units; the catalog price when absent) and
``discount`` (an amount off the whole line, in major units). Amounts in JSON are numbers
or text with a decimal point (``"4.95"``); they are read exactly, never through floating
point, and may have no more decimals than the store's currency.

Unknown fields are errors (a misspelt ``"shiping"`` would otherwise drop a charge
silently). Example::

    {"orders": [{"id": 1001, "name": "Alice Example", "address": ["1 High Street"],
                 "city": "Leeds", "postcode": "LS1 1AA", "country": "GB",
                 "shipping_method": "Tracked 48", "shipping": "4.95", "paid": "11.95",
                 "lines": [{"sku": "BREAD", "quantity": 2}]}]}

CSV
---

One row per order **line**, with a header row naming the columns (any case, any order;
spaces count as ``_``):

``order_id, name, company, address1, address2, city, postcode, region, country, phone,
email, shipping_method, shipping, cod, note, paid, sku, barcode, quantity, price, discount``

``order_id``, ``name``, ``quantity`` and ``sku`` or ``barcode`` are required columns; the
others may be left out. Unknown columns are errors. The fields mean what they mean in
JSON; ``cod`` is ``yes``/``no`` (``1``/``0``, ``true``/``false``, ``x``, empty = no).

Rows with the same ``order_id`` form one order and must follow each other; an order id that
comes back after another order is an error (two exports pasted together would otherwise
double the lines). The order's fields (``name`` … ``paid``) are taken from its first row
that fills them; a later row of the same order may leave them empty or repeat them, but a
*different* value is an error naming both rows.

The delimiter is found from the header: comma, semicolon or tab. Where it is not a comma,
amounts and quantities may use a decimal comma (``4,95``, ``1.234,50``); with a comma
delimiter write ``4.95``. Example (semicolons, decimal comma)::

    order_id;name;address1;city;postcode;country;shipping;paid;sku;quantity;price
    1001;Alice Example;1 High Street;Leeds;LS1 1AA;GB;4,95;;BREAD;2;
    1001;;;;;;;;SOAP;1;2,10

What happens
============

:meth:`OrderImportService.import_orders` (``shopdesk import orders FILE``) needs the right
to take orders. It reads and checks the whole file first, then creates every order in ONE
transaction: each is priced by the catalog and the cart rule, numbered ``SO-…``, its stock
reserved, its web payment recorded. Any problem - in the file (a wrong type, an unknown
column, a bad amount) or in the shop (an unknown SKU, a discount larger than its line, an
inactive product) - rejects the whole file with :class:`OrderFileRejected`, which names
every problem found ("row 7 (order 1003): no product has the SKU 'X'"; for JSON "order 3
(id 1003), line 2: ..."), and nothing is written. Problems with the file as a whole (empty,
not UTF-8, NUL bytes, invalid JSON with its line and column, a missing column, too large)
raise :class:`~shopdesk.services.csv_files.ImportFileError`.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopdesk.domain.errors import InvalidBarcode, NotFound, ShopDeskError, ValidationError
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import parse_money
from shopdesk.domain.permissions import Permission
from shopdesk.domain.quantity import parse_quantity
from shopdesk.domain.shipping import Address
from shopdesk.services import audit
from shopdesk.services.csv_files import (
    FileRejected,
    ImportFileError,
    PlacedProblem,
    decode_csv_bytes,
    read_source,
    refuse_nul,
    sniff_delimiter,
)
from shopdesk.services.orders import OrderDraft, OrderLineDraft, PaymentDraft, create_order
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.models import Barcode, Product, StoreSettings
from shopdesk.store.order_models import Order

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ORDERS = 100_000
MAX_STREET_LINES = 4
MAX_EXTERNAL_ID = 100
MAX_SOURCE = 40
WEB_PAYMENT = "web"

ADDRESS_FIELDS = ("name", "company", "address", "city", "postcode", "region", "country", "phone", "email")
ORDER_FIELDS = ("id", *ADDRESS_FIELDS, "customer", "shipping_method", "shipping", "cod", "note", "paid", "lines")
LINE_FIELDS = ("sku", "barcode", "quantity", "price", "discount")
CSV_HEADER_COLUMNS = ("name", "company", "address1", "address2", "city", "postcode", "region", "country", "phone",
                      "email", "shipping_method", "shipping", "cod", "note", "paid")
CSV_COLUMNS = ("order_id", *CSV_HEADER_COLUMNS, *LINE_FIELDS)
CSV_REQUIRED = ("order_id", "name", "quantity")

_TRUE = frozenset({"1", "yes", "y", "true", "x", "cod"})
_FALSE = frozenset({"", "0", "no", "n", "false"})


# -- results and errors ------------------------------------------------------------------------
OrderRowError = PlacedProblem  # where in the file, and what is wrong


class OrderFileRejected(FileRejected):
    """Orders of the file are wrong; ``rejects`` lists every problem. Nothing was imported."""

    def __init__(self, rejects: list[PlacedProblem]) -> None:
        super().__init__(rejects, QT_TRANSLATE_NOOP(
            "errors", "The order file has {count} problem(s), so nothing was imported. "
                      "Fix them and import again: {rows}{more}"))


@dataclass(frozen=True)
class ParsedOrder:
    """One order of the file, checked and ready for :func:`create_order`."""

    draft: OrderDraft  # source and external_id set; amounts in minor units of the store's currency
    rows: tuple[int, ...]  # CSV: the spreadsheet row of each line (header = 1); JSON: ()
    position: int  # CSV: the order's first row; JSON: its place in the list, from 1
    kind: str  # "csv" or "json"

    @property
    def external_id(self) -> str:
        return self.draft.external_id or ""

    def where(self, line: int | None = None) -> str:
        """How a message names this order (and one of its lines, from 1)."""
        if self.kind == "csv":
            row = self.rows[line - 1] if line and 0 < line <= len(self.rows) else self.position
            return f"row {row} (order {self.external_id})"
        place = f"order {self.position} (id {self.external_id})"
        return f"{place}, line {line}" if line else place

    def row_of(self, line: int | None = None) -> int:
        if self.kind == "csv" and line and 0 < line <= len(self.rows):
            return self.rows[line - 1]
        return self.position


@dataclass(frozen=True)
class ImportResult:
    created: list[str] = field(default_factory=list)  # order numbers, in file order
    skipped: list[str] = field(default_factory=list)  # web shop ids already imported from this source

    def summary(self) -> str:
        """``created 10 orders (SO-000001 … SO-000010), skipped 2 already imported``."""
        n = len(self.created)
        text = f"created {n} order{'' if n == 1 else 's'}"
        if n == 1:
            text += f" ({self.created[0]})"
        elif n > 1:
            text += f" ({self.created[0]} … {self.created[-1]})"
        return f"{text}, skipped {len(self.skipped)} already imported"


# -- the service -------------------------------------------------------------------------------
class OrderImportService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def import_orders(self, actor: StaffSession, data: bytes | str | os.PathLike, *,
                      source: str = "webshop") -> ImportResult:
        """Create every order of a web shop's export in one transaction, or none (see the
        module's documentation). ``data`` is the file's bytes or its path."""
        actor.require(Permission.TAKE_ORDERS)
        source = checked_source(source)
        with self.db.reader() as s:
            currency = s.scalar(select(StoreSettings.currency))
        if currency is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "This database has no store yet; run the set-up first."))
        parsed, problems = read_orders(data, source=source, currency=currency)
        created: list[str] = []
        skipped: list[str] = []
        rejects = list(problems)  # the file's own; the shop's are added below, to name them all at once
        with self.db.unit_of_work() as s:
            existing = _existing_ids(s, source, [p.external_id for p in parsed])
            catalog = _Catalog(s)
            for order in parsed:
                if order.external_id in existing:
                    skipped.append(order.external_id)
                    continue
                draft, line_problems = catalog.resolve(order)
                if line_problems:
                    rejects.extend(line_problems)
                    continue
                try:
                    # A savepoint per order: a refused order is undone alone, so the next ones
                    # are still checked and every problem of the file is reported at once.
                    with s.begin_nested():
                        row = create_order(s, actor, draft)
                except ShopDeskError as err:
                    rejects.append(_business_problem(order, err))
                    continue
                created.append(row.number)
            if rejects:
                raise OrderFileRejected(sorted(rejects, key=lambda p: p.row))  # rolls it all back
            audit.record(s, actor, "orders.imported", entity_type="order_import", source=source,
                         created=len(created), skipped=len(skipped),
                         first=created[0] if created else "", last=created[-1] if created else "")
        return ImportResult(created, skipped)


def checked_source(source: str) -> str:
    text = (source or "").strip()
    if not text:
        raise ValidationError("source", QT_TRANSLATE_NOOP("errors", "Name the web shop the orders come from."))
    if len(text) > MAX_SOURCE:
        raise ValidationError("source", QT_TRANSLATE_NOOP(
            "errors", "The source name can have at most {max} characters."), max=MAX_SOURCE)
    return text


def _existing_ids(s: Session, source: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    unique = sorted(set(ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start:start + 500]
        found.update(s.scalars(select(Order.external_id).where(
            Order.source == source, Order.external_id.in_(chunk))))
    return found


class _Catalog:
    """Products by SKU or barcode, looked up once per import; names every bad line."""

    def __init__(self, s: Session) -> None:
        self.s = s
        self.by_sku: dict[str, Product | None] = {}
        self.by_key: dict[str, Product | None] = {}

    def find(self, line: OrderLineDraft) -> Product | None:
        if line.sku:
            sku = line.sku.strip()
            if sku not in self.by_sku:
                self.by_sku[sku] = self.s.scalar(select(Product).where(Product.sku == sku))
            return self.by_sku[sku]
        key = barcode_lookup_key(line.barcode)  # checked while parsing
        if key not in self.by_key:
            self.by_key[key] = self.s.scalar(select(Product).join(Barcode).where(Barcode.lookup_key == key))
        return self.by_key[key]

    def resolve(self, order: ParsedOrder) -> tuple[OrderDraft, list[OrderRowError]]:
        problems: list[OrderRowError] = []
        lines = []
        for number, line in enumerate(order.draft.lines, start=1):
            product = self.find(line)
            message = ""
            if product is None:
                message = (f"no product has the SKU '{line.sku}'" if line.sku
                           else f"no product has the barcode '{line.barcode}'")
            elif not product.active:
                message = f"{product.sku} ({product.name}) is not for sale (inactive in the catalog)"
            elif product.unit == "piece" and line.quantity != line.quantity.to_integral_value():
                message = f"{product.sku} is sold by the piece; order a whole number, not {line.quantity}"
            if message:
                problems.append(OrderRowError(order.where(number), message, order.row_of(number)))
            else:
                lines.append(replace(line, product_id=product.id))
        return replace(order.draft, lines=tuple(lines)), problems


def _business_problem(order: ParsedOrder, err: ShopDeskError) -> OrderRowError:
    """A refusal of :func:`create_order`, put where the file has it."""
    params = dict(err.params)
    line = params.get("line")
    try:
        line = int(line) if line is not None else None
    except (TypeError, ValueError):
        line = None
    message = str(err)
    prefix = "Line {line}: "
    if line is not None and err.template.startswith(prefix):
        with contextlib.suppress(KeyError, IndexError, ValueError):
            message = err.template[len(prefix):].format(**params)
    elif isinstance(err, ValidationError) and err.field == "amount" and "due" in params:
        message = f"paid is more than the order's total of {params['due']}"
    return OrderRowError(order.where(line), message, order.row_of(line))


# -- reading the file --------------------------------------------------------------------------
class _Bad(Exception):
    """A value of the file is wrong; the message says which and why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_orders(data: bytes | str | os.PathLike, *, filename_hint: str = "", source: str = "webshop",
                 currency: str = "EUR") -> list[ParsedOrder]:
    """Every order of a CSV or JSON export, checked (see the module's documentation).

    ``data`` is the file's bytes, or a path (``str`` or :class:`os.PathLike`). Amounts are
    read into minor units of ``currency`` (the store's). Raises
    :class:`~shopdesk.services.csv_files.ImportFileError` for the file as a whole and
    :class:`OrderFileRejected` naming every bad row or order. Nothing is looked up in the
    catalog here; :class:`OrderImportService` does that.
    """
    orders, problems = read_orders(data, filename_hint=filename_hint, source=source, currency=currency)
    if problems:
        raise OrderFileRejected(problems)
    return orders


def read_orders(data: bytes | str | os.PathLike, *, filename_hint: str = "", source: str = "webshop",
                currency: str = "EUR") -> tuple[list[ParsedOrder], list[OrderRowError]]:
    """Like :func:`parse_orders`, but the orders that read well come back beside the
    problems of the others (in row order), so the service can check those in the shop too."""
    if not isinstance(data, bytes | bytearray | memoryview):
        filename_hint = filename_hint or os.fspath(data)
        try:
            size = os.stat(data).st_size
        except (OSError, TypeError, ValueError):
            size = 0  # read_source says what is wrong with the path
        _refuse_size(size)
    raw = read_source(data)
    _refuse_size(len(raw))
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The file is saved as UTF-16 (\"Unicode text\"). Save it as UTF-8 (for a spreadsheet: "
                      "\"CSV UTF-8\") and import it again."))
    start = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    if not start.strip():
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The order file is empty. Export the orders from the web shop as CSV or JSON again."))
    if start.lstrip()[:1] in (b"[", b"{"):
        return _parse_json(_decode_json(start), source, currency)
    if filename_hint.lower().endswith(".json"):
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "{name} is not JSON: it does not start with [ or {{. Export the orders again."),
            name=os.path.basename(filename_hint))
    text, _ = decode_csv_bytes(raw)
    refuse_nul(text)
    return _parse_csv(text, source, currency)


def _refuse_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The order file is {size} MB; at most {max} MB can be imported at once. Export fewer orders "
                      "per file."), size=f"{size / 1024 / 1024:.1f}", max=MAX_FILE_BYTES // (1024 * 1024))


def _refuse_count(count: int) -> None:
    if count > MAX_ORDERS:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The order file has more than {max} orders; split it into smaller files."),
            max=f"{MAX_ORDERS:,}")


def _decode_json(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The file is not UTF-8 text: byte 0x{byte} at line {line} cannot be read. Save it as "
                      "UTF-8 and import it again."), byte=f"{data[err.start]:02X}", line=line) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The file contains a NUL byte at line {line}; it is not a JSON text file."), line=line)
    return text


# -- values: shared by JSON and CSV ------------------------------------------------------------
def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | Decimal):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _text(value: object, what: str, *, numbers_ok: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if numbers_ok and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _Bad(f"{what} must be text, not {_kind(value)}")


def _number_text(value: object, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise _Bad(f"{what} must be a number, not {_kind(value)}")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def _amount(value: object, what: str, currency: str, locale: Callable[[str], str]) -> int:
    """Major units (``"4.95"``, ``4.95``, ``"4,95"`` where allowed) → minor units; 0 when empty."""
    if value is None:
        return 0
    text = _number_text(value, what)
    if not text:
        return 0
    try:
        return parse_money(text, currency, locale(text), what, allow_negative=False)
    except ValidationError as err:
        raise _Bad(f"{what}: {err}") from None


def _quantity(value: object, locale: Callable[[str], str]) -> Decimal:
    if value is None:
        raise _Bad("the quantity is missing")
    text = _number_text(value, "quantity")
    if not text:
        raise _Bad("the quantity is missing")
    try:
        return parse_quantity(text, locale(text), "quantity")
    except ValidationError as err:
        raise _Bad(f"quantity: {err}") from None


def _flag(value: object, what: str) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    shown = value if isinstance(value, str) else _kind(value)
    raise _Bad(f"{what} must be yes or no (true/false, 1/0), not '{shown}'")


def _street_lines(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    elif isinstance(value, list):
        parts = []
        for item in value:
            if item is not None and not isinstance(item, str):
                raise _Bad(f"address must be a list of text lines; one line is {_kind(item)}")
            parts.append(item or "")
    else:
        raise _Bad(f"address must be a list of street lines or one text, not {_kind(value)}")
    lines = tuple(p.strip() for p in parts if p and p.strip())
    if len(lines) > MAX_STREET_LINES:
        raise _Bad(f"the address has {len(lines)} street lines; at most {MAX_STREET_LINES} fit a label, "
                   "join some of them")
    return lines


def _country(value: object) -> str:
    text = _text(value, "country")
    if text and not re.fullmatch(r"[A-Za-z]{2}", text):
        raise _Bad(f"country must be a two-letter code such as GB, DE or US, not '{text}'")
    return text.upper()


def _external_id(value: object) -> str:
    if value is None:
        raise _Bad("the order id is missing")
    if isinstance(value, Decimal):
        raise _Bad(f"the order id {value} must be text or a whole number")
    text = _text(value, "the order id", numbers_ok=True)
    if not text:
        raise _Bad("the order id is missing")
    if len(text) > MAX_EXTERNAL_ID:
        raise _Bad(f"the order id is {len(text)} characters long; at most {MAX_EXTERNAL_ID} are allowed")
    return text


Report = Callable[[str, str], None]  # (message, field) → recorded


def _order_fields(raw: dict[str, object], currency: str, locale: Callable[[str], str], bad: Report) -> dict | None:
    """The order's own fields as OrderDraft keywords (plus ``paid``), or None after reporting."""
    values: dict[str, object] = {}
    failed = False

    def take(key: str, read: Callable[[object], object]) -> None:
        nonlocal failed
        try:
            values[key] = read(raw.get(key))
        except _Bad as err:
            failed = True
            bad(err.message, key)

    for key in ("name", "company", "city", "region", "email", "shipping_method", "note"):
        take(key, lambda v, k=key: _text(v, k))
    for key in ("postcode", "phone"):
        take(key, lambda v, k=key: _text(v, k, numbers_ok=True))
    take("address", _street_lines)
    take("country", _country)
    take("shipping", lambda v: _amount(v, "shipping", currency, locale))
    take("paid", lambda v: _amount(v, "paid", currency, locale))
    take("cod", lambda v: _flag(v, "cod"))
    if "name" in values and not values["name"]:
        failed = True
        bad("the name of the person the order goes to is missing (name)", "name")
    if failed:
        return None
    ship_to = Address(values["name"], values["company"], values["address"], values["city"], values["postcode"],
                      values["region"], values["country"], values["phone"], values["email"])
    return {"ship_to": ship_to, "shipping_method": values["shipping_method"], "shipping_charge": values["shipping"],
            "cash_on_delivery": values["cod"], "note": values["note"], "paid": values["paid"]}


def _line(raw: dict[str, object], currency: str, locale: Callable[[str], str], bad: Report) -> OrderLineDraft | None:
    """One line as an OrderLineDraft, or None after reporting each of its problems."""
    failed = False

    def fail(message: str, key: str) -> None:
        nonlocal failed
        failed = True
        bad(message, key)

    sku = barcode = ""
    quantity: Decimal | None = None
    price: int | None = None
    discount = 0
    try:
        sku = _text(raw.get("sku"), "sku", numbers_ok=True)
    except _Bad as err:
        fail(err.message, "sku")
    try:
        barcode = _text(raw.get("barcode"), "barcode", numbers_ok=True)
        if barcode and not sku:
            barcode_lookup_key(barcode)
    except _Bad as err:
        fail(err.message, "barcode")
    except InvalidBarcode as err:
        fail(f"barcode '{barcode}': {err}", "barcode")
    if not sku and not barcode and not failed:
        fail("the line names no product; give its sku or barcode", "sku")
    try:
        quantity = _quantity(raw.get("quantity"), locale)
    except _Bad as err:
        fail(err.message, "quantity")
    try:
        if raw.get("price") is not None and _number_text(raw.get("price"), "price"):
            price = _amount(raw.get("price"), "price", currency, locale)
    except _Bad as err:
        fail(err.message, "price")
    try:
        discount = _amount(raw.get("discount"), "discount", currency, locale)
    except _Bad as err:
        fail(err.message, "discount")
    if failed or quantity is None:
        return None
    return OrderLineDraft(quantity=quantity, sku=sku, barcode="" if sku else barcode, unit_price=price,
                          discount=discount)


def _draft(external_id: str, fields: dict, lines: list[OrderLineDraft], source: str) -> OrderDraft:
    paid = fields.pop("paid")
    payments = (PaymentDraft(WEB_PAYMENT, paid, external_id),) if paid > 0 else ()
    return OrderDraft(lines=tuple(lines), source=source, external_id=external_id, payments=payments, **fields)


def _finish(orders: list[ParsedOrder], problems: list[OrderRowError]
            ) -> tuple[list[ParsedOrder], list[OrderRowError]]:
    return orders, sorted(problems, key=lambda p: p.row)


# -- JSON --------------------------------------------------------------------------------------
def _json_locale(_text: str) -> str:
    return "en_US"  # JSON amounts use a decimal point


def _no_constant(name: str) -> object:
    raise _Bad(f"{name} is not a number that can be imported")


def _parse_json(text: str, source: str, currency: str) -> tuple[list[ParsedOrder], list[OrderRowError]]:
    try:
        document = json.loads(text, parse_float=Decimal, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The file is not valid JSON: {problem} at line {line}, column {column}."),
            problem=err.msg, line=err.lineno, column=err.colno) from None
    except _Bad as err:
        raise ImportFileError(QT_TRANSLATE_NOOP("errors", "The file is not valid JSON: {problem}."),
                              problem=err.message) from None
    except RecursionError:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The JSON file is nested too deeply to be an order export.")) from None
    orders = document
    if isinstance(document, dict):
        if "orders" not in document:
            raise ImportFileError(QT_TRANSLATE_NOOP(
                "errors", "The JSON file is an object without \"orders\"; give a list of orders, or "
                          "{{\"orders\": [...]}}."))
        orders = document["orders"]
    if not isinstance(orders, list):
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The orders in the JSON file must be a list [...], not {kind}."), kind=_kind(orders))
    if not orders:
        raise ImportFileError(QT_TRANSLATE_NOOP("errors", "The order file has no orders."))
    _refuse_count(len(orders))
    parsed: list[ParsedOrder] = []
    problems: list[OrderRowError] = []
    seen: dict[str, int] = {}
    for position, item in enumerate(orders, start=1):
        order = _json_order(position, item, source, currency, problems, seen)
        if order is not None:
            parsed.append(order)
    return _finish(parsed, problems)


def _json_order(position: int, item: object, source: str, currency: str, problems: list[OrderRowError],
                seen: dict[str, int]) -> ParsedOrder | None:
    before = len(problems)
    if not isinstance(item, dict):
        problems.append(OrderRowError(f"order {position}", f"an order must be an object {{...}}, not {_kind(item)}",
                                      position))
        return None
    external_id = ""
    try:
        external_id = _external_id(item.get("id"))
    except _Bad as err:
        problems.append(OrderRowError(f"order {position}", err.message, position))
    where = f"order {position} (id {external_id})" if external_id else f"order {position}"

    def bad(message: str, _key: str = "", line: int | None = None) -> None:
        problems.append(OrderRowError(f"{where}, line {line}" if line else where, message, position))

    if external_id in seen:
        bad(f"the id {external_id} is already the id of order {seen[external_id]}; an order may appear only "
            "once in a file")
    elif external_id:
        seen[external_id] = position
    unknown = [key for key in item if key not in ORDER_FIELDS]
    if unknown:
        bad(f"unknown field(s) {', '.join(repr(k) for k in unknown)}; an order has: {', '.join(ORDER_FIELDS)}")
    raw = {key: item.get(key) for key in ORDER_FIELDS if key != "customer"}
    customer = item.get("customer")
    if customer is not None:
        if not isinstance(customer, dict):
            bad(f"customer must be an object {{\"name\": ...}}, not {_kind(customer)}")
        else:
            for key, value in customer.items():
                if key not in ADDRESS_FIELDS:
                    bad(f"unknown customer field '{key}'; a customer has: {', '.join(ADDRESS_FIELDS)}")
                elif raw.get(key) not in (None, "") and value not in (None, "") and raw[key] != value:
                    bad(f"{key} is {json.dumps(raw[key], default=str)} on the order but "
                        f"{json.dumps(value, default=str)} in customer; give one")
                elif value is not None and raw.get(key) in (None, ""):
                    raw[key] = value
    fields = _order_fields(raw, currency, _json_locale, bad)
    lines: list[OrderLineDraft] = []
    raw_lines = item.get("lines")
    if raw_lines is None:
        bad("lines is missing; an order needs at least one line")
    elif not isinstance(raw_lines, list):
        bad(f"lines must be a list of lines [{{\"sku\": ..., \"quantity\": ...}}], not {_kind(raw_lines)}")
    elif not raw_lines:
        bad("lines is empty; an order needs at least one line")
    else:
        for number, raw_line in enumerate(raw_lines, start=1):
            if not isinstance(raw_line, dict):
                bad(f"a line must be an object {{\"sku\": ..., \"quantity\": ...}}, not {_kind(raw_line)}",
                    line=number)
                continue
            extra = [key for key in raw_line if key not in LINE_FIELDS]
            if extra:
                bad(f"unknown field(s) {', '.join(repr(k) for k in extra)}; a line has: {', '.join(LINE_FIELDS)}",
                    line=number)
            line = _line(raw_line, currency, _json_locale,
                         lambda message, _key, n=number: bad(message, line=n))
            if line is not None:
                lines.append(line)
    if len(problems) != before or fields is None:
        return None
    return ParsedOrder(_draft(external_id, fields, lines, source), (), position, "json")


# -- CSV ---------------------------------------------------------------------------------------
@dataclass
class _CsvOrder:
    external_id: str
    first_row: int
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # column → (first non-empty value, row)
    lines: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _column_name(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lstrip("\ufeff").casefold())


def _csv_header(fields: list[str]) -> list[str]:
    names = [_column_name(f) for f in fields]
    if not any(n in CSV_COLUMNS for n in names):
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The first row must be the header naming the columns ({columns}); it reads: {found}."),
            columns="order_id, name, sku or barcode, quantity, ...", found=", ".join(fields[:8]))
    unknown = [f for f, n in zip(fields, names, strict=True) if n and n not in CSV_COLUMNS]
    if unknown:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The header has unknown column(s) {unknown}. The columns are: {columns}."),
            unknown=", ".join(f"'{u}'" for u in unknown), columns=", ".join(CSV_COLUMNS))
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    if doubled:
        raise ImportFileError(QT_TRANSLATE_NOOP("errors", "The header names the column(s) {columns} twice."),
                              columns=", ".join(doubled))
    missing = [c for c in CSV_REQUIRED if c not in names]
    if "sku" not in names and "barcode" not in names:
        missing.append("sku or barcode")
    if missing:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The order file has no column {missing}. The header must name at least: order_id, name, "
                      "quantity, and sku or barcode."), missing=", ".join(missing))
    return names


def _parse_csv(text: str, source: str, currency: str) -> tuple[list[ParsedOrder], list[OrderRowError]]:
    delimiter = sniff_delimiter(text)

    def locale(value: str) -> str:
        # "4,95" is a decimal comma only where the comma does not separate the fields, and
        # not in "1,234.50", where the point comes last
        comma = delimiter != "," and "," in value and value.rfind(",") > value.rfind(".")
        return "de_DE" if comma else "en_US"

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: list[str] | None = None
    groups: dict[str, _CsvOrder] = {}
    problems: list[OrderRowError] = []
    last = ""
    record = 0
    try:
        for fields in reader:
            record += 1
            fields = [f.strip() for f in fields]
            if not any(fields):
                continue
            if columns is None:
                columns = _csv_header(fields)
                continue
            if len(fields) > len(columns) and any(fields[len(columns):]):
                problems.append(OrderRowError(f"row {record}", (
                    f"the row has {len(fields)} fields but the header has {len(columns)}; is there a "
                    f"'{delimiter}' in a value? Put such values in quotes"), record))
                continue
            values = {c: v for c, v in zip(columns, fields + [""] * (len(columns) - len(fields)), strict=False)
                      if c}
            try:
                external_id = _external_id(values.get("order_id", ""))
            except _Bad as err:
                problems.append(OrderRowError(f"row {record}", err.message, record))
                continue
            group = groups.get(external_id)
            if group is None:
                group = groups[external_id] = _CsvOrder(external_id, record)
                _refuse_count(len(groups))
            elif last != external_id:
                rows = group.lines[-1][0] if group.lines else group.first_row
                problems.append(OrderRowError(f"row {record} (order {external_id})", (
                    f"order {external_id} already appeared in rows {group.first_row}–{rows}; the rows of one "
                    "order must follow each other, and an order may appear only once in a file"), record))
                continue
            last = external_id
            for column in CSV_HEADER_COLUMNS:
                value = values.get(column, "")
                if not value:
                    continue
                known = group.values.get(column)
                if known is None:
                    group.values[column] = (value, record)
                elif known[0] != value:
                    problems.append(OrderRowError(f"row {record} (order {external_id})", (
                        f"{column} is '{value}' here but '{known[0]}' in row {known[1]} of the same order; "
                        "give it once or the same in every row"), record))
            group.lines.append((record, {k: values.get(k, "") for k in LINE_FIELDS}))
    except csv.Error as err:
        raise ImportFileError(QT_TRANSLATE_NOOP("errors", "Row {row} is not valid CSV: {problem}."),
                              row=record + 1, problem=str(err)) from None
    if columns is None:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The order file is empty. Export the orders from the web shop as CSV or JSON again."))
    if not groups and not problems:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The order file has only a header and no orders. Each row below it is one order line."))
    parsed = [p for p in (_csv_order(g, source, currency, locale, problems) for g in groups.values()) if p]
    return _finish(parsed, problems)


def _csv_order(group: _CsvOrder, source: str, currency: str, locale: Callable[[str], str],
               problems: list[OrderRowError]) -> ParsedOrder | None:
    before = len(problems)
    where = f"(order {group.external_id})"

    def row_of(column: str) -> int:
        if column == "address":
            rows = [group.values[c][1] for c in ("address1", "address2") if c in group.values]
            return min(rows) if rows else group.first_row
        return group.values[column][1] if column in group.values else group.first_row

    def bad(message: str, column: str) -> None:
        row = row_of(column)
        problems.append(OrderRowError(f"row {row} {where}", message, row))

    raw: dict[str, object] = {c: v for c, (v, _row) in group.values.items()}
    raw["address"] = [raw.pop("address1", ""), raw.pop("address2", "")]
    fields = _order_fields(raw, currency, locale, bad)
    lines: list[OrderLineDraft] = []
    for row, raw_line in group.lines:
        line = _line(raw_line, currency, locale,
                     lambda message, _column, r=row: problems.append(OrderRowError(f"row {r} {where}", message, r)))
        if line is not None:
            lines.append(line)
    if len(problems) != before or fields is None:
        return None
    return ParsedOrder(_draft(group.external_id, fields, lines, source), tuple(r for r, _ in group.lines),
                       group.first_row, "csv")
