"""Stocktakes: snapshot the ledger, count while the shop keeps trading, post the variances.

How a variance is worked out (so sales during the count make no false ones): when a
product is counted, the ledger balance at that moment is kept beside the count
(``expected_at_count`` = snapshot + movements since the snapshot up to that count, read in
the count's own transaction). Posting adjusts each line by ``counted − expected_at_count``,
so what moved after the count stays moved.

Counts are an append-only log of entries per product, zone and counting device: several
clerks (or machines) counting at once add up, nobody's count overwrites another's, and a
recount starts a new round instead of deleting the old one.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from shopdesk.domain.errors import NotFound, StateError, ValidationError
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.domain.stock_rules import checked_quantity, zone_name
from shopdesk.services import audit, catalog_search, stock
from shopdesk.services.catalog import attach_barcode
from shopdesk.services.staff_session import StaffSession
from shopdesk.services.stocktake_import import parse_count_file
from shopdesk.store.database import Database
from shopdesk.store.documents import next_number
from shopdesk.store.types import new_id, quantity_from_db, quantity_to_db, time_to_db, utcnow

FULL, CYCLE = "full", "cycle"
UNCOUNTED_ZERO, UNCOUNTED_KEEP = "zero", "keep"


@dataclass(frozen=True)
class StocktakeSpec:
    """What to count. A cycle count needs at least one filter; filters narrow together."""

    location_code: str
    scope: str = FULL
    category_id: str | None = None  # this category and all below it
    bin_prefix: str = ""  # e.g. "A3" counts bins A3-01, A3-02, ...
    not_counted_days: int | None = None  # products not counted here for this many days
    blind: bool = False  # counters do not see expected quantities
    note: str = ""


@dataclass(frozen=True)
class CountResult:
    """What a scan did: counted a product (``product_id``), or kept an unknown code."""

    code: str
    quantity: Decimal
    product_id: str | None = None
    sku: str = ""
    name: str = ""
    counted: Decimal | None = None  # the product's total count after this entry
    unknown: bool = False


@dataclass(frozen=True)
class CountImportResult:
    rows: int
    products: int
    unknown_codes: int
    quantity: Decimal


@dataclass(frozen=True)
class PostResult:
    number: str
    adjusted_lines: int
    quantity_gained: Decimal
    quantity_lost: Decimal
    value: int  # net variance at cost, minor units


def _stocktake(conn: sqlite3.Connection, stocktake_id: str) -> tuple:
    row = conn.execute(
        "SELECT s.id, s.number, s.location_id, s.scope, s.status, s.snapshot_at, s.blind, l.code"
        "  FROM stocktakes s JOIN locations l ON l.id = s.location_id WHERE s.id = ?",
        (stocktake_id,),
    ).fetchone()
    if row is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "That stocktake no longer exists."))
    return row


def _require_counting(row: tuple) -> None:
    if row[4] != "counting":
        raise StateError(QT_TRANSLATE_NOOP(
            "errors", "Stocktake {number} is {status}; counts can no longer change."),
            number=row[1], status=row[4])


def _balance(conn: sqlite3.Connection, product_id: str, location_id: str) -> int:
    row = conn.execute("SELECT quantity FROM stock_balances WHERE product_id = ? AND location_id = ?",
                       (product_id, location_id)).fetchone()
    return row[0] if row else 0


def _moved_since(conn: sqlite3.Connection, product_id: str, location_id: str, since: str) -> int:
    """Net quantity into the location since ``since`` (thousandths), from the ledger."""
    (moved,) = conn.execute(
        "SELECT COALESCE(SUM(CASE WHEN to_location_id = ?2 THEN quantity ELSE -quantity END), 0)"
        "  FROM stock_movements WHERE product_id = ?1 AND created_at > ?3"
        "   AND (to_location_id = ?2 OR from_location_id = ?2)",
        (product_id, location_id, since),
    ).fetchone()
    return moved


class StocktakeService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- starting ------------------------------------------------------------------------
    def start(self, actor: StaffSession, spec: StocktakeSpec) -> str:
        """Open a count and snapshot the expected quantities; returns the stocktake id."""
        actor.require(Permission.COUNT_STOCK)
        if spec.scope not in (FULL, CYCLE):
            raise ValidationError("scope", QT_TRANSLATE_NOOP("errors", "Choose a full count or a cycle count."))
        bin_prefix = (spec.bin_prefix or "").strip().upper()
        days = spec.not_counted_days
        if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650):
            raise ValidationError("not_counted_days", QT_TRANSLATE_NOOP(
                "errors", "'Not counted for' must be a number of days from 1 to 3650."))
        if spec.scope == CYCLE and not (spec.category_id or bin_prefix or days):
            raise ValidationError("scope", QT_TRANSLATE_NOOP(
                "errors", "A cycle count needs a category, a bin/aisle or a 'not counted for N days' filter."))
        with self.db.raw_transaction() as conn:
            now = utcnow()  # inside the transaction: the snapshot and its time belong together
            location = conn.execute("SELECT id, kind FROM locations WHERE code = ?",
                                    ((spec.location_code or "").strip().upper(),)).fetchone()
            if location is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "No stock location has the code {code}."),
                               code=spec.location_code)
            if location[1] != "internal":
                raise ValidationError("location", QT_TRANSLATE_NOOP(
                    "errors", "{code} is not a place where stock is kept; choose a shop floor, backroom or warehouse."),
                    code=spec.location_code)
            if spec.category_id and conn.execute("SELECT 1 FROM categories WHERE id = ?",
                                                 (spec.category_id,)).fetchone() is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "That category no longer exists."))
            self._refuse_overlap(conn, location[0], spec.scope, spec.location_code)
            stocktake_id = new_id()
            number = next_number(conn, "ST")
            at = time_to_db(now)
            conn.execute(
                "INSERT INTO stocktakes (id, number, location_id, scope, category_id, bin_prefix, not_counted_days,"
                " blind, status, snapshot_at, note, created_by_id, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'counting', ?, ?, ?, ?, ?)",
                (stocktake_id, number, location[0], spec.scope, spec.category_id, bin_prefix, days,
                 int(spec.blind), at, spec.note, actor.user_id, at, at),
            )
            self._snapshot(conn, stocktake_id, location[0], spec.category_id, bin_prefix,
                           time_to_db(now - timedelta(days=days)) if days else None)
            audit.record(conn, actor, "stocktake.started", entity_type="stocktake", entity_id=stocktake_id,
                         number=number, location=spec.location_code, scope=spec.scope)
        return stocktake_id

    @staticmethod
    def _refuse_overlap(conn: sqlite3.Connection, location_id: str, scope: str, code: str) -> None:
        """One full count per location, and no full count on top of a running cycle count."""
        open_counts = conn.execute(
            "SELECT number, scope FROM stocktakes WHERE location_id = ? AND status = 'counting'", (location_id,)
        ).fetchall()
        blocking = [n for n, s in open_counts if s == FULL or scope == FULL]
        if blocking:
            raise StateError(QT_TRANSLATE_NOOP(
                "errors", "{code} is already being counted in {number}. Post or cancel that count first."),
                code=code, number=blocking[0])

    @staticmethod
    def _snapshot(conn: sqlite3.Connection, stocktake_id: str, location_id: str, category_id: str | None,
                  bin_prefix: str, counted_since: str | None) -> None:
        """One INSERT … SELECT: the products in scope with what the ledger says they have here.

        In scope: products with stock (or a bin) at the location, narrowed by the filters.
        """
        conn.create_function("new_uuid", 0, lambda: str(uuid.uuid4()), deterministic=False)
        where, params = [], {"st": stocktake_id, "loc": location_id}
        if category_id:
            where.append("p.category_id IN (SELECT id FROM subtree)")
            params["cat"] = category_id
        if bin_prefix:
            where.append("sb.bin >= :bin AND sb.bin < :bin_end")
            params.update(bin=bin_prefix, bin_end=bin_prefix + "\uffff")
        if counted_since:
            where.append("""NOT EXISTS (
                SELECT 1 FROM stocktake_lines ol JOIN stocktakes os ON os.id = ol.stocktake_id
                 WHERE ol.product_id = p.id AND os.location_id = :loc AND os.status = 'posted'
                   AND ol.counted IS NOT NULL AND os.posted_at >= :since)""")
            params["since"] = counted_since
        subtree = """WITH RECURSIVE subtree(id) AS (
            SELECT :cat UNION ALL SELECT c.id FROM categories c JOIN subtree t ON c.parent_id = t.id)
            """ if category_id else ""
        conn.execute(
            f"""{subtree}
            INSERT INTO stocktake_lines (id, stocktake_id, product_id, snapshot, round, found_during_count, note)
            SELECT new_uuid(), :st, p.id, COALESCE(b.quantity, 0), 1, 0, ''
              FROM (SELECT product_id FROM stock_balances WHERE location_id = :loc AND quantity <> 0
                    UNION SELECT product_id FROM stock_bins WHERE location_id = :loc) inscope
              JOIN products p ON p.id = inscope.product_id
              LEFT JOIN stock_balances b ON b.product_id = p.id AND b.location_id = :loc
              LEFT JOIN stock_bins sb ON sb.product_id = p.id AND sb.location_id = :loc
             {"WHERE " + " AND ".join(where) if where else ""}""",
            params,
        )

    # -- counting ------------------------------------------------------------------------
    def count_code(self, actor: StaffSession, stocktake_id: str, code: str, quantity: Decimal | int = 1,
                   *, zone: str = "", device: str = "") -> CountResult:
        """A scanned (or typed) barcode or SKU: add ``quantity`` to that product's count.

        An unknown code is kept on the stocktake's list to resolve later, never dropped; a
        code with a wrong check digit is a misread and is refused.
        """
        actor.require(Permission.COUNT_STOCK)
        code = (code or "").strip()
        if not code:
            raise ValidationError("barcode", QT_TRANSLATE_NOOP("errors", "Scan or type a barcode."))
        barcode_lookup_key(code)  # refuses misreads (wrong check digit) before anything is written
        quantity = checked_quantity(quantity, "quantity", allow_negative=True)
        zone = zone_name(zone)
        with self.db.raw_transaction() as conn:
            row = _stocktake(conn, stocktake_id)
            _require_counting(row)
            hit = catalog_search.lookup_code(conn, code)
            if hit is None:
                if quantity < 0:
                    raise ValidationError("quantity", QT_TRANSLATE_NOOP(
                        "errors", "{code} is not in the catalog, so there is no count to take back."), code=code)
                self._keep_unknown(conn, actor, stocktake_id, code, quantity, zone, device, time_to_db(utcnow()))
                return CountResult(code=code, quantity=quantity, unknown=True)
            counted = self._add_entry(conn, actor, row, hit.product_id, quantity, zone, device, "scan")
            return CountResult(code=code, quantity=quantity, product_id=hit.product_id, sku=hit.sku,
                               name=hit.name, counted=counted)

    def count_product(self, actor: StaffSession, stocktake_id: str, product_id: str, quantity: Decimal | int,
                      *, zone: str = "", device: str = "") -> Decimal:
        """Add ``quantity`` (negative: take back a miscount) to a product's count; its new total."""
        actor.require(Permission.COUNT_STOCK)
        quantity = checked_quantity(quantity, "quantity", allow_negative=True)
        zone = zone_name(zone)
        with self.db.raw_transaction() as conn:
            row = _stocktake(conn, stocktake_id)
            _require_counting(row)
            return self._add_entry(conn, actor, row, product_id, quantity, zone, device, "typed")

    def set_count(self, actor: StaffSession, stocktake_id: str, product_id: str, quantity: Decimal | int,
                  *, zone: str = "", device: str = "") -> Decimal:
        """This device's count of a product in a zone is ``quantity`` (0: none there).

        Only this device's own entries for the zone are corrected; other counters' counts
        of the same product stay and add up.
        """
        actor.require(Permission.COUNT_STOCK)
        quantity = checked_quantity(quantity, "quantity", allow_zero=True)
        zone = zone_name(zone)
        with self.db.raw_transaction() as conn:
            row = _stocktake(conn, stocktake_id)
            _require_counting(row)
            line = self._line(conn, row, product_id)
            (mine,) = conn.execute(
                "SELECT COALESCE(SUM(quantity), 0) FROM stocktake_entries"
                " WHERE line_id = ? AND round = ? AND zone = ? AND device = ?",
                (line[0], line[1], zone, device),
            ).fetchone()
            delta = quantity_from_db(quantity_to_db(quantity) - mine)
            return self._add_entry(conn, actor, row, product_id, delta, zone, device, "typed", line=line,
                                   record_zero=True)

    def _line(self, conn: sqlite3.Connection, row: tuple, product_id: str) -> tuple[str, int]:
        """The stocktake line of a product, added (as found during the count) if not in the snapshot."""
        line = conn.execute("SELECT id, round FROM stocktake_lines WHERE stocktake_id = ? AND product_id = ?",
                            (row[0], product_id)).fetchone()
        if line is not None:
            return line
        if conn.execute("SELECT 1 FROM products WHERE id = ?", (product_id,)).fetchone() is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "The product no longer exists."))
        # What the ledger held at the snapshot: today's balance less what moved since.
        snapshot = _balance(conn, product_id, row[2]) - _moved_since(conn, product_id, row[2], row[5])
        line_id = new_id()
        conn.execute(
            "INSERT INTO stocktake_lines (id, stocktake_id, product_id, snapshot, round, found_during_count, note)"
            " VALUES (?, ?, ?, ?, 1, 1, '')",
            (line_id, row[0], product_id, snapshot),
        )
        return line_id, 1

    def _add_entry(self, conn: sqlite3.Connection, actor: StaffSession, row: tuple, product_id: str,
                   quantity: Decimal, zone: str, device: str, source: str, *, line: tuple | None = None,
                   record_zero: bool = False) -> Decimal:
        line_id, round_ = line or self._line(conn, row, product_id)
        milli = quantity_to_db(quantity)
        if milli < 0:
            (zone_total,) = conn.execute(
                "SELECT COALESCE(SUM(quantity), 0) FROM stocktake_entries WHERE line_id = ? AND round = ? AND zone = ?",
                (line_id, round_, zone),
            ).fetchone()
            if zone_total + milli < 0:
                raise ValidationError("quantity", QT_TRANSLATE_NOOP(
                    "errors", "Taking back {quantity} would make the count in this zone negative (it is {counted})."),
                    quantity=str(-quantity), counted=str(quantity_from_db(zone_total)))
        now = time_to_db(utcnow())
        if milli or record_zero:
            conn.execute(
                "INSERT INTO stocktake_entries (id, stocktake_id, line_id, round, zone, quantity, source, device,"
                " user_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (new_id(), row[0], line_id, round_, zone, milli, source, device, actor.user_id, now),
            )
        # The count and the ledger balance of this very moment, read in the same transaction.
        (counted,) = conn.execute(
            "UPDATE stocktake_lines SET counted = COALESCE(counted, 0) + ?, counted_at = ?,"
            " expected_at_count = (SELECT COALESCE(SUM(quantity), 0) FROM stock_balances"
            "                       WHERE product_id = ? AND location_id = ?)"
            " WHERE id = ? RETURNING counted",
            (milli, now, product_id, row[2], line_id),
        ).fetchone()
        return quantity_from_db(counted)

    def import_counts(self, actor: StaffSession, stocktake_id: str, data, *, zone: str = "",
                      device: str = "handheld") -> CountImportResult:
        """A handheld scanner's export (see :mod:`stocktake_import`), applied in one
        transaction: every row or none. ``zone`` applies to rows that name none; codes not
        in the catalog join the list of unknown codes, as when scanned at the screen."""
        actor.require(Permission.COUNT_STOCK)
        default_zone = zone_name(zone)
        rows = parse_count_file(data)
        products: set[str] = set()
        unknown = 0
        with self.db.raw_transaction() as conn:
            st = _stocktake(conn, stocktake_id)
            _require_counting(st)
            now = time_to_db(utcnow())
            for r in rows:
                hit = catalog_search.lookup_code(conn, r.code)
                if hit is None:
                    self._keep_unknown(conn, actor, stocktake_id, r.code, r.quantity, r.zone or default_zone,
                                       device, now)
                    unknown += 1
                else:
                    self._add_entry(conn, actor, st, hit.product_id, r.quantity, r.zone or default_zone, device,
                                    "import", record_zero=True)
                    products.add(hit.product_id)
            audit.record(conn, actor, "stocktake.counts_imported", entity_type="stocktake", entity_id=stocktake_id,
                         rows=len(rows), unknown=unknown)
        return CountImportResult(len(rows), len(products), unknown, sum((r.quantity for r in rows), Decimal(0)))

    @staticmethod
    def _keep_unknown(conn: sqlite3.Connection, actor: StaffSession, stocktake_id: str, code: str,
                      quantity: Decimal, zone: str, device: str, now: str) -> None:
        conn.execute(
            "INSERT INTO stocktake_unknown_codes (id, stocktake_id, code, zone, quantity, device, user_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (new_id(), stocktake_id, code, zone, quantity_to_db(quantity), device, actor.user_id, now),
        )

    # -- review --------------------------------------------------------------------------
    def recount(self, actor: StaffSession, stocktake_id: str, product_ids: list[str]) -> int:
        """Start a new count round for these products: their counts are cleared (the old
        entries are kept); returns how many lines will be recounted."""
        actor.require(Permission.COUNT_STOCK)
        with self.db.raw_transaction() as conn:
            row = _stocktake(conn, stocktake_id)
            _require_counting(row)
            changed = conn.executemany(
                "UPDATE stocktake_lines SET round = round + 1, counted = NULL, counted_at = NULL,"
                " expected_at_count = NULL WHERE stocktake_id = ? AND product_id = ?",
                [(stocktake_id, pid) for pid in dict.fromkeys(product_ids)],
            ).rowcount
            audit.record(conn, actor, "stocktake.recount", entity_type="stocktake", entity_id=stocktake_id,
                         lines=changed)
            return changed

    def set_note(self, actor: StaffSession, stocktake_id: str, product_id: str, note: str) -> None:
        actor.require(Permission.COUNT_STOCK)
        with self.db.raw_transaction() as conn:
            row = _stocktake(conn, stocktake_id)
            _require_counting(row)
            line_id, _ = self._line(conn, row, product_id)
            conn.execute("UPDATE stocktake_lines SET note = ? WHERE id = ?", ((note or "").strip()[:500], line_id))

    def resolve_unknown(self, actor: StaffSession, unknown_id: str, product_id: str, *,
                        add_barcode: bool = False) -> None:
        """Count an unknown code's quantity to a product; optionally make the code that
        product's barcode (needs the catalog permission)."""
        actor.require(Permission.COUNT_STOCK)
        if add_barcode:
            actor.require(Permission.MANAGE_CATALOG)
        with self.db.raw_transaction() as conn:
            unknown = conn.execute(
                "SELECT stocktake_id, code, zone, quantity, device, resolved_at FROM stocktake_unknown_codes"
                " WHERE id = ?", (unknown_id,)).fetchone()
            if unknown is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "That scanned code is no longer on the list."))
            if unknown[5] is not None:
                raise StateError(QT_TRANSLATE_NOOP("errors", "The code {code} was already resolved."), code=unknown[1])
            row = _stocktake(conn, unknown[0])
            _require_counting(row)
            if add_barcode:
                attach_barcode(conn, actor, product_id, unknown[1])
            self._add_entry(conn, actor, row, product_id, quantity_from_db(unknown[3]), unknown[2], unknown[4],
                            "resolved")
            conn.execute("UPDATE stocktake_unknown_codes SET resolved_product_id = ?, resolved_at = ? WHERE id = ?",
                         (product_id, time_to_db(utcnow()), unknown_id))

    def dismiss_unknown(self, actor: StaffSession, unknown_id: str) -> None:
        """Drop an unknown code from the list on purpose (e.g. a shelf label scanned by mistake); audited."""
        actor.require(Permission.APPROVE_STOCKTAKE)
        with self.db.raw_transaction() as conn:
            unknown = conn.execute("SELECT stocktake_id, code, quantity FROM stocktake_unknown_codes"
                                   " WHERE id = ? AND resolved_at IS NULL", (unknown_id,)).fetchone()
            if unknown is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "That scanned code is no longer on the list."))
            _require_counting(_stocktake(conn, unknown[0]))
            conn.execute("UPDATE stocktake_unknown_codes SET resolved_at = ? WHERE id = ?",
                         (time_to_db(utcnow()), unknown_id))
            audit.record(conn, actor, "stocktake.unknown_dismissed", entity_type="stocktake",
                         entity_id=unknown[0], code=unknown[1], quantity=quantity_from_db(unknown[2]))

    # -- the end -------------------------------------------------------------------------
    def post(self, actor: StaffSession, stocktake_id: str, *, uncounted: str | None = None) -> PostResult:
        """Approve the count and write its variances as adjustment movements, in one transaction.

        ``uncounted`` says what a line nobody counted means: ``"zero"`` (none there; the
        default for a full count) or ``"keep"`` (leave its stock alone; the default for a
        cycle count).
        """
        actor.require(Permission.APPROVE_STOCKTAKE)
        if uncounted not in (None, UNCOUNTED_ZERO, UNCOUNTED_KEEP):
            raise ValidationError("uncounted", QT_TRANSLATE_NOOP(
                "errors", "Say whether products nobody counted are set to zero or kept."))
        with self.db.raw_transaction() as conn:
            row = _stocktake(conn, stocktake_id)
            number, location_id, scope = row[1], row[2], row[3]
            if uncounted is None:
                uncounted = UNCOUNTED_ZERO if scope == FULL else UNCOUNTED_KEEP
            now = time_to_db(utcnow())
            posted = conn.execute(
                "UPDATE stocktakes SET status = 'posted', posted_by_id = ?, posted_at = ?, updated_at = ?"
                " WHERE id = ? AND status = 'counting'", (actor.user_id, now, now, stocktake_id)).rowcount
            if not posted:
                raise StateError(QT_TRANSLATE_NOOP(
                    "errors", "Stocktake {number} is {status} and cannot be posted again."),
                    number=number, status=row[4])
            (open_unknowns,) = conn.execute(
                "SELECT count(*) FROM stocktake_unknown_codes WHERE stocktake_id = ? AND resolved_at IS NULL",
                (stocktake_id,)).fetchone()
            if open_unknowns:
                raise StateError(QT_TRANSLATE_NOOP(
                    "errors", "{count} scanned codes of {number} are not resolved yet. Link each to a product or dismiss it, then post."),
                    count=open_unknowns, number=number)
            counted_sql = "counted - expected_at_count" if uncounted == UNCOUNTED_KEEP else \
                "CASE WHEN counted IS NULL THEN -COALESCE(b.quantity, 0) ELSE counted - expected_at_count END"
            variances = conn.execute(
                f"""SELECT l.product_id, {counted_sql} AS variance, p.cost
                      FROM stocktake_lines l JOIN products p ON p.id = l.product_id
                      LEFT JOIN stock_balances b ON b.product_id = l.product_id AND b.location_id = ?
                     WHERE l.stocktake_id = ? AND variance IS NOT NULL AND variance <> 0""",
                (location_id, stocktake_id),
            ).fetchall()
            adjust = conn.execute("SELECT id FROM locations WHERE code = 'ADJUST'").fetchone()
            if adjust is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "No stock location has the code {code}."), code="ADJUST")
            moves = [
                stock.Move(pid, quantity_from_db(abs(v)), adjust[0] if v > 0 else location_id,
                           location_id if v > 0 else adjust[0])
                for pid, v, _ in variances
            ]
            stock.post_movements(conn, moves, reason="stocktake", document_type="stocktake",
                                 document_id=stocktake_id, user_id=actor.user_id)
            gained = sum(v for _, v, _ in variances if v > 0)
            lost = -sum(v for _, v, _ in variances if v < 0)
            value = sum(v * cost for _, v, cost in variances)
            value = (value + 500) // 1000 if value >= 0 else -((-value + 500) // 1000)
            audit.record(conn, actor, "stocktake.posted", entity_type="stocktake", entity_id=stocktake_id,
                         number=number, lines=len(variances), value=value, uncounted=uncounted)
            return PostResult(number, len(variances), quantity_from_db(gained), quantity_from_db(lost), value)

    def cancel(self, actor: StaffSession, stocktake_id: str) -> None:
        """Abandon a count: nothing is adjusted; the counts stay on record."""
        actor.require(Permission.APPROVE_STOCKTAKE)
        with self.db.raw_transaction() as conn:
            row = _stocktake(conn, stocktake_id)
            _require_counting(row)
            now = time_to_db(utcnow())
            conn.execute("UPDATE stocktakes SET status = 'cancelled', updated_at = ? WHERE id = ?",
                         (now, stocktake_id))
            audit.record(conn, actor, "stocktake.cancelled", entity_type="stocktake", entity_id=stocktake_id,
                         number=row[1])

