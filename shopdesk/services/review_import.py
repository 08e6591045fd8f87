"""Importing product reviews from a web shop: a CSV or a JSON export, all reviews or none.

The format is documented in ``docs/review-import.md``; in short:

- JSON: a list of reviews or ``{"reviews": [...]}``; each review an object with ``id``
  (required), ``sku`` or ``barcode`` (one required), ``rating`` (1-5, required), ``title``,
  ``body``, ``name``, ``email``, ``date`` and ``order_id``. Unknown fields are errors.
- CSV: a header row naming the columns ``review_id`` (or ``id``), ``sku``, ``barcode``,
  ``rating``, ``title``, ``body``, ``name``, ``email``, ``date``, ``order_id``; comma,
  semicolon or tab delimited; UTF-8 with or without a byte-order mark.

Every review is checked before anything is written, then all are added in ONE
transaction as ``pending`` (a manager publishes them). Any problem - in the file (a
rating of 6, a date that is not a date, an id twice) or in the shop (an unknown SKU, an
order that was not imported from this web shop, an order line already reviewed) - rejects
the whole file with :class:`ReviewFileRejected` naming every problem, and nothing is
written. Reviews already imported from the same source (by ``id``) are skipped, so the
same file can be imported again.

``email`` finds the customer with that e-mail address (when one exists); it is not stored
otherwise. ``order_id`` + the review's product link the review to the line of the order
imported from the same web shop: a verified purchase; when every line of a delivered
order is reviewed, the order becomes ``reviewed``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopdesk.domain.errors import InvalidBarcode, ShopDeskError, ValidationError
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.ratings import check_rating
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
from shopdesk.services.order_import import checked_source
from shopdesk.services.reviews import (
    MAX_BODY,
    MAX_NAME,
    MAX_TITLE,
    ReviewDraft,
    add_review,
    require_entering,
)
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.counter_models import Customer
from shopdesk.store.database import Database
from shopdesk.store.models import Barcode, Product
from shopdesk.store.order_models import Order, OrderLine
from shopdesk.store.review_models import Review
from shopdesk.store.types import utcnow

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_REVIEWS = 100_000
MAX_EXTERNAL_ID = 100
FIELDS = ("id", "sku", "barcode", "rating", "title", "body", "name", "email", "date", "order_id")
CSV_COLUMNS = ("review_id", *FIELDS[1:])
CSV_ALIASES = {"id": "review_id"}


# -- results and errors ------------------------------------------------------------------------
ReviewRowError = PlacedProblem  # where in the file, and what is wrong


class ReviewFileRejected(FileRejected):
    """Reviews of the file are wrong; ``rejects`` lists every problem. Nothing was imported."""

    def __init__(self, rejects: list[PlacedProblem]) -> None:
        super().__init__(rejects, QT_TRANSLATE_NOOP(
            "errors", "The review file has {count} problem(s), so nothing was imported. "
                      "Fix them and import again: {rows}{more}"))


@dataclass(frozen=True)
class ParsedReview:
    external_id: str
    rating: int
    sku: str = ""
    barcode: str = ""
    title: str = ""
    body: str = ""
    name: str = ""
    email: str = ""
    written_at: datetime | None = None
    order_id: str = ""
    where: str = ""
    row: int = 0


@dataclass(frozen=True)
class ImportResult:
    created: list[str] = field(default_factory=list)  # the web shop's review ids, in file order
    skipped: list[str] = field(default_factory=list)  # already imported from this source
    verified: int = 0  # linked to an order line
    orders_reviewed: list[str] = field(default_factory=list)  # order numbers that became "reviewed"

    def summary(self) -> str:
        n = len(self.created)
        text = f"imported {n} review{'' if n == 1 else 's'} ({self.verified} verified purchase" \
               f"{'' if self.verified == 1 else 's'}), skipped {len(self.skipped)} already imported"
        if self.orders_reviewed:
            text += f"; now reviewed: {', '.join(self.orders_reviewed)}"
        return text


# -- the service -------------------------------------------------------------------------------
class ReviewImportService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def import_reviews(self, actor: StaffSession, data: bytes | str | os.PathLike, *,
                       source: str = "webshop") -> ImportResult:
        """Add every review of a web shop's export (pending) in one transaction, or none."""
        require_entering(actor)
        source = checked_source(source)
        parsed, rejects = read_reviews(data)
        created: list[str] = []
        skipped: list[str] = []
        moved: list[str] = []
        verified = 0
        with self.db.unit_of_work() as s:
            existing = _existing_ids(s, source, [p.external_id for p in parsed])
            shop = _Shop(s, source)
            for review in parsed:
                if review.external_id in existing:
                    skipped.append(review.external_id)
                    continue
                draft, problem = shop.resolve(review)
                if problem:
                    rejects.append(ReviewRowError(review.where, problem, review.row))
                    continue
                try:
                    with s.begin_nested():  # a refused review is undone alone; the rest are still checked
                        row, order_moved = add_review(s, actor, draft)
                except ShopDeskError as err:
                    rejects.append(ReviewRowError(review.where, str(err), review.row))
                    continue
                created.append(review.external_id)
                verified += bool(row.order_line_id)
                if order_moved:
                    moved.append(s.scalar(select(Order.number).join(OrderLine, OrderLine.order_id == Order.id)
                                          .where(OrderLine.id == row.order_line_id)))
            if rejects:
                raise ReviewFileRejected(sorted(rejects, key=lambda p: p.row))  # rolls it all back
            audit.record(s, actor, "reviews.imported", entity_type="review_import", source=source,
                         created=len(created), skipped=len(skipped), verified=verified)
        return ImportResult(created, skipped, verified, moved)


def _existing_ids(s: Session, source: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    unique = sorted(set(ids))
    for start in range(0, len(unique), 500):
        found.update(s.scalars(select(Review.external_id).where(
            Review.source == source, Review.external_id.in_(unique[start:start + 500]))))
    return found


class _Shop:
    """Products, customers and orders the file names, each looked up once."""

    def __init__(self, s: Session, source: str) -> None:
        self.s, self.source = s, source
        self.products: dict[tuple[str, str], Product | None] = {}
        self.customers: dict[str, str | None] = {}
        self.orders: dict[str, Order | None] = {}

    def product(self, review: ParsedReview) -> Product | None:
        key = ("sku", review.sku) if review.sku else ("barcode", barcode_lookup_key(review.barcode))
        if key not in self.products:
            query = (select(Product).where(Product.sku == key[1]) if key[0] == "sku"
                     else select(Product).join(Barcode).where(Barcode.lookup_key == key[1]))
            self.products[key] = self.s.scalar(query)
        return self.products[key]

    def resolve(self, review: ParsedReview) -> tuple[ReviewDraft | None, str]:
        product = self.product(review)
        if product is None:
            return None, (f"no product has the SKU '{review.sku}'" if review.sku
                          else f"no product has the barcode '{review.barcode}'")
        customer_id = None
        if review.email:
            if review.email not in self.customers:
                self.customers[review.email] = self.s.scalar(
                    select(Customer.id).where(Customer.email == review.email).limit(1))
            customer_id = self.customers[review.email]
        line_id = None
        if review.order_id:
            if review.order_id not in self.orders:
                self.orders[review.order_id] = self.s.scalar(select(Order).where(
                    Order.source == self.source, Order.external_id == review.order_id))
            order = self.orders[review.order_id]
            if order is None:
                return None, (f"order {review.order_id} was not imported from {self.source}; import the orders "
                              "first, or leave order_id empty")
            lines = list(self.s.scalars(select(OrderLine).where(
                OrderLine.order_id == order.id, OrderLine.product_id == product.id).order_by(OrderLine.position)))
            if not lines:
                return None, f"order {review.order_id} ({order.number}) has no line of {product.sku}"
            reviewed = set(self.s.scalars(select(Review.order_line_id).where(
                Review.order_line_id.in_([x.id for x in lines]))))
            free = [x for x in lines if x.id not in reviewed]
            if not free:
                return None, f"{product.sku} of order {review.order_id} ({order.number}) is already reviewed"
            line_id = free[0].id
        return ReviewDraft(rating=review.rating, product_id=product.id, title=review.title, body=review.body,
                           customer_id=customer_id, reviewer_name=review.name, order_line_id=line_id,
                           source=self.source, external_id=review.external_id,
                           created_at=review.written_at), ""


# -- reading the file --------------------------------------------------------------------------
class _Bad(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_reviews(data: bytes | str | os.PathLike) -> list[ParsedReview]:
    """Every review of the file, checked (nothing looked up in the shop); raises
    :class:`ReviewFileRejected` naming every bad row, or ImportFileError for the file."""
    reviews, problems = read_reviews(data)
    if problems:
        raise ReviewFileRejected(problems)
    return reviews


def read_reviews(data: bytes | str | os.PathLike) -> tuple[list[ParsedReview], list[ReviewRowError]]:
    hint = "" if isinstance(data, bytes | bytearray | memoryview) else os.fspath(data)
    raw = read_source(data)
    if len(raw) > MAX_FILE_BYTES:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The review file is {size} MB; at most {max} MB can be imported at once."),
            size=f"{len(raw) / 1024 / 1024:.1f}", max=MAX_FILE_BYTES // (1024 * 1024))
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The file is saved as UTF-16 (\"Unicode text\"). Save it as UTF-8 and import it again."))
    start = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    if not start.strip():
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The review file is empty. Export the reviews from the web shop as CSV or JSON again."))
    if start.lstrip()[:1] in (b"[", b"{"):
        return _parse_json(start)
    if hint.lower().endswith(".json"):
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "{name} is not JSON: it does not start with [ or {{. Export the reviews again."),
            name=os.path.basename(hint))
    text, _ = decode_csv_bytes(raw)
    refuse_nul(text)
    return _parse_csv(text)


def _review(values: dict[str, object], where: str, row: int, seen: dict[str, str],
            problems: list[ReviewRowError]) -> ParsedReview | None:
    """One review's values (JSON types or CSV text) checked; problems named at ``where``."""
    before = len(problems)

    def bad(message: str) -> None:
        problems.append(ReviewRowError(where, message, row))

    def text(key: str, limit: int) -> str:
        value = values.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            bad(f"{key} must be text, not {_kind(value)}")
            return ""
        value = str(value).strip()
        if len(value) > limit:
            bad(f"{key} is longer than {limit} characters")
        return value

    external_id = text("id", MAX_EXTERNAL_ID)
    if not external_id:
        bad("the review id is missing; every review needs the web shop's id")
    elif external_id in seen:
        bad(f"the id {external_id} is already the id of {seen[external_id]}; a review may appear only once")
    else:
        seen[external_id] = where
    sku, barcode = text("sku", 64), text("barcode", 64)
    if not sku and not barcode:
        bad("give the product's sku or barcode")
    elif not sku:
        try:
            barcode_lookup_key(barcode)
        except (InvalidBarcode, ValidationError) as err:
            bad(f"barcode: {err.message}")
    rating = 0
    raw_rating = values.get("rating")
    if raw_rating in (None, ""):
        bad("rating is missing; give 1 to 5 stars")
    else:
        try:
            rating = check_rating(raw_rating.strip() if isinstance(raw_rating, str) else raw_rating)
        except ValidationError:
            bad(f"rating must be a whole number of stars from 1 to 5, not {json.dumps(raw_rating, default=str)}")
    title, body, name = text("title", MAX_TITLE), text("body", MAX_BODY), text("name", MAX_NAME)
    email = text("email", 200).lower()
    order_id = text("order_id", MAX_EXTERNAL_ID)
    written_at = None
    raw_date = text("date", 40)
    if raw_date:
        try:
            written_at = _parse_date(raw_date)
        except _Bad as err:
            bad(err.message)
    if len(problems) != before:
        return None
    return ParsedReview(external_id, rating, sku, barcode, title, body, name, email, written_at, order_id, where, row)


def _parse_date(text: str) -> datetime:
    """``2024-05-01``, ``2024-05-01 14:30`` or ISO 8601 with a zone; without one, UTC."""
    value = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            when = datetime.combine(date.fromisoformat(value), datetime.min.time())
        else:
            when = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        raise _Bad(f"date '{value}' is not a date like 2024-05-01 or 2024-05-01T14:30:00+02:00") from None
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    if when > utcnow() + timedelta(days=1):
        raise _Bad(f"date {value} is in the future")
    return when


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", bool: "true/false", float: "a number"}.get(type(value), "a value")


def _parse_json(raw: bytes) -> tuple[list[ParsedReview], list[ReviewRowError]]:
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ImportFileError(QT_TRANSLATE_NOOP("errors", "The review file is not UTF-8 text.")) from None
    except json.JSONDecodeError as err:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The review file is not valid JSON: {problem} at line {line}, column {column}."),
            problem=err.msg, line=err.lineno, column=err.colno) from None
    items = doc.get("reviews") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The JSON must be a list of reviews or an object {{\"reviews\": [...]}}."))
    if not items:
        raise ImportFileError(QT_TRANSLATE_NOOP("errors", "The review file holds no reviews."))
    if len(items) > MAX_REVIEWS:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The review file has more than {max} reviews; split it."), max=MAX_REVIEWS)
    parsed, problems, seen = [], [], {}
    for position, item in enumerate(items, start=1):
        ident = item.get("id") if isinstance(item, dict) else None
        where = f"review {position} (id {ident})" if ident not in (None, "") else f"review {position}"
        if not isinstance(item, dict):
            problems.append(ReviewRowError(where, f"a review must be an object {{\"id\": ...}}, not {_kind(item)}",
                                           position))
            continue
        unknown = [k for k in item if k not in FIELDS]
        if unknown:
            problems.append(ReviewRowError(where, f"unknown field(s) {', '.join(repr(k) for k in unknown)}; a "
                                                  f"review has: {', '.join(FIELDS)}", position))
        review = _review(item, where, position, seen, problems)
        if review is not None and not unknown:
            parsed.append(review)
    return parsed, problems


def _column(text: str) -> str:
    name = re.sub(r"[\s\-]+", "_", text.strip().lstrip("\ufeff").casefold())
    return CSV_ALIASES.get(name, name)


def _parse_csv(text: str) -> tuple[list[ParsedReview], list[ReviewRowError]]:
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: list[str] | None = None
    parsed: list[ParsedReview] = []
    problems: list[ReviewRowError] = []
    seen: dict[str, str] = {}
    record = 0
    try:
        for cells in reader:
            record += 1
            if not any(c.strip() for c in cells):
                continue
            if columns is None:
                columns = _csv_header(cells)
                continue
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
                problems.append(ReviewRowError(f"row {record}", (
                    f"the row has {len(cells)} fields but the header has {len(columns)}; is there a "
                    f"'{delimiter}' in a value? Put such values in quotes"), record))
                continue
            values = {("id" if c == "review_id" else c): v for c, v in zip(columns, cells, strict=False)}
            ident = (values.get("id") or "").strip()
            where = f"row {record} (review {ident})" if ident else f"row {record}"
            review = _review(values, where, record, seen, problems)
            if review is not None:
                parsed.append(review)
            if len(parsed) + len(problems) > MAX_REVIEWS:
                raise ImportFileError(QT_TRANSLATE_NOOP(
                    "errors", "The review file has more than {max} reviews; split it."), max=MAX_REVIEWS)
    except csv.Error as err:
        raise ImportFileError(QT_TRANSLATE_NOOP("errors", "Row {row} is not valid CSV: {problem}."),
                              row=record + 1, problem=str(err)) from None
    if columns is None:
        raise ImportFileError(QT_TRANSLATE_NOOP("errors", "The review file is empty."))
    if not parsed and not problems:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The review file has only a header and no reviews. Each row below it is one review."))
    return parsed, problems


def _csv_header(cells: list[str]) -> list[str]:
    names = [_column(c) for c in cells]
    if not any(n in CSV_COLUMNS for n in names):
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The first row must be the header naming the columns ({columns}); it reads: {found}."),
            columns=", ".join(CSV_COLUMNS), found=", ".join(cells[:8]))
    unknown = [c for c, n in zip(cells, names, strict=True) if n and n not in CSV_COLUMNS]
    if unknown:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The header has unknown column(s) {unknown}. The columns are: {columns}."),
            unknown=", ".join(f"'{u.strip()}'" for u in unknown), columns=", ".join(CSV_COLUMNS))
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    if doubled:
        raise ImportFileError(QT_TRANSLATE_NOOP("errors", "The header names the column(s) {columns} twice."),
                              columns=", ".join(doubled))
    missing = [c for c in ("review_id", "rating") if c not in names]
    if "sku" not in names and "barcode" not in names:
        missing.append("sku or barcode")
    if missing:
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The review file has no column {missing}. The header must name at least: review_id, rating, "
                      "and sku or barcode."), missing=", ".join(missing))
    return names
