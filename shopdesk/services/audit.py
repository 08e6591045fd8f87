"""The audit log: sensitive actions, written in the same transaction as the action."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from sqlalchemy.orm import Session

from shopdesk.services.staff_session import StaffSession
from shopdesk.store import till_queries
from shopdesk.store.database import dbapi_connection
from shopdesk.store.types import new_id, time_to_db, utcnow


def record(
    target: Session | sqlite3.Connection,
    actor: StaffSession | None,
    action: str,
    *,
    entity_type: str = "",
    entity_id: str = "",
    approved_by: StaffSession | None = None,
    **details: Any,
) -> None:
    """Write one audit entry inside the caller's unit of work (a session or a raw transaction)."""
    till_queries.insert_audit(dbapi_connection(target), (
        new_id(), time_to_db(utcnow()), actor.user_id if actor else None,
        approved_by.user_id if approved_by else None, action, entity_type, entity_id,
        json.dumps(details, default=str, ensure_ascii=False, sort_keys=True),
    ))
