"""Suppliers: who deliveries come from and purchase orders go to.

A supplier is never deleted once documents name it; it is deactivated and drops out of
the pickers (``list(active_only=True)``) while old receipts and orders still show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from shopdesk.domain.errors import NotFound, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.stockroom_models import Supplier

# Column sizes of the suppliers table (store/stockroom_models.py).
MAX_LENGTHS = {"code": 32, "name": 200, "contact": 120, "phone": 40, "email": 120}
# Light on purpose: one @, something before it, a dot in the domain, no spaces.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


@dataclass(frozen=True)
class SupplierDraft:
    """What a person enters for a supplier (new or edited)."""

    code: str
    name: str
    contact: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class SupplierView:
    id: str
    code: str
    name: str
    contact: str
    phone: str
    email: str
    active: bool
    address: str = ""


def _cleaned(draft: SupplierDraft) -> SupplierDraft:
    """The draft with surrounding whitespace trimmed, validated field by field."""
    draft = SupplierDraft(
        code=(draft.code or "").strip(), name=(draft.name or "").strip(), contact=(draft.contact or "").strip(),
        phone=(draft.phone or "").strip(), email=(draft.email or "").strip(), address=(draft.address or "").strip(),
    )
    if not draft.code:
        raise ValidationError("code", QT_TRANSLATE_NOOP(
            "errors", "Enter a supplier code (a short name such as ACME used on orders and receipts)."))
    if not draft.name:
        raise ValidationError("name", QT_TRANSLATE_NOOP("errors", "Enter the supplier's name."))
    for field, limit in MAX_LENGTHS.items():
        value = getattr(draft, field)
        if len(value) > limit:
            raise ValidationError(field, QT_TRANSLATE_NOOP(
                "errors", "The {field} is {length} characters long; at most {maximum} fit."),
                length=len(value), maximum=limit)
    if draft.email and not _EMAIL.match(draft.email):
        raise ValidationError("email", QT_TRANSLATE_NOOP(
            "errors", "'{email}' does not look like an e-mail address (name@example.com)."), email=draft.email)
    return draft


def _view(s: Supplier) -> SupplierView:
    return SupplierView(s.id, s.code, s.name, s.contact, s.phone, s.email, bool(s.active), s.address)


def _check_code_free(session: Session, code: str, supplier_id: str | None) -> None:
    query = select(Supplier.name).where(func.lower(Supplier.code) == code.lower())
    if supplier_id is not None:
        query = query.where(Supplier.id != supplier_id)
    taken_by = session.scalar(query)
    if taken_by is not None:
        raise ValidationError("code", QT_TRANSLATE_NOOP(
            "errors", "The supplier code {code} is already used by {name}; choose another code."),
            code=code, name=taken_by)


def _get(session: Session, supplier_id: str) -> Supplier:
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "The supplier no longer exists."))
    return supplier


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SupplierService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, actor: StaffSession, draft: SupplierDraft) -> str:
        actor.require(Permission.RECEIVE_STOCK)
        draft = _cleaned(draft)
        with self.db.unit_of_work() as s:
            _check_code_free(s, draft.code, None)
            supplier = Supplier(code=draft.code, name=draft.name, contact=draft.contact, phone=draft.phone,
                                email=draft.email, address=draft.address, active=True)
            s.add(supplier)
            s.flush()
            audit.record(s, actor, "supplier_created", entity_type="supplier", entity_id=supplier.id,
                         code=supplier.code, name=supplier.name)
            return supplier.id

    def update(self, actor: StaffSession, supplier_id: str, draft: SupplierDraft) -> None:
        actor.require(Permission.RECEIVE_STOCK)
        draft = _cleaned(draft)
        with self.db.unit_of_work() as s:
            supplier = _get(s, supplier_id)
            _check_code_free(s, draft.code, supplier_id)
            supplier.code, supplier.name, supplier.contact = draft.code, draft.name, draft.contact
            supplier.phone, supplier.email, supplier.address = draft.phone, draft.email, draft.address
            audit.record(s, actor, "supplier_changed", entity_type="supplier", entity_id=supplier_id,
                         code=draft.code)

    def deactivate(self, actor: StaffSession, supplier_id: str) -> None:
        """Take the supplier out of the pickers; its documents keep naming it."""
        self._set_active(actor, supplier_id, False)

    def reactivate(self, actor: StaffSession, supplier_id: str) -> None:
        self._set_active(actor, supplier_id, True)

    def _set_active(self, actor: StaffSession, supplier_id: str, active: bool) -> None:
        actor.require(Permission.RECEIVE_STOCK)
        with self.db.unit_of_work() as s:
            supplier = _get(s, supplier_id)
            if supplier.active != active:
                supplier.active = active
                audit.record(s, actor, "supplier_activated" if active else "supplier_deactivated",
                             entity_type="supplier", entity_id=supplier_id, code=supplier.code)

    def list(self, search: str = "", active_only: bool = True) -> list[SupplierView]:
        """Suppliers by name; ``search`` matches part of the code, name or contact (a shop
        has tens or hundreds of suppliers, so a plain scan is fine here)."""
        query = select(Supplier).order_by(Supplier.name, Supplier.code)
        if active_only:
            query = query.where(Supplier.active.is_(True))
        text = (search or "").strip()
        if text:
            pattern = _like_pattern(text)
            query = query.where(or_(*(column.ilike(pattern, escape="\\")
                                      for column in (Supplier.code, Supplier.name, Supplier.contact))))
        with self.db.reader() as s:
            return [_view(supplier) for supplier in s.scalars(query)]

    def get(self, supplier_id: str) -> SupplierView:
        with self.db.reader() as s:
            return _view(_get(s, supplier_id))
