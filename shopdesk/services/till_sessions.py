"""Till sessions: a till is opened with a counted float, takes sales and cash in/out, and is
closed with a cash count (Z report). Every sale belongs to the session open at its till.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from shopdesk.domain.cash_count import cash_amount, count_from_json, count_to_json
from shopdesk.domain.errors import NotFound, StateError, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import MAX_TYPED_MINOR, format_money
from shopdesk.domain.permissions import Permission
from shopdesk.printing import till_report
from shopdesk.printing.till_report import TaxTotal, TenderTotal, TillReport
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.documents import next_number
from shopdesk.store.types import new_id, time_to_db, utcnow

__all__ = ["OpenSession", "TaxTotal", "TenderTotal", "TillReport", "TillSessionService", "build_report",
           "expected_cash", "insert_session", "open_session_id", "session_for_sale"]


def open_session_id(conn: sqlite3.Connection, till_id: str) -> str | None:
    row = conn.execute("SELECT id FROM till_sessions WHERE till_id = ? AND status = 'open'", (till_id,)).fetchone()
    return row[0] if row else None


def insert_session(conn: sqlite3.Connection, actor: StaffSession, till_id: str, opening_float: int,
                   float_detail: dict | None = None, *, note: str = "") -> str:
    """Open a session inside the caller's transaction (the one-open-per-till index guards it)."""
    till = conn.execute("SELECT code FROM tills WHERE id = ?", (till_id,)).fetchone()
    if till is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "This till is not known to the store."))
    session_id = new_id()
    number = next_number(conn, f"Z-{till[0]}")
    conn.execute(
        "INSERT INTO till_sessions (id, till_id, number, status, opened_by_id, opened_at, opening_float,"
        " float_detail, count_detail, note) VALUES (?, ?, ?, 'open', ?, ?, ?, ?, '{}', ?)",
        (session_id, till_id, number, actor.user_id, time_to_db(utcnow()), opening_float,
         json.dumps(float_detail or {}, sort_keys=True), note),
    )
    audit.record(conn, actor, "till.opened", entity_type="till_session", entity_id=session_id, number=number,
                 opening_float=opening_float, note=note)
    return session_id


def session_for_sale(conn: sqlite3.Connection, actor: StaffSession, till_id: str) -> str:
    """The till's open session; a sale at a till nobody opened opens one with no float
    (audited), so the sale is still counted in a Z report rather than refused."""
    return open_session_id(conn, till_id) or insert_session(
        conn, actor, till_id, 0, note="opened by a sale: no float was counted")


# --------------------------------------------------------------------------- the service
#
# Money in the drawer, by one rule (also in the X/Z report):
#   expected cash = opening float + cash applied in sales (SalePayment.amount of cash
#   tenders: the change is already netted out) + cash refunds (negative amounts)
#   + paid-ins − paid-outs.
# "no sale" openings move no money; they are counted and audited.

MAX_REASON = 200


@dataclass(frozen=True)
class OpenSession:
    """The till's open session, as the counter screen shows it."""

    session_id: str
    number: str
    opened_by: str
    opened_at: datetime
    opening_float: int


def _store(conn: sqlite3.Connection) -> tuple[str, str, str]:
    row = conn.execute("SELECT name, currency, locale FROM store_settings LIMIT 1").fetchone()
    if row is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "This database has no store yet; run the set-up first."))
    return row


def _time(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _open_session(conn: sqlite3.Connection, till_id: str) -> OpenSession | None:
    row = conn.execute(
        "SELECT s.id, s.number, u.display_name, s.opened_at, s.opening_float FROM till_sessions s"
        " JOIN users u ON u.id = s.opened_by_id WHERE s.till_id = ? AND s.status = 'open'", (till_id,)).fetchone()
    return OpenSession(row[0], row[1], row[2], _time(row[3]), row[4]) if row else None


def _till_name(conn: sqlite3.Connection, till_id: str) -> str:
    row = conn.execute("SELECT name FROM tills WHERE id = ?", (till_id,)).fetchone()
    if row is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "This till is not known to the store."))
    return row[0]


def _require_open(conn: sqlite3.Connection, till_id: str, doing: str) -> OpenSession:
    found = _open_session(conn, till_id)
    if found is None:
        raise StateError(QT_TRANSLATE_NOOP(
            "errors", "{till} is not open: open it with a counted float before {doing}."),
            till=_till_name(conn, till_id), doing=doing)
    return found


def _cash_tender_sql() -> str:
    # A tender counts as cash when its type says so; a code with no type row only when it is "cash".
    return "COALESCE(tt.kind, CASE WHEN p.tender = 'cash' THEN 'cash' ELSE 'other' END)"


def expected_cash(conn: sqlite3.Connection, session_id: str) -> int:
    """What the drawer of the session should hold now (see the rule above)."""
    (opening,) = conn.execute("SELECT opening_float FROM till_sessions WHERE id = ?", (session_id,)).fetchone()
    (cash,) = conn.execute(
        "SELECT COALESCE(SUM(p.amount), 0) FROM sales s JOIN sale_payments p ON p.sale_id = s.id"
        f" LEFT JOIN tender_types tt ON tt.code = p.tender WHERE s.session_id = ? AND {_cash_tender_sql()} = 'cash'",
        (session_id,)).fetchone()
    (moved,) = conn.execute(
        "SELECT COALESCE(SUM(CASE kind WHEN 'paid_in' THEN amount WHEN 'paid_out' THEN -amount ELSE 0 END), 0)"
        " FROM cash_movements WHERE session_id = ?", (session_id,)).fetchone()
    return opening + cash + moved


def build_report(conn: sqlite3.Connection, session_id: str, *, now: datetime | None = None) -> TillReport:
    """The X (open) or Z (closed) report of a session, aggregated in SQL: a handful of
    GROUP BY queries over the session's sales, lines, payments and cash movements."""
    head = conn.execute(
        "SELECT s.number, s.status, s.opened_at, s.opening_float, s.float_detail, s.closed_at, s.expected_cash,"
        " s.counted_cash, s.count_detail, s.note, t.code, t.name, ou.display_name, cu.display_name"
        " FROM till_sessions s JOIN tills t ON t.id = s.till_id JOIN users ou ON ou.id = s.opened_by_id"
        " LEFT JOIN users cu ON cu.id = s.closed_by_id WHERE s.id = ?", (session_id,)).fetchone()
    if head is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "No till session with that number exists."))
    (number, status, opened_at, opening_float, float_detail, closed_at, stored_expected, counted, count_detail,
     note, till_code, till_name, opened_by, closed_by) = head
    store_name, currency, locale = _store(conn)

    kinds = {kind: (n, net, tax, gross, rounding) for kind, n, net, tax, gross, rounding in conn.execute(
        "SELECT kind, COUNT(*), SUM(net_total), SUM(tax_total), SUM(grand_total), SUM(rounding)"
        " FROM sales WHERE session_id = ? GROUP BY kind", (session_id,))}

    def by_kind(*names: str, i: int) -> int:
        return sum(kinds[k][i] or 0 for k in names if k in kinds)

    everything = ("sale", "return", "exchange")
    taxes: dict[tuple[str, str], list[int]] = {}
    gross_sales = returns_total = discounts = 0
    for code, percent, sold, net, tax, gross, discount in conn.execute(
            "SELECT l.tax_code, l.tax_percent, l.quantity > 0, SUM(l.net), SUM(l.tax), SUM(l.gross), SUM(l.discount)"
            " FROM sales s JOIN sale_lines l ON l.sale_id = s.id WHERE s.session_id = ?"
            " GROUP BY l.tax_code, l.tax_percent, l.quantity > 0", (session_id,)):
        bucket = taxes.setdefault((code, percent), [0, 0, 0])
        bucket[0] += net
        bucket[1] += tax
        bucket[2] += gross
        if sold:
            gross_sales += gross
            discounts += discount
        else:
            returns_total += gross

    tenders = []
    for code, name, kind, taken, refunded, count in conn.execute(
            f"SELECT p.tender, COALESCE(MIN(tt.name), p.tender), MIN({_cash_tender_sql()}),"
            " SUM(CASE WHEN p.amount > 0 THEN p.amount ELSE 0 END),"
            " SUM(CASE WHEN p.amount < 0 THEN p.amount ELSE 0 END), COUNT(*)"
            " FROM sales s JOIN sale_payments p ON p.sale_id = s.id LEFT JOIN tender_types tt ON tt.code = p.tender"
            " WHERE s.session_id = ? GROUP BY p.tender ORDER BY COALESCE(MIN(tt.position), 999), p.tender",
            (session_id,)):
        tenders.append(TenderTotal(code, name, kind, taken, refunded, count))
    cash_sales = sum(t.taken for t in tenders if t.kind == "cash")
    cash_refunds = sum(t.refunded for t in tenders if t.kind == "cash")

    moves = {kind: (n, amount) for kind, n, amount in conn.execute(
        "SELECT kind, COUNT(*), COALESCE(SUM(amount), 0) FROM cash_movements WHERE session_id = ? GROUP BY kind",
        (session_id,))}
    paid_in_count, paid_in = moves.get("paid_in", (0, 0))
    paid_out_count, paid_out = moves.get("paid_out", (0, 0))
    no_sale_count = moves.get("no_sale", (0, 0))[0]
    expected = opening_float + cash_sales + cash_refunds + paid_in - paid_out
    closed = status == "closed"
    return TillReport(
        kind="Z" if closed else "X", session_id=session_id, number=number, till_code=till_code,
        till_name=till_name, store_name=store_name, currency=currency, locale=locale,
        opened_by=opened_by, opened_at=_time(opened_at), closed_by=closed_by, closed_at=_time(closed_at),
        opening_float=opening_float, float_detail=count_from_json(float_detail),
        sales_count=by_kind("sale", "exchange", i=0), returns_count=by_kind("return", "exchange", i=0),
        exchanges_count=by_kind("exchange", i=0), gross_sales=gross_sales, discounts=discounts,
        returns_total=returns_total, total=by_kind(*everything, i=3), net_total=by_kind(*everything, i=1),
        tax_total=by_kind(*everything, i=2), rounding=by_kind(*everything, i=4),
        taxes=tuple(TaxTotal(code, Decimal(percent), *sums) for (code, percent), sums in
                    sorted(taxes.items(), key=lambda item: (item[0][0], Decimal(item[0][1])))),
        tenders=tuple(tenders), cash_sales=cash_sales, cash_refunds=cash_refunds,
        paid_in=paid_in, paid_out=paid_out, paid_in_count=paid_in_count, paid_out_count=paid_out_count,
        no_sale_count=no_sale_count,
        expected_cash=stored_expected if closed and stored_expected is not None else expected,
        counted_cash=counted if closed else None, count_detail=count_from_json(count_detail) if closed else {},
        note=note or "", made_at=now or utcnow(),
    )


class TillSessionService:
    """Opening and closing tills, cash in and out of the drawer, X and Z reports."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ----------------------------------------------------------------- reading

    def current(self, till_id: str) -> OpenSession | None:
        """The till's open session, or None when it is closed."""
        with self.db.raw_reader() as conn:
            return _open_session(conn, till_id)

    def currency(self) -> tuple[str, str]:
        """(currency, locale) of the store, for counting and formatting."""
        with self.db.raw_reader() as conn:
            _name, currency, locale = _store(conn)
        return currency, locale

    # ----------------------------------------------------------------- open / close

    def open(self, actor: StaffSession, till_id: str, counted: Mapping[int, int] | int, note: str = "") -> str:
        """Open the till with a float counted by denomination (or as a plain amount)."""
        actor.require(Permission.SELL)
        note = (note or "").strip()
        with self.db.raw_transaction() as conn:
            _name, currency, _locale = _store(conn)
            total, detail = cash_amount(currency, counted)
            found = _open_session(conn, till_id)
            if found is not None:
                raise self._already_open(conn, till_id, found)
            try:
                return insert_session(conn, actor, till_id, total, detail, note=note)
            except sqlite3.IntegrityError:  # another machine opened it a moment ago
                raise self._already_open(conn, till_id, _open_session(conn, till_id)) from None

    @staticmethod
    def _already_open(conn: sqlite3.Connection, till_id: str, found: OpenSession | None) -> StateError:
        return StateError(QT_TRANSLATE_NOOP(
            "errors", "{till} is already open (session {number}, opened by {name}). "
                      "Close it with a Z report before opening it again."),
            till=_till_name(conn, till_id), number=found.number if found else "?",
            name=found.opened_by if found else "?")

    def close(self, actor: StaffSession, till_id: str, counted: Mapping[int, int] | int, note: str = "") -> TillReport:
        """Count the drawer and close the session: the Z report, in one transaction."""
        actor.require(Permission.SELL)
        note = (note or "").strip()
        with self.db.raw_transaction() as conn:
            _name, currency, _locale = _store(conn)
            total, detail = cash_amount(currency, counted)
            session = _open_session(conn, till_id)
            if session is None:
                raise StateError(QT_TRANSLATE_NOOP(
                    "errors", "{till} is not open: there is nothing to close."), till=_till_name(conn, till_id))
            now = utcnow()
            x = build_report(conn, session.session_id, now=now)
            (old_note,) = conn.execute("SELECT note FROM till_sessions WHERE id = ?",
                                       (session.session_id,)).fetchone()
            full_note = "\n".join(n for n in (old_note, note) if n)
            updated = conn.execute(
                "UPDATE till_sessions SET status = 'closed', closed_by_id = ?, closed_at = ?, expected_cash = ?,"
                " counted_cash = ?, count_detail = ?, note = ? WHERE id = ? AND status = 'open'",
                (actor.user_id, time_to_db(now), x.expected_cash, total, count_to_json(detail), full_note,
                 session.session_id)).rowcount
            if updated != 1:
                raise StateError(QT_TRANSLATE_NOOP("errors", "The session was closed on another machine."))
            audit.record(conn, actor, "till.closed", entity_type="till_session", entity_id=session.session_id,
                         number=session.number, opening_float=x.opening_float, expected_cash=x.expected_cash,
                         counted_cash=total, over_short=total - x.expected_cash, sales=x.sales_count,
                         total=x.total, note=note)
            return build_report(conn, session.session_id, now=now)

    # ----------------------------------------------------------------- cash movements

    def cash_in(self, actor: StaffSession, till_id: str, amount: int, reason: str) -> str:
        """A paid-in: cash put in the drawer that is not a sale (change from the bank, …)."""
        return self._move(actor, till_id, "paid_in", amount, reason)

    def cash_out(self, actor: StaffSession, till_id: str, amount: int, reason: str) -> str:
        """A paid-out: cash taken from the drawer (a delivery paid, a bank drop, …)."""
        return self._move(actor, till_id, "paid_out", amount, reason)

    def _move(self, actor: StaffSession, till_id: str, kind: str, amount: int, reason: str) -> str:
        actor.require(Permission.SELL)
        reason = _reason(reason)
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0 or amount > MAX_TYPED_MINOR:
            raise ValidationError("amount", QT_TRANSLATE_NOOP(
                "errors", "Enter an amount greater than zero."))
        with self.db.raw_transaction() as conn:
            doing = "paying in" if kind == "paid_in" else "paying out"
            session = _require_open(conn, till_id, doing)
            _name, currency, locale = _store(conn)
            if kind == "paid_out":
                available = expected_cash(conn, session.session_id)
                if amount > available:
                    raise ValidationError("amount", QT_TRANSLATE_NOOP(
                        "errors", "Cannot pay out {amount}: the drawer should hold only {available}."),
                        amount=format_money(amount, currency, locale),
                        available=format_money(available, currency, locale))
            movement_id = self._insert_movement(conn, actor, session.session_id, kind, amount, reason)
            audit.record(conn, actor, f"till.{kind}", entity_type="cash_movement", entity_id=movement_id,
                         session=session.number, amount=amount, reason=reason)
            return movement_id

    def no_sale(self, actor: StaffSession, till_id: str, reason: str) -> str:
        """Open the drawer without a sale (managers): recorded and audited. The caller then
        kicks the drawer (:meth:`kick_drawer`)."""
        actor.require(Permission.OPEN_DRAWER)
        reason = _reason(reason)
        with self.db.raw_transaction() as conn:
            session = _require_open(conn, till_id, "opening the drawer")
            movement_id = self._insert_movement(conn, actor, session.session_id, "no_sale", 0, reason)
            audit.record(conn, actor, "till.no_sale", entity_type="cash_movement", entity_id=movement_id,
                         session=session.number, reason=reason)
            return movement_id

    @staticmethod
    def _insert_movement(conn: sqlite3.Connection, actor: StaffSession, session_id: str, kind: str, amount: int,
                         reason: str) -> str:
        movement_id = new_id()
        conn.execute(
            "INSERT INTO cash_movements (id, session_id, kind, amount, reason, user_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (movement_id, session_id, kind, amount, reason, actor.user_id, time_to_db(utcnow())))
        return movement_id

    # ----------------------------------------------------------------- reports

    def report(self, actor: StaffSession, till_id: str | None = None, *, session_id: str | None = None
               ) -> TillReport:
        """The X report of the till's open session (changes nothing), or the Z report of a
        closed session: by ``session_id``, or the till's last one when it is not open."""
        actor.require(Permission.SELL)
        if (till_id is None) == (session_id is None):
            raise ValueError("give a till_id or a session_id")
        with self.db.raw_reader() as conn:
            if session_id is None:
                session_id = open_session_id(conn, till_id)
                if session_id is None:
                    row = conn.execute("SELECT id FROM till_sessions WHERE till_id = ?"
                                       " ORDER BY opened_at DESC LIMIT 1", (till_id,)).fetchone()
                    if row is None:
                        raise StateError(QT_TRANSLATE_NOOP(
                            "errors", "{till} has not been opened yet: there is nothing to report."),
                            till=_till_name(conn, till_id))
                    session_id = row[0]
            return build_report(conn, session_id)

    @staticmethod
    def report_pdf(report: TillReport, path, labels: Mapping[str, str] | None = None) -> int:
        return till_report.report_pdf(report, path, labels)

    @staticmethod
    def report_escpos(report: TillReport, labels: Mapping[str, str] | None = None) -> bytes:
        return till_report.report_escpos(report, labels=labels)

    def printer_spec(self) -> str:
        with self.db.raw_reader() as conn:
            row = conn.execute("SELECT receipt_printer FROM store_settings LIMIT 1").fetchone()
        return (row[0] if row else "") or "none"

    def print_report(self, report: TillReport, labels: Mapping[str, str] | None = None) -> bool:
        """Print on the store's receipt printer; False when there is none. Raises PrinterError."""
        spec = self.printer_spec()
        if spec == "none":
            return False
        from shopdesk.printing.receipt_escpos import send_to_printer

        send_to_printer(self.report_escpos(report, labels), spec)
        return True

    def kick_drawer(self) -> Exception | None:
        """Open the cash drawer behind the receipt printer; trouble is returned, not raised."""
        return till_report.kick_drawer(self.printer_spec())


def _reason(reason: str) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise ValidationError("reason", QT_TRANSLATE_NOOP("errors", "Say why: enter a reason."))
    if len(text) > MAX_REASON:
        raise ValidationError("reason", QT_TRANSLATE_NOOP(
            "errors", "The reason is too long: at most {maximum} characters."), maximum=MAX_REASON)
    return text
