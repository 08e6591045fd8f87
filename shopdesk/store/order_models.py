"""Orders to ship: the order, its lines, its timeline and payments, the stock it holds,
and the carriers and parcel types used to send it.

An order's state follows :mod:`shopdesk.domain.order_flow`; each change is an
``order_events`` row (who, when, from, to). Stock an open order holds is one
``stock_reservations`` row per line, deleted when the parcel leaves or the order is
cancelled, so "reserved" is a sum over open orders only, whatever the order history.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from shopdesk.store.models import Base, Keyed, Timestamped
from shopdesk.store.types import Quantity, UTCDateTime, utcnow


class CarrierProfile(Keyed, Timestamped, Base):
    """A carrier the shop ships with: how its tracking numbers look and where to track them."""

    __tablename__ = "carrier_profiles"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    services: Mapped[str] = mapped_column(Text, default="")  # one service per line
    tracking_pattern: Mapped[str] = mapped_column(String(200), default="")  # a regular expression
    tracking_url_template: Mapped[str] = mapped_column(String(300), default="")  # with {tracking}
    s10: Mapped[bool] = mapped_column(Boolean, default=False)  # UPU S10 numbers (checked; may be made here)
    s10_service: Mapped[str] = mapped_column(String(2), default="")  # service indicator for numbers made here
    s10_country: Mapped[str] = mapped_column(String(2), default="")
    next_serial: Mapped[int] = mapped_column(Integer, default=1)  # of the numbers made here
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ParcelType(Keyed, Base):
    __tablename__ = "parcel_types"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    length_mm: Mapped[int] = mapped_column(Integer, default=0)
    width_mm: Mapped[int] = mapped_column(Integer, default=0)
    height_mm: Mapped[int] = mapped_column(Integer, default=0)
    tare_g: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Order(Keyed, Timestamped, Base):
    __tablename__ = "orders"

    number: Mapped[str] = mapped_column(String(20), unique=True)  # SO-000001
    source: Mapped[str] = mapped_column(String(40), default="app")  # "app", or the web shop imported from
    external_id: Mapped[str | None] = mapped_column(String(100))  # the web shop's order id
    state: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"))
    ship_name: Mapped[str] = mapped_column(String(200))
    ship_company: Mapped[str] = mapped_column(String(200), default="")
    ship_lines: Mapped[str] = mapped_column(Text, default="")  # street lines, newline-separated
    ship_city: Mapped[str] = mapped_column(String(120), default="")
    ship_postcode: Mapped[str] = mapped_column(String(20), default="")
    ship_region: Mapped[str] = mapped_column(String(120), default="")
    ship_country: Mapped[str] = mapped_column(String(2), default="")
    ship_phone: Mapped[str] = mapped_column(String(40), default="")
    ship_email: Mapped[str] = mapped_column(String(200), default="")
    shipping_method: Mapped[str] = mapped_column(String(80), default="")
    shipping_charge: Mapped[int] = mapped_column(BigInteger, default=0)
    cash_on_delivery: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int] = mapped_column(BigInteger, default=0)  # lines, in the store's price basis
    tax_total: Mapped[int] = mapped_column(BigInteger, default=0)
    grand_total: Mapped[int] = mapped_column(BigInteger, default=0)  # what the customer pays, shipping included
    paid_total: Mapped[int] = mapped_column(BigInteger, default=0)  # payments less refunds
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))  # shipped from
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    pick_batch: Mapped[str] = mapped_column(String(20), default="")  # PB-000001 when on a pick list
    carrier_id: Mapped[str | None] = mapped_column(ForeignKey("carrier_profiles.id"))
    service: Mapped[str] = mapped_column(String(80), default="")
    tracking_number: Mapped[str] = mapped_column(String(64), default="")
    parcel_type_id: Mapped[str | None] = mapped_column(ForeignKey("parcel_types.id"))
    weight_g: Mapped[int] = mapped_column(Integer, default=0)
    length_mm: Mapped[int] = mapped_column(Integer, default=0)
    width_mm: Mapped[int] = mapped_column(Integer, default=0)
    height_mm: Mapped[int] = mapped_column(Integer, default=0)
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("source", "external_id", name="uq_orders_source_external_id"),
        Index("ix_orders_state_created", "state", "created_at"),
        Index("ix_orders_tracking_number", "tracking_number"),
        Index("ix_orders_customer", "customer_id"),
    )


class OrderLine(Keyed, Base):
    __tablename__ = "order_lines"

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    discount: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_code: Mapped[str] = mapped_column(String(16))
    tax_percent: Mapped[str] = mapped_column(String(20))
    net: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    gross: Mapped[int] = mapped_column(BigInteger)
    picked: Mapped[Decimal] = mapped_column(Quantity, default=0)
    packed: Mapped[Decimal] = mapped_column(Quantity, default=0)

    __table_args__ = (
        Index("ix_order_lines_order", "order_id", "position"),
        Index("ix_order_lines_product", "product_id"),
    )


class OrderEvent(Keyed, Base):
    """One step of an order's timeline."""

    __tablename__ = "order_events"

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(24))  # created, pay, pick, ..., payment, refund, note
    from_state: Mapped[str] = mapped_column(String(16), default="")
    to_state: Mapped[str] = mapped_column(String(16), default="")
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_order_events_order", "order_id", "at"),)


class OrderPayment(Keyed, Base):
    """Money in (positive) or back (negative, a refund) against an order."""

    __tablename__ = "order_payments"

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    method: Mapped[str] = mapped_column(String(32))  # card, transfer, cash, cod, voucher, web ...
    amount: Mapped[int] = mapped_column(BigInteger)
    reference: Mapped[str] = mapped_column(String(100), default="")

    __table_args__ = (Index("ix_order_payments_order", "order_id"),)


class StockReservation(Base):
    """Stock an open order holds: one row per order line until it ships or is cancelled."""

    __tablename__ = "stock_reservations"

    order_line_id: Mapped[str] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"), primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)

    __table_args__ = (
        Index("ix_stock_reservations_product", "product_id", "location_id"),
        Index("ix_stock_reservations_order", "order_id"),
    )
