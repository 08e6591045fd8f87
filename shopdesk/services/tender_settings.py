"""The ways a shop takes payment (tender types): which are offered at the till, which open
the cash drawer, which need a reference (a card terminal's approval code, a voucher number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.counter_models import TenderType
from shopdesk.store.database import Database

KINDS = ("cash", "card", "store_credit", "other")
_CODE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True)
class TenderTypeView:
    code: str
    name: str
    kind: str
    active: bool
    opens_drawer: bool
    needs_reference: bool
    position: int


def list_tender_types(db: Database, *, active_only: bool = False) -> list[TenderTypeView]:
    with db.reader() as s:
        query = select(TenderType).order_by(TenderType.position, TenderType.code)
        if active_only:
            query = query.where(TenderType.active)
        return [TenderTypeView(t.code, t.name, t.kind, t.active, t.opens_drawer, t.needs_reference, t.position)
                for t in s.scalars(query)]


def save_tender_type(db: Database, actor: StaffSession, code: str, name: str, kind: str, *, active: bool = True,
                     opens_drawer: bool = False, needs_reference: bool = False) -> TenderTypeView:
    """Add a way to pay or change one; owners only, audited. Cash always stays on offer."""
    actor.require(Permission.MANAGE_SETTINGS)
    code = (code or "").strip().lower()
    name = " ".join((name or "").split())
    if not _CODE.match(code):
        raise ValidationError("code", QT_TRANSLATE_NOOP(
            "errors", "A code is lower-case letters, digits and _ (e.g. gift_card), starting with a letter."))
    if not name or len(name) > 80:
        raise ValidationError("name", QT_TRANSLATE_NOOP("errors", "Give the way to pay a name (at most 80 characters)."))
    if kind not in KINDS:
        raise ValidationError("kind", QT_TRANSLATE_NOOP("errors", "Choose cash, card, store credit or other."))
    with db.unit_of_work() as s:
        row = s.get(TenderType, code)
        before = None if row is None else {"name": row.name, "kind": row.kind, "active": row.active}
        if row is not None and row.kind == "cash" and (not active or kind != "cash"):
            others = s.scalar(select(func.count()).select_from(TenderType)
                              .where(TenderType.kind == "cash", TenderType.active, TenderType.code != code))
            if not others:
                raise ValidationError("active", QT_TRANSLATE_NOOP(
                    "errors", "Cash must stay on offer: change can only be given in cash."))
        if row is None:
            position = (s.scalar(select(func.max(TenderType.position))) or 0) + 1
            row = TenderType(code=code, position=position)
            s.add(row)
        row.name, row.kind, row.active = name, kind, bool(active)
        row.opens_drawer, row.needs_reference = bool(opens_drawer), bool(needs_reference)
        s.flush()
        audit.record(s, actor, "settings.tender_type", entity_type="tender_type", entity_id=code,
                     before=before, after={"name": name, "kind": kind, "active": bool(active)})
        return TenderTypeView(row.code, row.name, row.kind, row.active, row.opens_drawer, row.needs_reference,
                              row.position)
