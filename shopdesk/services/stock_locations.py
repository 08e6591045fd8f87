"""Stock locations (shop floor, backroom, a warehouse ``WH1``, a van in transit) and the bin
or shelf code where a product sits in each.

The virtual locations (suppliers, customers, adjustment, scrap) are made with the store and
balance the ledger; only places that really hold stock (``internal``) or stock on its way
(``transit``) can be added here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopdesk.domain.errors import NotFound, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.models import Location, Product
from shopdesk.store.stockroom_models import StockBin

LOCATION_KINDS = ("internal", "supplier", "customer", "adjustment", "scrap", "transit")
#: Kinds that hold real stock: transfers and adjustments only touch these.
STOCK_KINDS = ("internal", "transit")
#: Kinds a person may create (virtual locations come with the store).
CREATABLE_KINDS = STOCK_KINDS

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
MAX_NAME = 120
MAX_BIN = 32


@dataclass(frozen=True)
class LocationView:
    id: str
    code: str
    name: str
    kind: str


def _view(location: Location) -> LocationView:
    return LocationView(location.id, location.code, location.name, location.kind)


def normalize_code(code: str, field: str = "code") -> str:
    """A location code as stored: stripped, upper-cased, letters/digits/``-``/``_``, ≤ 32."""
    cleaned = (code or "").strip().upper()
    if not cleaned:
        raise ValidationError(field, QT_TRANSLATE_NOOP(
            "errors", "Enter a location code, such as WH1 or BACK."))
    if not CODE_PATTERN.match(cleaned):
        raise ValidationError(field, QT_TRANSLATE_NOOP(
            "errors", "'{code}' cannot be a location code: use up to 32 letters, digits, '-' or '_', "
                      "starting with a letter or digit (e.g. WH1)."), code=cleaned)
    return cleaned


def _checked_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise ValidationError("name", QT_TRANSLATE_NOOP(
            "errors", "Enter a name for the location, such as 'Warehouse 1'."))
    if len(cleaned) > MAX_NAME:
        raise ValidationError("name", QT_TRANSLATE_NOOP(
            "errors", "The location name is {length} characters long; shorten it to at most {maximum}."),
            length=len(cleaned), maximum=MAX_NAME)
    return cleaned


def normalize_bin(bin_code: str | None) -> str:
    """A bin code as stored: stripped and upper-cased; '' means no bin."""
    cleaned = (bin_code or "").strip().upper()
    if len(cleaned) > MAX_BIN:
        raise ValidationError("bin", QT_TRANSLATE_NOOP(
            "errors", "The bin code '{bin}' is {length} characters long; use at most {maximum} (e.g. A3-02)."),
            bin=cleaned, length=len(cleaned), maximum=MAX_BIN)
    if any(not ch.isprintable() for ch in cleaned):
        raise ValidationError("bin", QT_TRANSLATE_NOOP(
            "errors", "The bin code contains control characters; type it again (e.g. A3-02)."))
    return cleaned


def find_location(session: Session, code: str, field: str = "location") -> Location:
    """The location with this code (any case), or a NotFound naming it."""
    cleaned = (code or "").strip().upper()
    location = session.scalar(select(Location).where(Location.code == cleaned))
    if location is None:
        raise NotFound(QT_TRANSLATE_NOOP(
            "errors", "No stock location has the code '{code}' ({field}). Pick one from the list of locations."),
            code=cleaned or code, field=field)
    return location


def stock_location(session: Session, code: str, field: str = "location") -> Location:
    """A location that holds stock (internal or transit), or an error naming ``field``."""
    location = find_location(session, code, field)
    if location.kind not in STOCK_KINDS:
        raise ValidationError(field, QT_TRANSLATE_NOOP(
            "errors", "{code} is a virtual location ({kind}), not a place that holds stock. "
                      "Choose the shop floor, the backroom or another stock location."),
            code=location.code, kind=location.kind)
    return location


class LocationService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def list_locations(self, kinds: tuple[str, ...] | list[str] | None = None) -> list[LocationView]:
        """All locations (or those of the given kinds), by code. A store has a handful."""
        with self.db.reader() as s:
            query = select(Location).order_by(Location.code)
            if kinds:
                query = query.where(Location.kind.in_(list(kinds)))
            return [_view(location) for location in s.scalars(query)]

    def create_location(self, actor: StaffSession, code: str, name: str, kind: str = "internal") -> LocationView:
        actor.require(Permission.MANAGE_SETTINGS)
        code = normalize_code(code)
        name = _checked_name(name)
        kind = (kind or "").strip().lower()
        if kind not in CREATABLE_KINDS:
            raise ValidationError("kind", QT_TRANSLATE_NOOP(
                "errors", "A new location is either 'internal' (a place that holds stock) or 'transit' "
                          "(stock on its way), not '{kind}'."), kind=kind)
        with self.db.unit_of_work() as s:
            if s.scalar(select(Location.id).where(Location.code == code)) is not None:
                raise ValidationError("code", QT_TRANSLATE_NOOP(
                    "errors", "A location with the code {code} already exists. Choose another code."), code=code)
            location = Location(code=code, name=name, kind=kind)
            s.add(location)
            s.flush()
            audit.record(s, actor, "location.created", entity_type="location", entity_id=location.id,
                         code=code, name=name, kind=kind)
            return _view(location)

    def rename(self, actor: StaffSession, code: str, name: str) -> LocationView:
        actor.require(Permission.MANAGE_SETTINGS)
        name = _checked_name(name)
        with self.db.unit_of_work() as s:
            location = find_location(s, code, "code")
            old = location.name
            location.name = name
            s.flush()
            audit.record(s, actor, "location.renamed", entity_type="location", entity_id=location.id,
                         code=location.code, old_name=old, new_name=name)
            return _view(location)

    def set_bin(self, actor: StaffSession, product_id: str, location_code: str, bin_code: str | None) -> str | None:
        """Put a product in a bin of a location; an empty bin removes it. Returns the stored bin."""
        actor.require(Permission.ADJUST_STOCK)
        cleaned = normalize_bin(bin_code)
        with self.db.unit_of_work() as s:
            location = stock_location(s, location_code)
            if s.get(Product, product_id) is None:
                raise NotFound(QT_TRANSLATE_NOOP(
                    "errors", "The product (id {product_id}) no longer exists. Search for it again."),
                    product_id=product_id)
            row = s.get(StockBin, (product_id, location.id))
            old = row.bin if row else None
            if not cleaned:
                if row is not None:
                    s.delete(row)
            elif row is None:
                s.add(StockBin(product_id=product_id, location_id=location.id, bin=cleaned))
            else:
                row.bin = cleaned
            if old != (cleaned or None):
                s.flush()
                audit.record(s, actor, "stock.bin_set", entity_type="product", entity_id=product_id,
                             location=location.code, old_bin=old, new_bin=cleaned or None)
            return cleaned or None

    def bin_of(self, product_id: str, location_code: str) -> str | None:
        with self.db.reader() as s:
            location = find_location(s, location_code)
            row = s.get(StockBin, (product_id, location.id))
            return row.bin if row else None
