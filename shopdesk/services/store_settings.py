"""Reading and changing the store's own settings (name, address, currency, receipts)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import select

from shopdesk.domain.errors import NotFound, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.printing.targets import parse_target
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.models import StoreSettings, Till


@dataclass(frozen=True)
class StoreInfo:
    name: str
    address: str
    tax_id: str
    currency: str
    locale: str
    prices_include_tax: bool
    receipt_footer: str
    receipt_printer: str


@dataclass(frozen=True)
class TillInfo:
    till_id: str
    code: str
    name: str
    location_id: str


def load_settings(session) -> StoreSettings:
    settings = session.scalar(select(StoreSettings))
    if settings is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "This database has no store yet; run the set-up first."))
    return settings


def store_info(db: Database) -> StoreInfo:
    with db.reader() as s:
        row = load_settings(s)
        return StoreInfo(**{f.name: getattr(row, f.name) for f in fields(StoreInfo)})


EDITABLE = ("name", "address", "tax_id", "receipt_footer", "receipt_printer")


def update_store(db: Database, actor: StaffSession, **changes) -> StoreInfo:
    """Change the store's details; owners only, audited with before and after.

    Currency, locale and the tax basis are not editable here: past sales were priced in
    them, and changing them needs a documented migration of open carts.
    """
    actor.require(Permission.MANAGE_SETTINGS)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    changes = {key: (value or "").strip() if isinstance(value, str) else value for key, value in changes.items()}
    if "name" in changes and not changes["name"]:
        raise ValidationError("name", QT_TRANSLATE_NOOP("errors", "Enter the store's name."))
    if "receipt_printer" in changes:
        changes["receipt_printer"] = changes["receipt_printer"] or "none"
        parse_target(changes["receipt_printer"])  # refuses a malformed spec, naming the field
    with db.unit_of_work() as s:
        row = load_settings(s)
        before = {k: getattr(row, k) for k in changes}
        for key, value in changes.items():
            setattr(row, key, value)
        audit.record(s, actor, "settings.changed", entity_type="store", entity_id=row.id,
                     before=before, after=changes)
    return store_info(db)


def tills(db: Database) -> list[TillInfo]:
    with db.reader() as s:
        return [TillInfo(t.id, t.code, t.name, t.location_id)
                for t in s.scalars(select(Till).order_by(Till.code))]


def till_by_code(db: Database, code: str | None) -> TillInfo:
    """The till this machine works as: the one named, else the first."""
    all_tills = tills(db)
    if not all_tills:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "This store has no till; run the set-up first."))
    if code is None:
        return all_tills[0]
    for till in all_tills:
        if till.code.lower() == code.lower():
            return till
    raise NotFound(
        QT_TRANSLATE_NOOP("errors", "No till has the code {code}. Known tills: {known}."),
        code=code, known=", ".join(t.code for t in all_tills),
    )
