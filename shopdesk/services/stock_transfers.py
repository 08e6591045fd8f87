"""Moving stock between the shop's own locations, and manual stock adjustments.

A transfer is one :class:`~shopdesk.store.stockroom_models.StockTransfer` document (numbered
``TR-000001``) whose lines are its ledger movements (reason and document type
``transfer``). An adjustment is a single movement against the virtual ``ADJUST`` location
(or to ``SCRAP`` for damaged and expired goods), with the reason a person gave. Both are
one transaction each, audited, and refuse to take more from a location than it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.domain.stock_rules import checked_quantity
from shopdesk.services import audit, stock
from shopdesk.services.staff_session import StaffSession
from shopdesk.services.stock_locations import stock_location
from shopdesk.store.database import Database
from shopdesk.store.documents import next_number
from shopdesk.store.models import Location, Product
from shopdesk.store.stockroom_models import StockTransfer
from shopdesk.store.types import new_id

MAX_NOTE = 2000
MAX_LINES = 5000

#: Reasons a person may give for an adjustment, and which way each moves stock.
REMOVING_REASONS = ("damaged", "expired", "lost", "stolen")
ADDING_REASONS = ("found",)
EITHER_WAY_REASONS = ("correction",)
ADJUSTMENT_REASONS = REMOVING_REASONS + ADDING_REASONS + EITHER_WAY_REASONS
#: Removed stock with these reasons goes to the scrap location instead of ADJUST.
SCRAP_REASONS = ("damaged", "expired")


class InsufficientStock(ValidationError):
    """Taking more from a location than the ledger says is there (a count is probably due)."""

    def __init__(self, field: str, *, product_id: str, sku: str, name: str, location: str,
                 available: Decimal, requested: Decimal) -> None:
        self.product_id = product_id
        self.available = available
        self.requested = requested
        super().__init__(field, QT_TRANSLATE_NOOP(
            "errors", "Only {available} of {name} ({sku}) are at {location}, not {requested}. "
                      "Move or remove at most {available}, or count the shelf and correct the stock first."),
            available=str(available), name=name, sku=sku, location=location, requested=str(requested))


@dataclass(frozen=True)
class TransferLine:
    product_id: str
    sku: str
    name: str
    quantity: Decimal


@dataclass(frozen=True)
class TransferResult:
    id: str
    number: str
    from_code: str
    to_code: str
    lines: tuple[TransferLine, ...]
    total_quantity: Decimal


@dataclass(frozen=True)
class AdjustmentResult:
    document_id: str
    product_id: str
    location_code: str
    quantity_delta: Decimal
    reason: str
    on_hand: Decimal  # at the location, after the adjustment


def _checked_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError("note", QT_TRANSLATE_NOOP(
            "errors", "The note is {length} characters long; shorten it to at most {maximum}."),
            length=len(note), maximum=MAX_NOTE)
    return note


def _product(session: Session, product_id: str, field: str) -> Product:
    product = session.get(Product, product_id) if isinstance(product_id, str) else None
    if product is None:
        raise ValidationError(field, QT_TRANSLATE_NOOP(
            "errors", "No product has the id '{product_id}'. Scan or search for the product again."),
            product_id=str(product_id))
    return product


def _virtual(session: Session, kind: str) -> Location:
    location = session.scalar(select(Location).where(Location.kind == kind).order_by(Location.code).limit(1))
    if location is None:
        raise ValidationError("location", QT_TRANSLATE_NOOP(
            "errors", "This store has no '{kind}' location. Run the store setup again or ask support."), kind=kind)
    return location


class TransferService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def transfer(self, actor: StaffSession, from_code: str, to_code: str,
                 lines: list[tuple[str, Decimal]], note: str = "") -> TransferResult:
        """Move products from one stock location to another as one numbered document."""
        actor.require(Permission.TRANSFER_STOCK)
        note = _checked_note(note)
        if not lines:
            raise ValidationError("lines", QT_TRANSLATE_NOOP(
                "errors", "The transfer has no lines. Add at least one product and a quantity."))
        if len(lines) > MAX_LINES:
            raise ValidationError("lines", QT_TRANSLATE_NOOP(
                "errors", "A transfer can have at most {maximum} lines; split it into several."), maximum=MAX_LINES)
        # Validate every row before touching the database; merge repeated products.
        merged: dict[str, Decimal] = {}
        first_row: dict[str, str] = {}
        for number, line in enumerate(lines, start=1):
            field = f"line {number}"
            try:
                product_id, quantity = line
            except (TypeError, ValueError):
                raise ValidationError(field, QT_TRANSLATE_NOOP(
                    "errors", "Each transfer line needs a product and a quantity.")) from None
            quantity = checked_quantity(quantity, field)
            merged[product_id] = merged.get(product_id, Decimal(0)) + quantity
            first_row.setdefault(product_id, field)
        for product_id, quantity in merged.items():
            checked_quantity(quantity, first_row[product_id])

        with self.db.unit_of_work() as s:
            source = stock_location(s, from_code, "from_location")
            target = stock_location(s, to_code, "to_location")
            if source.id == target.id:
                raise ValidationError("to_location", QT_TRANSLATE_NOOP(
                    "errors", "Stock is already at {code}: choose a different location to move it to."),
                    code=source.code)
            result_lines = []
            for product_id, quantity in merged.items():
                field = first_row[product_id]
                product = _product(s, product_id, field)
                available = stock.on_hand(s, product_id, source.id)
                if available < quantity:
                    raise InsufficientStock(field, product_id=product_id, sku=product.sku, name=product.name,
                                            location=source.code, available=available, requested=quantity)
                result_lines.append(TransferLine(product_id, product.sku, product.name, quantity))
            document = StockTransfer(id=new_id(), number=next_number(s, "TR"), from_location_id=source.id,
                                     to_location_id=target.id, note=note, user_id=actor.user_id)
            s.add(document)
            s.flush()
            stock.post_movements(
                s, [stock.Move(line.product_id, line.quantity, source.id, target.id) for line in result_lines],
                reason="transfer", document_type="transfer", document_id=document.id, user_id=actor.user_id,
            )
            total = sum((line.quantity for line in result_lines), Decimal(0))
            audit.record(s, actor, "stock.transferred", entity_type="stock_transfer", entity_id=document.id,
                         number=document.number, from_location=source.code, to_location=target.code,
                         lines=len(result_lines), quantity=str(total))
            return TransferResult(document.id, document.number, source.code, target.code,
                                  tuple(result_lines), total)

    def adjust(self, actor: StaffSession, location_code: str, product_id: str, quantity_delta: Decimal,
               reason: str, note: str = "") -> AdjustmentResult:
        """Correct the stock of one product at one location by ``quantity_delta`` (signed).

        Removing reasons (damaged, expired, lost, stolen) need a negative delta, ``found`` a
        positive one, ``correction`` either. Damaged and expired goods go to the scrap
        location so write-offs can be reported apart from counting errors.
        """
        actor.require(Permission.ADJUST_STOCK)
        reason = (reason or "").strip().lower()
        if reason not in ADJUSTMENT_REASONS:
            raise ValidationError("reason", QT_TRANSLATE_NOOP(
                "errors", "'{reason}' is not an adjustment reason. Choose one of: {choices}."),
                reason=reason, choices=", ".join(ADJUSTMENT_REASONS))
        delta = checked_quantity(quantity_delta, "quantity", allow_negative=True, allow_zero=True)
        if delta == 0:
            raise ValidationError("quantity", QT_TRANSLATE_NOOP(
                "errors", "An adjustment of zero changes nothing. Enter how many to add (e.g. 2) or remove (e.g. -2)."))
        if reason in REMOVING_REASONS and delta > 0:
            raise ValidationError("quantity", QT_TRANSLATE_NOOP(
                "errors", "Stock that is {reason} leaves the shelf: enter a negative quantity (e.g. -{quantity})."),
                reason=reason, quantity=str(delta))
        if reason in ADDING_REASONS and delta < 0:
            raise ValidationError("quantity", QT_TRANSLATE_NOOP(
                "errors", "Found stock is added: enter a positive quantity (e.g. {quantity})."),
                quantity=str(-delta))
        note = _checked_note(note)

        with self.db.unit_of_work() as s:
            location = stock_location(s, location_code, "location")
            product = _product(s, product_id, "product")
            available = stock.on_hand(s, product_id, location.id)
            if delta < 0 and available < -delta:
                raise InsufficientStock("quantity", product_id=product_id, sku=product.sku, name=product.name,
                                        location=location.code, available=available, requested=-delta)
            if delta > 0:
                move = stock.Move(product_id, delta, _virtual(s, "adjustment").id, location.id)
            else:
                other = _virtual(s, "scrap") if reason in SCRAP_REASONS else _virtual(s, "adjustment")
                move = stock.Move(product_id, -delta, location.id, other.id)
            document_id = new_id()
            stock.post_movements(s, [move], reason=reason, document_type="adjustment",
                                 document_id=document_id, user_id=actor.user_id)
            audit.record(s, actor, "stock.adjusted", entity_type="product", entity_id=product_id,
                         document_id=document_id, location=location.code, sku=product.sku,
                         quantity=str(delta), reason=reason, note=note)
            return AdjustmentResult(document_id, product_id, location.code, delta, reason, available + delta)


__all__ = [
    "ADJUSTMENT_REASONS", "AdjustmentResult", "InsufficientStock", "TransferLine", "TransferResult",
    "TransferService",
]
