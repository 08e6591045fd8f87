"""Parking a cart: the customer steps aside (forgot their wallet, fetches one more item),
the till serves the next one, and the parked cart comes back later with its lines,
discounts and customer as they were.

A parked cart is the same ``cart_drafts`` row with status 'parked' (the database allows
one OPEN cart per till and any number parked). Parking and resuming are audited.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from shopdesk.domain.errors import NotFound, StateError, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.services import audit
from shopdesk.services.cart_view import CartView, cart_view
from shopdesk.services.staff_session import StaffSession
from shopdesk.store import till_queries
from shopdesk.store.database import Database
from shopdesk.store.types import time_to_db, utcnow

MAX_NOTE = 200
LIST_LIMIT = 100


@dataclass(frozen=True)
class ParkedCart:
    cart_id: str
    note: str
    parked_at: datetime
    parked_by: str  # display name
    customer_id: str | None
    customer_name: str
    lines: int
    total: int
    currency: str
    locale: str


def _parked(conn: sqlite3.Connection, cart_id: str) -> ParkedCart:
    row = conn.execute(
        "SELECT c.id, c.note, c.parked_at, COALESCE(u.display_name, ''), c.customer_id, COALESCE(k.name, '')"
        "  FROM cart_drafts c LEFT JOIN users u ON u.id = c.user_id LEFT JOIN customers k ON k.id = c.customer_id"
        " WHERE c.id = ?", (cart_id,)).fetchone()
    view = cart_view(conn, cart_id)
    parked_at = datetime.fromisoformat(row[2]).astimezone(UTC) if row[2] else utcnow()
    return ParkedCart(row[0], row[1] or "", parked_at, row[3], row[4], row[5], len(view.lines), view.total,
                      view.currency, view.locale)


class CartParkingService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def park(self, actor: StaffSession, till_id: str, note: str = "") -> ParkedCart:
        """Set the till's cart aside; the till is free for the next customer."""
        actor.require(Permission.SELL)
        note = " ".join((note or "").split()) or f"Parked by {actor.display_name}"
        if len(note) > MAX_NOTE:
            raise ValidationError("note", QT_TRANSLATE_NOOP(
                "errors", "The note is longer than {max} characters; shorten it."), max=MAX_NOTE)
        with self.db.raw_transaction() as conn:
            cart_id = till_queries.open_cart_id(conn, till_id)
            view = cart_view(conn, cart_id)
            if cart_id is None or view.is_empty:
                raise StateError(QT_TRANSLATE_NOOP("errors", "The cart is empty: there is nothing to park."))
            now = time_to_db(utcnow())
            conn.execute(
                "UPDATE cart_drafts SET status = 'parked', note = ?, parked_at = ?, user_id = ?, updated_at = ?"
                " WHERE id = ?", (note, now, actor.user_id, now, cart_id))
            audit.record(conn, actor, "cart.parked", entity_type="cart", entity_id=cart_id, note=note,
                         lines=len(view.lines), total=view.total, customer_id=view.customer_id)
            return _parked(conn, cart_id)

    def list_parked(self, till_id: str, limit: int = LIST_LIMIT) -> list[ParkedCart]:
        """This till's parked carts, newest first."""
        with self.db.raw_reader() as conn:
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM cart_drafts WHERE till_id = ? AND status = 'parked'"
                " ORDER BY parked_at DESC, id LIMIT ?", (till_id, limit))]
            return [_parked(conn, cart_id) for cart_id in ids]

    def resume(self, actor: StaffSession, till_id: str, cart_id: str) -> CartView:
        """Bring a parked cart back as the till's open cart. An empty open cart gives way;
        a cart with lines does not (park or finish it first)."""
        actor.require(Permission.SELL)
        with self.db.raw_transaction() as conn:
            row = conn.execute("SELECT till_id, status FROM cart_drafts WHERE id = ?", (cart_id,)).fetchone()
            if row is None or row[1] != "parked":
                raise NotFound(QT_TRANSLATE_NOOP(
                    "errors", "That parked cart is gone (resumed or finished at the till already)."))
            if row[0] != till_id:
                raise StateError(QT_TRANSLATE_NOOP(
                    "errors", "That cart was parked at another till; resume it there."))
            open_id = till_queries.open_cart_id(conn, till_id)
            if open_id is not None:
                if till_queries.cart_lines(conn, open_id):
                    raise StateError(QT_TRANSLATE_NOOP(
                        "errors", "This till has a cart in progress: park or finish the current cart first."))
                till_queries.delete_cart(conn, open_id)
            now = time_to_db(utcnow())
            conn.execute("UPDATE cart_drafts SET status = 'open', parked_at = NULL, updated_at = ? WHERE id = ?",
                         (now, cart_id))
            view = cart_view(conn, cart_id)
            audit.record(conn, actor, "cart.resumed", entity_type="cart", entity_id=cart_id,
                         lines=len(view.lines), total=view.total, dropped_empty_cart=open_id)
            return view
