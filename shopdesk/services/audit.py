"""The audit log: sensitive actions, written in the same transaction as the action."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopdesk.services.staff_session import StaffSession
from shopdesk.store.models import AuditEntry


def record(
    session: Session,
    actor: StaffSession | None,
    action: str,
    *,
    entity_type: str = "",
    entity_id: str = "",
    approved_by: StaffSession | None = None,
    **details: Any,
) -> None:
    session.add(
        AuditEntry(
            user_id=actor.user_id if actor else None,
            approved_by_id=approved_by.user_id if approved_by else None,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            details=json.dumps(details, default=str, ensure_ascii=False, sort_keys=True),
        )
    )


def entries(session: Session, action: str | None = None, limit: int = 100) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.at.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))
