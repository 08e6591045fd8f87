"""Fulfilment: pick lists, packing by scanning, shipping with a carrier, delivery, returns,
and the documents that go with them (labels, packing slips).

Clerks work here (the fulfil-orders permission). Each call is one transaction and moves
orders through :func:`shopdesk.services.orders.change_state` (the domain's state
machine). Shipping moves the stock from the location the order ships from to the
CUSTOMER location in the ledger and ends its reservation, in the same transaction.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shopdesk.domain.errors import (
    InvalidBarcode,
    NotFound,
    ShopDeskError,
    StateError,
    ValidationError,
)
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.money import format_money
from shopdesk.domain.order_flow import OrderAction, OrderState, PaymentStanding, next_state
from shopdesk.domain.permissions import Permission
from shopdesk.domain.shipping import (
    Address,
    PackingSlipData,
    PackingSlipLine,
    PickLine,
    PickListData,
    ShippingLabelData,
    clean_tracking_number,
    tracking_url,
)
from shopdesk.services import audit, stock
from shopdesk.services.carriers import carrier_of, checked_tracking, next_s10_number
from shopdesk.services.csv_files import (
    RowError,
    decode_csv_bytes,
    read_source,
    refuse_nul,
    sniff_delimiter,
)
from shopdesk.services.orders import (
    OrderView,
    _order,
    address_of,
    change_state,
    order_view,
    refund_payments,
    release_reservations,
)
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.documents import next_number
from shopdesk.store.models import Barcode, Location, StoreSettings
from shopdesk.store.order_models import CarrierProfile, Order, OrderLine, ParcelType
from shopdesk.store.stockroom_models import StockBin
from shopdesk.store.types import utcnow

MAX_PARCEL_G = 1_000_000  # a tonne: anything above is a typo
MAX_BATCH = 500
DELIVERED_WORDS = {"delivered", "delivery", "zugestellt", "livré", "livre", "entregado", "consegnato", "ok", "done"}


class PackRefused(ShopDeskError):
    """The scanned item cannot go into this parcel (wrong item, or all of it is packed)."""


@dataclass(frozen=True)
class PackLine:
    line_id: str
    sku: str
    name: str
    quantity: Decimal
    packed: Decimal

    @property
    def done(self) -> bool:
        return self.packed >= self.quantity


@dataclass(frozen=True)
class PackProgress:
    order_id: str
    number: str
    lines: tuple[PackLine, ...]
    last_line_id: str | None = None

    @property
    def complete(self) -> bool:
        return all(line.done for line in self.lines)

    @property
    def items_left(self) -> Decimal:
        return sum((max(line.quantity - line.packed, Decimal(0)) for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class DeliveryImport:
    delivered: tuple[str, ...]  # order numbers now delivered
    unchanged: tuple[str, ...]  # tracking numbers of rows whose status is not "delivered", or already delivered
    unknown: tuple[str, ...]  # tracking numbers no shipped order has


class FulfilmentService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- picking ------------------------------------------------------------------------------
    def pick_list(self, actor: StaffSession, order_ids: list[str]) -> PickListData:
        """One walk for several orders: their lines summed per product and place, in bin order.

        The orders get the batch's number (``PB-000001``); they stay as they are until the
        picking is confirmed (:meth:`confirm_picked`)."""
        actor.require(Permission.FULFIL_ORDERS)
        ids = _unique(order_ids)
        with self.db.unit_of_work() as s:
            orders = [_order(s, order_id) for order_id in ids]
            for order in orders:
                _check_can(order, OrderAction.PICK, actor)
            batch = next_number(s, "PB")
            for order in orders:
                order.pick_batch = batch
            return _pick_list(s, batch, orders)

    def confirm_picked(self, actor: StaffSession, order_ids: list[str]) -> list[str]:
        """Everything on these orders was fetched: they are picked (all or none of them)."""
        actor.require(Permission.FULFIL_ORDERS)
        with self.db.unit_of_work() as s:
            numbers = []
            for order_id in _unique(order_ids):
                order = _order(s, order_id)
                change_state(s, actor, order, OrderAction.PICK, note=order.pick_batch)
                s.execute(update(OrderLine).where(OrderLine.order_id == order.id).values(picked=OrderLine.quantity))
                numbers.append(order.number)
            return numbers

    # -- packing ------------------------------------------------------------------------------
    def pack_progress(self, actor: StaffSession, order_id: str) -> PackProgress:
        with self.db.reader() as s:
            return _progress(s, _order(s, order_id))

    def pack_scan(self, actor: StaffSession, order_id: str, code: str, quantity: Decimal = Decimal(1)) -> PackProgress:
        """One item scanned into the parcel; the wrong item or one too many is refused."""
        actor.require(Permission.FULFIL_ORDERS)
        with self.db.unit_of_work() as s:
            order = _order(s, order_id)
            if order.state != OrderState.PICKED.value:
                raise StateError(QT_TRANSLATE_NOOP(
                    "errors", "Order {number} is {state}; only picked orders are packed."),
                    number=order.number, state=order.state)
            if quantity <= 0:
                raise ValidationError("quantity", QT_TRANSLATE_NOOP("errors", "The quantity must be more than zero."))
            lines = list(s.scalars(select(OrderLine).where(OrderLine.order_id == order.id)
                                   .order_by(OrderLine.position)))
            product_ids = _products_for_code(s, code)
            matching = [line for line in lines if line.product_id in product_ids]
            if not matching:
                raise PackRefused(QT_TRANSLATE_NOOP(
                    "errors", "Wrong item: '{code}' is not on order {number}. Put it aside."),
                    code=code.strip(), number=order.number)
            line = next((m for m in matching if m.packed + quantity <= m.quantity), None)
            if line is None:
                first = matching[0]
                raise PackRefused(QT_TRANSLATE_NOOP(
                    "errors", "Too many: the order has {quantity} × {name} and {packed} are packed already."),
                    quantity=first.quantity, name=first.name, packed=first.packed)
            line.packed = line.packed + quantity
            s.flush()
            return _progress(s, order, last_line_id=line.id)

    def restart_packing(self, actor: StaffSession, order_id: str) -> PackProgress:
        """Empty the parcel and start again (the counts go back to zero)."""
        actor.require(Permission.FULFIL_ORDERS)
        with self.db.unit_of_work() as s:
            order = _order(s, order_id)
            if order.state != OrderState.PICKED.value:
                raise StateError(QT_TRANSLATE_NOOP("errors", "Order {number} is {state}; it is not being packed."),
                                 number=order.number, state=order.state)
            s.execute(update(OrderLine).where(OrderLine.order_id == order.id).values(packed=0))
            return _progress(s, order)

    def complete_packing(self, actor: StaffSession, order_id: str, *, parcel_type_id: str | None, weight_g: int,
                         dimensions_mm: tuple[int, int, int] | None = None) -> OrderView:
        """Everything is in the parcel: record its type, weight and size; the order is packed."""
        actor.require(Permission.FULFIL_ORDERS)
        if not isinstance(weight_g, int) or not 0 < weight_g <= MAX_PARCEL_G:
            raise ValidationError("weight", QT_TRANSLATE_NOOP(
                "errors", "Weigh the parcel: the weight must be more than 0 g and at most 1,000 kg."))
        with self.db.unit_of_work() as s:
            order = _order(s, order_id)
            progress = _progress(s, order)
            if order.state == OrderState.PICKED.value and not progress.complete:
                raise StateError(QT_TRANSLATE_NOOP(
                    "errors", "{left} item(s) of order {number} are not scanned into the parcel yet."),
                    left=progress.items_left, number=order.number)
            parcel = s.get(ParcelType, parcel_type_id) if parcel_type_id else None
            if parcel_type_id and parcel is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The parcel type no longer exists."))
            dims = dimensions_mm or ((parcel.length_mm, parcel.width_mm, parcel.height_mm) if parcel else (0, 0, 0))
            if any((not isinstance(d, int)) or d < 0 or d > 10_000 for d in dims):
                raise ValidationError("dimensions", QT_TRANSLATE_NOOP(
                    "errors", "Parcel sizes are whole millimetres from 0 to 10,000."))
            change_state(s, actor, order, OrderAction.PACK)
            order.parcel_type_id = parcel.id if parcel else None
            order.weight_g = weight_g
            order.length_mm, order.width_mm, order.height_mm = dims
            return order_view(s, order, actor)

    # -- shipping -----------------------------------------------------------------------------
    def ship(self, actor: StaffSession, order_id: str, carrier_id: str, service: str = "",
             tracking_number: str = "") -> OrderView:
        """Hand the parcel to the carrier: the tracking number is checked against the carrier's
        format (or made here for S10 carriers when none is given), the stock goes to the
        customer in the ledger and the reservation ends. One transaction."""
        actor.require(Permission.FULFIL_ORDERS)
        with self.db.unit_of_work() as s:
            order = _order(s, order_id)
            ship_order(s, actor, order, carrier_id, service, tracking_number)
            return order_view(s, order, actor)

    def deliver(self, actor: StaffSession, order_id: str, note: str = "") -> OrderView:
        actor.require(Permission.FULFIL_ORDERS)
        with self.db.unit_of_work() as s:
            order = _order(s, order_id)
            _deliver(s, actor, order, note)
            return order_view(s, order, actor)

    def deliver_by_tracking(self, actor: StaffSession, code: str) -> OrderView:
        """A delivery confirmed by scanning the parcel's tracking number (or the order number)."""
        actor.require(Permission.FULFIL_ORDERS)
        number = clean_tracking_number(code)
        with self.db.unit_of_work() as s:
            order = s.scalar(select(Order).where(Order.tracking_number == number)) if number else None
            if order is None:
                from shopdesk.services.orders import find_order_id

                found = find_order_id(s, code)
                order = s.get(Order, found) if found else None
            if order is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "No shipped order has the tracking number '{number}'."),
                               number=number or code)
            _deliver(s, actor, order, "scanned")
            return order_view(s, order, actor)

    def import_delivery_statuses(self, actor: StaffSession, data: bytes | str | os.PathLike) -> DeliveryImport:
        """A carrier's tracking-status export (CSV: tracking number, status[, date]): parcels
        whose status says delivered are marked so. Every row is read first; a malformed row
        rejects the whole file, naming the rows. Rows of numbers no shipped order has are
        reported, not fatal (a carrier's export holds other senders' parcels too)."""
        actor.require(Permission.FULFIL_ORDERS)
        rows = _status_rows(data)
        delivered, unchanged, unknown = [], [], []
        with self.db.unit_of_work() as s:
            for number, status, when in rows:
                order = s.scalar(select(Order).where(Order.tracking_number == number))
                if order is None:
                    unknown.append(number)
                    continue
                if status.lower() not in DELIVERED_WORDS or order.state != OrderState.SHIPPED.value:
                    unchanged.append(number)
                    continue
                _deliver(s, actor, order, f"carrier file: {status}", at=when)
                delivered.append(order.number)
        return DeliveryImport(tuple(delivered), tuple(unchanged), tuple(unknown))

    # -- returns ------------------------------------------------------------------------------
    def return_order(self, actor: StaffSession, order_id: str, *, to_location: str = "FLOOR",
                     refund: bool = True, reason: str = "") -> OrderView:
        """The parcel came back: stock from the customer to the shelf (or scrap), money back."""
        actor.require(Permission.REFUND)
        with self.db.unit_of_work() as s:
            order = _order(s, order_id)
            change_state(s, actor, order, OrderAction.RETURN, note=reason)
            back_to = stock.location_id(s, to_location.strip().upper() or "FLOOR")
            customer = stock.location_id(s, "CUSTOMER")
            lines = list(s.scalars(select(OrderLine).where(OrderLine.order_id == order.id)))
            stock.post_movements(s, [stock.Move(line.product_id, line.quantity, customer, back_to) for line in lines],
                                 reason="order_return", document_type="order", document_id=order.id,
                                 user_id=actor.user_id)
            if refund and order.paid_total > 0:
                refund_payments(s, actor, order, order.paid_total, reason=reason or "returned")
            audit.record(s, actor, "order.returned", entity_type="order", entity_id=order.id, number=order.number,
                         to_location=to_location, refund=refund)
            return order_view(s, order, actor)

    # -- documents ----------------------------------------------------------------------------
    def label_data(self, order_ids: list[str]) -> list[ShippingLabelData]:
        """What the shipping labels of these (shipped) orders show, in the order given."""
        with self.db.reader() as s:
            sender = _sender(s)
            found = []
            for order_id in _unique(order_ids):
                order = _order(s, order_id)
                if not order.tracking_number or order.carrier_id is None:
                    raise StateError(QT_TRANSLATE_NOOP(
                        "errors", "Order {number} has no carrier and tracking number yet; ship it first."),
                        number=order.number)
                carrier = carrier_of(s.get(CarrierProfile, order.carrier_id))
                parcel = s.get(ParcelType, order.parcel_type_id) if order.parcel_type_id else None
                dims = (order.length_mm, order.width_mm, order.height_mm)
                due = order.grand_total - order.paid_total
                found.append(ShippingLabelData(
                    order.number, sender, address_of(order), carrier.name, order.service, order.weight_g,
                    order.tracking_number, tracking_url(carrier.tracking_url_template, order.tracking_number),
                    parcel.name if parcel else "", dims if any(dims) else None,
                    format_money(due, order.currency) if order.cash_on_delivery and due > 0 else "",
                    (order.shipped_at or utcnow()).date()))
            return found

    def packing_slips(self, order_ids: list[str]) -> list[PackingSlipData]:
        with self.db.reader() as s:
            store = s.scalar(select(StoreSettings))
            sender = _sender(s)
            slips = []
            for order_id in _unique(order_ids):
                order = _order(s, order_id)
                lines = s.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.position))
                slips.append(PackingSlipData(
                    order.number, order.created_at.date(), store.name if store else "", sender, address_of(order),
                    tuple(PackingSlipLine(line.sku, line.name, line.quantity, _first_barcode(s, line.product_id))
                          for line in lines),
                    order.shipping_method, order.note, order.external_id or ""))
            return slips


# -- shared with the benchmarks and the import ----------------------------------------------------
def ship_order(s: Session, actor: StaffSession, order: Order, carrier_id: str, service: str,
               tracking_number: str) -> None:
    profile = s.get(CarrierProfile, carrier_id) if carrier_id else None
    if profile is None or not profile.active:
        raise ValidationError("carrier", QT_TRANSLATE_NOOP("errors", "Choose the carrier the parcel goes with."))
    carrier = carrier_of(profile)
    service = (service or "").strip()
    if carrier.services and service and service not in carrier.services:
        raise ValidationError("service", QT_TRANSLATE_NOOP(
            "errors", "{carrier} has no service '{service}'; choose one of: {services}."),
            carrier=carrier.name, service=service, services=", ".join(carrier.services))
    _check_can(order, OrderAction.SHIP, actor)  # before a number is used up
    if tracking_number and tracking_number.strip():
        number = checked_tracking(carrier, tracking_number)
    else:
        number = next_s10_number(s, carrier.carrier_id)
    other = s.scalar(select(Order.number).where(Order.tracking_number == number, Order.id != order.id))
    if other is not None:
        raise ValidationError("tracking_number", QT_TRANSLATE_NOOP(
            "errors", "Tracking number {tracking} is already on order {other}; scan this parcel's own label."),
            tracking=number, other=other)
    change_state(s, actor, order, OrderAction.SHIP, note=f"{carrier.name} {number}")
    order.carrier_id, order.service, order.tracking_number = carrier.carrier_id, service or order.shipping_method, number
    order.shipped_at = utcnow()
    customer = stock.location_id(s, "CUSTOMER")
    lines = list(s.scalars(select(OrderLine).where(OrderLine.order_id == order.id)))
    stock.post_movements(s, [stock.Move(line.product_id, line.quantity, order.location_id, customer) for line in lines],
                         reason="shipment", document_type="order", document_id=order.id, user_id=actor.user_id)
    release_reservations(s, order.id)


def _deliver(s: Session, actor: StaffSession, order: Order, note: str, at: datetime | None = None) -> None:
    change_state(s, actor, order, OrderAction.DELIVER, note=note)
    order.delivered_at = at or utcnow()


def _check_can(order: Order, action: OrderAction, actor: StaffSession) -> None:
    """The state machine's answer for this order, its number in the message."""
    money = PaymentStanding(paid_in_full=order.paid_total >= order.grand_total, cash_on_delivery=order.cash_on_delivery,
                            may_ship_unpaid=actor.can(Permission.SHIP_UNPAID))
    try:
        next_state(order.state, action, money)
    except StateError as err:
        raise StateError(QT_TRANSLATE_NOOP("errors", "{number}: {problem}"), number=order.number,
                         problem=err.message) from err


def _unique(order_ids: list[str]) -> list[str]:
    ids = list(dict.fromkeys(i for i in order_ids if i))
    if not ids:
        raise ValidationError("orders", QT_TRANSLATE_NOOP("errors", "Select at least one order."))
    if len(ids) > MAX_BATCH:
        raise ValidationError("orders", QT_TRANSLATE_NOOP(
            "errors", "Select at most {max} orders at a time."), max=MAX_BATCH)
    return ids


def _products_for_code(s: Session, code: str) -> set[str]:
    raw = (code or "").strip()
    if not raw:
        raise PackRefused(QT_TRANSLATE_NOOP("errors", "Scan the item's barcode."))
    found: set[str] = set()
    try:
        key = barcode_lookup_key(raw)
    except InvalidBarcode as err:
        raise PackRefused(QT_TRANSLATE_NOOP("errors", "{problem}"), problem=err.message) from err
    found.update(s.scalars(select(Barcode.product_id).where(Barcode.lookup_key == key)))
    if not found:
        from shopdesk.store.models import Product

        found.update(s.scalars(select(Product.id).where(Product.sku.in_((raw, raw.upper())))))
    return found


def _progress(s: Session, order: Order, last_line_id: str | None = None) -> PackProgress:
    lines = tuple(PackLine(line.id, line.sku, line.name, line.quantity, line.packed)
                  for line in s.scalars(select(OrderLine).where(OrderLine.order_id == order.id)
                                        .order_by(OrderLine.position)))
    return PackProgress(order.id, order.number, lines, last_line_id)


def _pick_list(s: Session, batch: str, orders: list[Order]) -> PickListData:
    totals: dict[tuple[str, str], dict] = {}
    for order in sorted(orders, key=lambda o: o.number):
        for line in s.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.position)):
            entry = totals.setdefault((order.location_id, line.product_id), {
                "sku": line.sku, "name": line.name, "quantity": Decimal(0), "orders": {}})
            entry["quantity"] += line.quantity
            entry["orders"][order.number] = entry["orders"].get(order.number, Decimal(0)) + line.quantity
    codes = dict(s.execute(select(Location.id, Location.code)).all())
    lines = []
    for (location_id, product_id), entry in totals.items():
        bin_code = s.scalar(select(StockBin.bin).where(StockBin.product_id == product_id,
                                                        StockBin.location_id == location_id)) or ""
        lines.append(PickLine(codes.get(location_id, ""), bin_code, entry["sku"], entry["name"], entry["quantity"],
                              _first_barcode(s, product_id), tuple(entry["orders"].items())))
    lines.sort(key=lambda p: (p.location, p.bin == "", _natural(p.bin), p.sku))
    return PickListData(f"Pick list {batch}", date.today(), tuple(sorted(o.number for o in orders)), tuple(lines))


def _natural(text: str) -> tuple:
    """A3-2 before A3-10: digits compared as numbers."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text.upper()))


def _first_barcode(s: Session, product_id: str) -> str:
    return s.scalar(select(Barcode.code).where(Barcode.product_id == product_id).order_by(Barcode.code).limit(1)) or ""


def _sender(s: Session) -> Address:
    store = s.scalar(select(StoreSettings))
    if store is None:
        return Address("")
    lines = [line.strip() for line in (store.address or "").splitlines() if line.strip()]
    return Address(store.name, lines=tuple(lines[:4]))


def _status_rows(data: bytes | str | os.PathLike) -> list[tuple[str, str, datetime | None]]:
    text, _ = decode_csv_bytes(read_source(data))
    refuse_nul(text)
    if not text.strip():
        raise ValidationError("file", QT_TRANSLATE_NOOP("errors", "The tracking-status file is empty."))
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text))
    rows, rejects = [], []
    for number, row in enumerate(reader, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower().replace(" ", "_") in {"tracking", "tracking_number", "number", "parcel"}:
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            rejects.append(RowError(number, "", ",".join(cells), "a row needs the tracking number and the status"))
            continue
        when = None
        if len(cells) > 2 and cells[2]:
            try:
                when = datetime.fromisoformat(cells[2])
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
            except ValueError:
                rejects.append(RowError(number, "date", cells[2],
                                        f"'{cells[2]}' is not a date like 2026-11-26 or 2026-11-26T14:30"))
                continue
        rows.append((clean_tracking_number(cells[0]), cells[1], when))
    if rejects:
        raise ValidationError("file", QT_TRANSLATE_NOOP(
            "errors", "{count} rows of the tracking-status file are wrong, so nothing was changed: {rows}"),
            count=len(rejects), rows="; ".join(str(r) for r in rejects[:20]))
    return rows
