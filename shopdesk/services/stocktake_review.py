"""Reading a stocktake: its summary, its lines with variances (largest value first), the
counts per zone and counter, and the codes nobody recognised.

Blind counts: a person who may not approve the count sees no expected quantities and no
variances (the service leaves them out, the screen does not merely hide them).
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import BinaryIO

from shopdesk.domain.errors import NotFound, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import format_money
from shopdesk.domain.permissions import Permission
from shopdesk.domain.quantity import format_quantity
from shopdesk.domain.stock_rules import variance_value
from shopdesk.printing.table_report import Bar, Column, TableReport, render_table_report
from shopdesk.services.staff_session import StaffSession
from shopdesk.services.store_settings import store_info
from shopdesk.store.database import Database
from shopdesk.store.types import quantity_from_db

ORDERS = ("value", "product", "bin")
FILTERS = ("all", "variances", "uncounted", "counted")


@dataclass(frozen=True)
class StocktakeSummary:
    id: str
    number: str
    location_code: str
    location_name: str
    scope: str
    category: str
    bin_prefix: str
    not_counted_days: int | None
    blind: bool
    status: str
    snapshot_at: datetime
    created_by: str
    posted_at: datetime | None
    posted_by: str
    note: str
    lines: int
    counted_lines: int
    open_unknown_codes: int
    # None when hidden from a blind counter
    variance_lines: int | None
    quantity_gained: Decimal | None
    quantity_lost: Decimal | None
    value: int | None

    @property
    def uncounted_lines(self) -> int:
        return self.lines - self.counted_lines


@dataclass(frozen=True)
class StocktakeLineView:
    product_id: str
    sku: str
    name: str
    bin: str
    unit_cost: int
    counted: Decimal | None
    counted_at: datetime | None
    round: int
    found_during_count: bool
    note: str
    # None when hidden from a blind counter
    snapshot: Decimal | None
    moved_during_count: Decimal | None  # ledger movements between the snapshot and the count
    expected: Decimal | None  # at the moment of the count (or now, when not counted yet)
    variance: Decimal | None  # what posting would adjust (uncounted lines of a full count: to zero)
    value: int | None

    @property
    def is_counted(self) -> bool:
        return self.counted is not None


@dataclass(frozen=True)
class ZoneCount:
    zone: str
    device: str
    counted_by: str
    quantity: Decimal


@dataclass(frozen=True)
class UnknownCodeView:
    id: str
    code: str
    zone: str
    quantity: Decimal
    scanned_by: str
    scanned_at: datetime
    resolved_product: str  # name, "" while open
    resolved: bool


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# A line's variance as posting would write it; uncounted lines of a full count go to zero.
_LINE_SQL = """
SELECT l.product_id, p.sku, p.name, COALESCE(sb.bin, ''), p.cost AS cost, l.counted, l.counted_at, l.round,
       l.found_during_count, l.note, l.snapshot, l.expected_at_count, COALESCE(b.quantity, 0) AS now_on_hand,
       CASE WHEN l.counted IS NOT NULL THEN l.counted - l.expected_at_count
            WHEN s.scope = 'full' THEN -COALESCE(b.quantity, 0) END AS variance
  FROM stocktake_lines l
  JOIN stocktakes s ON s.id = l.stocktake_id
  JOIN products p ON p.id = l.product_id
  LEFT JOIN stock_balances b ON b.product_id = l.product_id AND b.location_id = s.location_id
  LEFT JOIN stock_bins sb ON sb.product_id = l.product_id AND sb.location_id = s.location_id
 WHERE l.stocktake_id = :st"""

_FILTER_SQL = {
    "all": "",
    "variances": " AND variance IS NOT NULL AND variance <> 0",
    "uncounted": " AND l.counted IS NULL",
    "counted": " AND l.counted IS NOT NULL",
}

_ORDER_SQL = {
    "value": " ORDER BY abs(COALESCE(variance, 0) * p.cost) DESC, abs(COALESCE(variance, 0)) DESC, p.sku",
    "product": " ORDER BY p.name, p.sku",
    "bin": " ORDER BY COALESCE(sb.bin, '') = '', sb.bin, p.sku",
}


class StocktakeReview:
    def __init__(self, db: Database) -> None:
        self.db = db

    def summary(self, actor: StaffSession, stocktake_id: str) -> StocktakeSummary:
        with self.db.raw_reader() as conn:
            row = conn.execute(
                """SELECT s.id, s.number, l.code, l.name, s.scope, COALESCE(c.name, ''), s.bin_prefix,
                          s.not_counted_days, s.blind, s.status, s.snapshot_at, cu.display_name, s.posted_at,
                          COALESCE(pu.display_name, ''), s.note
                     FROM stocktakes s JOIN locations l ON l.id = s.location_id
                     JOIN users cu ON cu.id = s.created_by_id
                     LEFT JOIN users pu ON pu.id = s.posted_by_id
                     LEFT JOIN categories c ON c.id = s.category_id
                    WHERE s.id = ?""", (stocktake_id,)).fetchone()
            if row is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "That stocktake no longer exists."))
            posted = row[9] == "posted"
            lines, counted = conn.execute(
                "SELECT count(*), count(counted) FROM stocktake_lines WHERE stocktake_id = ?",
                (stocktake_id,)).fetchone()
            (unknowns,) = conn.execute(
                "SELECT count(*) FROM stocktake_unknown_codes WHERE stocktake_id = ? AND resolved_at IS NULL",
                (stocktake_id,)).fetchone()
            shown = self._may_see_expected(actor, bool(row[8]))
            variance_lines = gained = lost = value = None
            if shown:
                if posted:  # what was actually written
                    variance_lines, gained, lost, value = self._posted_totals(conn, stocktake_id)
                else:
                    variance_lines, gained, lost, value = self._pending_totals(conn, stocktake_id)
        return StocktakeSummary(
            row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], bool(row[8]), row[9], _time(row[10]),
            row[11], _time(row[12]), row[13], row[14], lines, counted, unknowns, variance_lines, gained, lost, value,
        )

    def progress(self, stocktake_id: str) -> tuple[int, int, int]:
        """(lines, counted lines, open unknown codes): cheap enough to show after every scan."""
        with self.db.raw_reader() as conn:
            lines, counted = conn.execute(
                "SELECT count(*), count(counted) FROM stocktake_lines WHERE stocktake_id = ?",
                (stocktake_id,)).fetchone()
            (unknowns,) = conn.execute(
                "SELECT count(*) FROM stocktake_unknown_codes WHERE stocktake_id = ? AND resolved_at IS NULL",
                (stocktake_id,)).fetchone()
        return lines, counted, unknowns

    @staticmethod
    def _may_see_expected(actor: StaffSession, blind: bool) -> bool:
        return not blind or actor.can(Permission.APPROVE_STOCKTAKE)

    @staticmethod
    def _pending_totals(conn: sqlite3.Connection, stocktake_id: str) -> tuple:
        n, gained, lost, value = conn.execute(
            f"""SELECT count(*), COALESCE(SUM(MAX(variance, 0)), 0), COALESCE(SUM(MAX(-variance, 0)), 0),
                       COALESCE(SUM(variance * cost), 0)
                  FROM ({_LINE_SQL})
                 WHERE variance IS NOT NULL AND variance <> 0""", {"st": stocktake_id}).fetchone()
        return n, quantity_from_db(gained), quantity_from_db(lost), _milli_value(value)

    @staticmethod
    def _posted_totals(conn: sqlite3.Connection, stocktake_id: str) -> tuple:
        n, gained, lost, value = conn.execute(
            """SELECT count(*), COALESCE(SUM(CASE WHEN l.kind = 'internal' THEN 0 ELSE m.quantity END), 0),
                      COALESCE(SUM(CASE WHEN l.kind = 'internal' THEN m.quantity ELSE 0 END), 0),
                      COALESCE(SUM(CASE WHEN l.kind = 'internal' THEN -m.quantity ELSE m.quantity END * p.cost), 0)
                 FROM stock_movements m JOIN locations l ON l.id = m.from_location_id
                 JOIN products p ON p.id = m.product_id
                WHERE m.document_type = 'stocktake' AND m.document_id = ?""", (stocktake_id,)).fetchone()
        return n, quantity_from_db(gained), quantity_from_db(lost), _milli_value(value)

    def lines(self, actor: StaffSession, stocktake_id: str, *, order: str = "value", only: str = "all",
              offset: int = 0, limit: int = 200) -> list[StocktakeLineView]:
        """A page of lines; ``order`` value (largest variance at cost first), product or bin;
        ``only`` all, variances, uncounted or counted."""
        if order not in ORDERS:
            raise ValidationError("order", QT_TRANSLATE_NOOP("errors", "Sort by value, product or bin."))
        if only not in FILTERS:
            raise ValidationError("only", QT_TRANSLATE_NOOP("errors", "Show all, variances, uncounted or counted lines."))
        with self.db.raw_reader() as conn:
            blind = conn.execute("SELECT blind FROM stocktakes WHERE id = ?", (stocktake_id,)).fetchone()
            if blind is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "That stocktake no longer exists."))
            shown = self._may_see_expected(actor, bool(blind[0]))
            if not shown and only == "variances":
                return []
            order_sql = _ORDER_SQL["product" if order == "value" and not shown else order]
            rows = conn.execute(
                _LINE_SQL + _FILTER_SQL[only] + order_sql + " LIMIT :limit OFFSET :offset",
                {"st": stocktake_id, "limit": max(1, min(limit, 10_000)), "offset": max(0, offset)},
            ).fetchall()
        return [_line_view(r, shown) for r in rows]

    def id_of(self, number: str) -> str:
        """The stocktake numbered ``number`` (``ST-000042``; ``42`` will do)."""
        text = (number or "").strip().upper()
        if text.isdigit():
            text = f"ST-{int(text):06d}"
        with self.db.raw_reader() as conn:
            row = conn.execute("SELECT id FROM stocktakes WHERE number = ?", (text,)).fetchone()
        if row is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "There is no stocktake {number}."), number=number)
        return row[0]

    def line(self, actor: StaffSession, stocktake_id: str, product_id: str) -> StocktakeLineView | None:
        """One product's line as it stands now (after a scan, to update the screen in place)."""
        with self.db.raw_reader() as conn:
            blind = conn.execute("SELECT blind FROM stocktakes WHERE id = ?", (stocktake_id,)).fetchone()
            if blind is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "That stocktake no longer exists."))
            row = conn.execute(_LINE_SQL + " AND l.product_id = :pid", {"st": stocktake_id, "pid": product_id}
                               ).fetchone()
        return None if row is None else _line_view(row, self._may_see_expected(actor, bool(blind[0])))

    def zone_counts(self, stocktake_id: str, product_id: str) -> list[ZoneCount]:
        """The current round's counts of one product, per zone and counting device."""
        with self.db.raw_reader() as conn:
            rows = conn.execute(
                """SELECT e.zone, e.device, group_concat(DISTINCT u.display_name), SUM(e.quantity)
                     FROM stocktake_entries e JOIN stocktake_lines l ON l.id = e.line_id AND e.round = l.round
                     JOIN users u ON u.id = e.user_id
                    WHERE l.stocktake_id = ? AND l.product_id = ?
                    GROUP BY e.zone, e.device ORDER BY e.zone, e.device""", (stocktake_id, product_id)).fetchall()
        return [ZoneCount(z, d, who or "", quantity_from_db(q)) for z, d, who, q in rows]

    def unknown_codes(self, stocktake_id: str, *, include_resolved: bool = False) -> list[UnknownCodeView]:
        with self.db.raw_reader() as conn:
            rows = conn.execute(
                f"""SELECT k.id, k.code, k.zone, k.quantity, u.display_name, k.created_at, COALESCE(p.name, ''),
                           k.resolved_at IS NOT NULL
                      FROM stocktake_unknown_codes k JOIN users u ON u.id = k.user_id
                      LEFT JOIN products p ON p.id = k.resolved_product_id
                     WHERE k.stocktake_id = ? {"" if include_resolved else "AND k.resolved_at IS NULL"}
                     ORDER BY k.created_at""", (stocktake_id,)).fetchall()
        return [UnknownCodeView(r[0], r[1], r[2], quantity_from_db(r[3]), r[4], _time(r[5]), r[6], bool(r[7]))
                for r in rows]

    def list_stocktakes(self, status: str | None = None, limit: int = 100) -> list[StocktakeSummary]:
        """Newest first (summaries without variance figures; open one with :meth:`summary`)."""
        with self.db.raw_reader() as conn:
            rows = conn.execute(
                f"""SELECT s.id, s.number, l.code, l.name, s.scope, COALESCE(c.name, ''), s.bin_prefix,
                           s.not_counted_days, s.blind, s.status, s.snapshot_at, cu.display_name, s.posted_at,
                           COALESCE(pu.display_name, ''), s.note,
                           (SELECT count(*) FROM stocktake_lines WHERE stocktake_id = s.id),
                           (SELECT count(counted) FROM stocktake_lines WHERE stocktake_id = s.id),
                           (SELECT count(*) FROM stocktake_unknown_codes
                             WHERE stocktake_id = s.id AND resolved_at IS NULL)
                      FROM stocktakes s JOIN locations l ON l.id = s.location_id
                      JOIN users cu ON cu.id = s.created_by_id
                      LEFT JOIN users pu ON pu.id = s.posted_by_id
                      LEFT JOIN categories c ON c.id = s.category_id
                     {"WHERE s.status = :status" if status else ""}
                     ORDER BY s.created_at DESC LIMIT :limit""", {"status": status, "limit": limit}).fetchall()
        return [StocktakeSummary(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]), r[9], _time(r[10]),
                                 r[11], _time(r[12]), r[13], r[14], r[15], r[16], r[17], None, None, None, None)
                for r in rows]

    def variance_report(self, actor: StaffSession, stocktake_id: str,
                        path: str | os.PathLike[str] | BinaryIO) -> int:
        """The variances as a PDF, largest value first, with a chart of the ten largest;
        returns the page count. Managers only (it shows expected quantities)."""
        actor.require(Permission.VIEW_REPORTS)
        info = store_info(self.db)
        cur, loc = info.currency, info.locale
        summary = self.summary(actor, stocktake_id)
        lines: list[StocktakeLineView] = []
        while batch := self.lines(actor, stocktake_id, only="variances", offset=len(lines), limit=10_000):
            lines.extend(batch)

        def qty(q: Decimal | None) -> str:
            return "" if q is None else format_quantity(q, loc)

        def signed(q: Decimal | None) -> str:
            return "" if q is None else ("+" if q > 0 else "") + format_quantity(q, loc)

        when = (summary.posted_at or summary.snapshot_at).astimezone()
        scope = summary.scope + "".join(
            f", {label} {value}" for label, value in (("category", summary.category), ("bins", summary.bin_prefix),
                                                      ("not counted for days", summary.not_counted_days)) if value)
        report = TableReport(
            title=f"Stocktake variances {summary.number} — {info.name}",
            facts=[
                ("Location", f"{summary.location_code} {summary.location_name}"),
                ("Count", scope + (" (blind)" if summary.blind else "")),
                ("Status", summary.status + (f" by {summary.posted_by}" if summary.posted_by else "")),
                ("Date", when.strftime("%Y-%m-%d %H:%M")),
                ("Lines counted", f"{summary.counted_lines} of {summary.lines}"),
                ("Lines with a variance", str(summary.variance_lines or 0)),
                ("Found / missing", f"+{qty(summary.quantity_gained)} / -{qty(summary.quantity_lost)}"),
                ("Net value at cost", format_money(summary.value or 0, cur, loc)),
            ],
            columns=[Column("SKU", 10), Column("Product", 26), Column("Bin", 7), Column("Snapshot", 7, "right"),
                     Column("Moved", 6, "right"), Column("Expected", 7, "right"), Column("Counted", 7, "right"),
                     Column("Variance", 7, "right"), Column("Unit cost", 8, "right"), Column("Value", 9, "right"),
                     Column("Note", 16)],
            rows=[[v.sku, v.name, v.bin, qty(v.snapshot), signed(v.moved_during_count), qty(v.expected),
                   qty(v.counted) if v.counted is not None else "not counted", signed(v.variance),
                   format_money(v.unit_cost, cur, loc), format_money(v.value or 0, cur, loc), v.note]
                  for v in lines],
            totals=["", f"{len(lines)} lines", "", "", "", "", "", "", "",
                    format_money(sum(v.value or 0 for v in lines), cur, loc), ""],
            chart_title="Largest variances at cost",
            bars=[Bar(f"{v.sku} {v.name}", v.value or 0, format_money(v.value or 0, cur, loc)) for v in lines[:10]],
            footer=f"{info.name} · {summary.number}",
        )
        return render_table_report(report, path)


def _milli_value(milli_value: int) -> int:
    """Σ quantity-thousandths × unit cost → minor units, rounded half away from zero."""
    sign = -1 if milli_value < 0 else 1
    return sign * ((abs(milli_value) + 500) // 1000)


def _line_view(r: tuple, shown: bool) -> StocktakeLineView:
    counted = None if r[5] is None else quantity_from_db(r[5])
    snapshot = quantity_from_db(r[10])
    expected = quantity_from_db(r[11]) if r[11] is not None else quantity_from_db(r[12])
    moved = expected - snapshot if counted is not None else quantity_from_db(r[12]) - snapshot
    variance = None if r[13] is None else quantity_from_db(r[13])
    value = None if variance is None else variance_value(variance, r[4])
    if not shown:
        snapshot = moved = expected = variance = value = None
    return StocktakeLineView(
        product_id=r[0], sku=r[1], name=r[2], bin=r[3], unit_cost=r[4], counted=counted, counted_at=_time(r[6]),
        round=r[7], found_during_count=bool(r[8]), note=r[9], snapshot=snapshot, moved_during_count=moved,
        expected=expected, variance=variance, value=value,
    )
