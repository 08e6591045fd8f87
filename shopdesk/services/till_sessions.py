"""Till sessions: a till is opened with a counted float, takes sales and cash in/out, and is
closed with a cash count (Z report). Every sale belongs to the session open at its till.
"""

from __future__ import annotations

import json
import sqlite3

from shopdesk.domain.errors import NotFound
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.documents import next_number
from shopdesk.store.types import new_id, time_to_db, utcnow


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
