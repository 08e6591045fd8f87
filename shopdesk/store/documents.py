"""Human document numbers (``GR-000042``), one counter per kind, taken inside the caller's
transaction so a rolled-back document gives its number back."""

from __future__ import annotations

import sqlite3

from sqlalchemy.orm import Session

from shopdesk.store.database import dbapi_connection


def next_number(target: Session | sqlite3.Connection, kind: str, digits: int = 6) -> str:
    conn = dbapi_connection(target)
    (number,) = conn.execute(
        "INSERT INTO document_counters (kind, last_number) VALUES (?, 1)"
        " ON CONFLICT (kind) DO UPDATE SET last_number = last_number + 1 RETURNING last_number",
        (kind,),
    ).fetchone()
    return f"{kind}-{number:0{digits}d}"
