"""Stockroom documents: suppliers, purchase orders, goods receipts, transfers, stocktakes.

Each document causes stock movements (see :class:`~shopdesk.store.models.StockMovement`)
and is named by them (``document_type``, ``document_id``). Drafts (a receipt being
scanned, a stocktake being counted) are written on every scan so a crash loses nothing;
a posted document never changes again.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from shopdesk.store.models import Base, Keyed, Timestamped
from shopdesk.store.types import Quantity, UTCDateTime, utcnow


class DocumentCounter(Base):
    """The last number given to each kind of document (``GR`` receipts, ``ST`` stocktakes, ...)."""

    __tablename__ = "document_counters"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class StockBin(Base):
    """Where in a location a product sits (bin or aisle code such as ``A3-02``)."""

    __tablename__ = "stock_bins"

    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    bin: Mapped[str] = mapped_column(String(32))

    __table_args__ = (Index("ix_stock_bins_location_bin", "location_id", "bin"),)


class Supplier(Keyed, Timestamped, Base):
    __tablename__ = "suppliers"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PurchaseOrder(Keyed, Timestamped, Base):
    __tablename__ = "purchase_orders"

    number: Mapped[str] = mapped_column(String(32), unique=True)
    supplier_id: Mapped[str] = mapped_column(ForeignKey("suppliers.id"), index=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))  # delivered to
    status: Mapped[str] = mapped_column(String(16), default="open")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (CheckConstraint("status IN ('open','received','cancelled')", name="status"),)


class PurchaseOrderLine(Keyed, Base):
    __tablename__ = "purchase_order_lines"

    purchase_order_id: Mapped[str] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity)  # ordered
    unit_cost: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[Decimal] = mapped_column(Quantity, default=0)  # sum of posted receipt lines

    __table_args__ = (
        UniqueConstraint("purchase_order_id", "product_id", name="uq_purchase_order_lines_order_product"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_cost >= 0", name="unit_cost_not_negative"),
    )


class GoodsReceipt(Keyed, Timestamped, Base):
    """A delivery being received (``draft``) or received (``posted``), with or without a PO."""

    __tablename__ = "goods_receipts"

    number: Mapped[str] = mapped_column(String(32), unique=True)
    supplier_id: Mapped[str | None] = mapped_column(ForeignKey("suppliers.id"))
    purchase_order_id: Mapped[str | None] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    supplier_reference: Mapped[str] = mapped_column(String(64), default="")  # delivery note number
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    posted_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (CheckConstraint("status IN ('draft','posted','cancelled')", name="status"),)


class GoodsReceiptLine(Keyed, Base):
    __tablename__ = "goods_receipt_lines"

    receipt_id: Mapped[str] = mapped_column(ForeignKey("goods_receipts.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=0)
    unit_cost: Mapped[int] = mapped_column(BigInteger, default=0)
    purchase_order_line_id: Mapped[str | None] = mapped_column(ForeignKey("purchase_order_lines.id"))

    __table_args__ = (
        UniqueConstraint("receipt_id", "product_id", name="uq_goods_receipt_lines_receipt_product"),
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("unit_cost >= 0", name="unit_cost_not_negative"),
    )


class StockTransfer(Keyed, Base):
    """Stock moved between two locations; its lines are its movements."""

    __tablename__ = "stock_transfers"

    number: Mapped[str] = mapped_column(String(32), unique=True)
    from_location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))
    to_location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Stocktake(Keyed, Timestamped, Base):
    """A count of one location: full, or a cycle count of a filtered part of it."""

    __tablename__ = "stocktakes"

    number: Mapped[str] = mapped_column(String(32), unique=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"), index=True)
    scope: Mapped[str] = mapped_column(String(8), default="full")
    # cycle-count filters (all optional; several narrow together)
    category_id: Mapped[str | None] = mapped_column(ForeignKey("categories.id"))
    bin_prefix: Mapped[str] = mapped_column(String(32), default="")
    not_counted_days: Mapped[int | None] = mapped_column(Integer)
    blind: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="counting")
    snapshot_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    posted_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    posted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("scope IN ('full','cycle')", name="scope"),
        CheckConstraint("status IN ('counting','posted','cancelled')", name="status"),
        # One full count per location at a time.
        Index("uq_stocktakes_full_count_per_location", "location_id", unique=True,
              sqlite_where=text("status = 'counting' AND scope = 'full'"),
              postgresql_where=text("status = 'counting' AND scope = 'full'")),
    )


class StocktakeLine(Keyed, Base):
    """One product of a stocktake: what the ledger said at the start, and what was counted.

    ``expected_at_count`` is the ledger balance at the moment the product was last counted
    (snapshot + movements since), so sales during the count make no false variance.
    """

    __tablename__ = "stocktake_lines"

    stocktake_id: Mapped[str] = mapped_column(ForeignKey("stocktakes.id", ondelete="CASCADE"))
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), index=True)
    snapshot: Mapped[Decimal] = mapped_column(Quantity, default=0)
    counted: Mapped[Decimal | None] = mapped_column(Quantity)  # None: not counted yet
    expected_at_count: Mapped[Decimal | None] = mapped_column(Quantity)
    counted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    round: Mapped[int] = mapped_column(Integer, default=1)  # a recount starts a new round
    found_during_count: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        UniqueConstraint("stocktake_id", "product_id", name="uq_stocktake_lines_stocktake_product"),
    )


class StocktakeEntry(Keyed, Base):
    """Append-only log of counts; a line's count is the sum of its current round's entries."""

    __tablename__ = "stocktake_entries"

    stocktake_id: Mapped[str] = mapped_column(ForeignKey("stocktakes.id", ondelete="CASCADE"), index=True)
    line_id: Mapped[str] = mapped_column(ForeignKey("stocktake_lines.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    zone: Mapped[str] = mapped_column(String(32), default="")
    quantity: Mapped[Decimal] = mapped_column(Quantity)  # may be negative: a correction
    source: Mapped[str] = mapped_column(String(16), default="scan")  # scan, typed, import, resolved
    device: Mapped[str] = mapped_column(String(64), default="")
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StocktakeUnknownCode(Keyed, Base):
    """A code scanned during a count that matched no product, kept until someone resolves it."""

    __tablename__ = "stocktake_unknown_codes"

    stocktake_id: Mapped[str] = mapped_column(ForeignKey("stocktakes.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    zone: Mapped[str] = mapped_column(String(32), default="")
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    device: Mapped[str] = mapped_column(String(64), default="")
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_product_id: Mapped[str | None] = mapped_column(ForeignKey("products.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
