"""The stock ledger: every change of stock is a movement; balances are its cached sum.

A movement takes a positive quantity from one location to another (virtual locations such
as suppliers and customers stand on the other side), so per product the balances over all
locations always add up to zero: nothing is created or lost, only moved.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from shopdesk.domain.errors import NotFound
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.store import till_queries
from shopdesk.store.database import Database, dbapi_connection
from shopdesk.store.models import Location, StockBalance
from shopdesk.store.types import new_id, quantity_to_db, time_to_db, utcnow


@dataclass(frozen=True)
class Move:
    product_id: str
    quantity: Decimal
    from_location_id: str
    to_location_id: str


def post_movements(
    target: Session | sqlite3.Connection, moves: list[Move], *, reason: str, document_type: str,
    document_id: str, user_id: str | None,
) -> None:
    """Write movements and update both balances, inside the caller's unit of work."""
    if not moves:
        return
    conn = dbapi_connection(target)
    now = time_to_db(utcnow())
    rows, deltas = [], {}
    for m in moves:
        if m.quantity <= 0:
            raise ValueError(f"movement quantity must be positive, got {m.quantity}")
        milli = quantity_to_db(m.quantity)
        rows.append((new_id(), m.product_id, m.from_location_id, m.to_location_id, milli, reason,
                     document_type, document_id, user_id, now))
        deltas[(m.product_id, m.to_location_id)] = deltas.get((m.product_id, m.to_location_id), 0) + milli
        deltas[(m.product_id, m.from_location_id)] = deltas.get((m.product_id, m.from_location_id), 0) - milli
    till_queries.insert_movements(conn, rows)
    till_queries.add_to_balances(conn, [(p, loc, q, now) for (p, loc), q in deltas.items()])


def location_id(session: Session, code: str) -> str:
    found = session.scalar(select(Location.id).where(Location.code == code))
    if found is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "No stock location has the code {code}."), code=code)
    return found


def on_hand(session: Session, product_id: str, location_id: str) -> Decimal:
    value = session.scalar(
        select(StockBalance.quantity).where(
            StockBalance.product_id == product_id, StockBalance.location_id == location_id
        )
    )
    return value if value is not None else Decimal(0)


@dataclass(frozen=True)
class BalanceMismatch:
    product_id: str
    location_id: str
    balance: Decimal
    ledger: Decimal


_MISMATCH_SQL = text("""
WITH ledger AS (
    SELECT product_id, location_id, SUM(q) AS q FROM (
        SELECT product_id, to_location_id AS location_id, quantity AS q FROM stock_movements
        UNION ALL
        SELECT product_id, from_location_id, -quantity FROM stock_movements
    ) GROUP BY product_id, location_id
)
SELECT b.product_id, b.location_id, b.quantity, COALESCE(l.q, 0)
  FROM stock_balances b LEFT JOIN ledger l
    ON l.product_id = b.product_id AND l.location_id = b.location_id
 WHERE b.quantity <> COALESCE(l.q, 0)
UNION ALL
SELECT l.product_id, l.location_id, 0, l.q
  FROM ledger l LEFT JOIN stock_balances b
    ON l.product_id = b.product_id AND l.location_id = b.location_id
 WHERE b.product_id IS NULL AND l.q <> 0
""")


def verify(db: Database) -> list[BalanceMismatch]:
    """Every (product, location) whose cached balance differs from the ledger sum."""
    with db.reader() as s:
        return [
            BalanceMismatch(p, loc, Decimal(b) / 1000, Decimal(q) / 1000)
            for p, loc, b, q in s.execute(_MISMATCH_SQL)
        ]
