"""The counter's records beyond the sale itself: till sessions and their cash, tenders,
customers and store credit, quick keys, in-store barcode layouts and discount limits.
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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from shopdesk.store.models import Base, Keyed, Timestamped
from shopdesk.store.types import DecimalText, UTCDateTime, utcnow


class TillSession(Keyed, Base):
    """A till from opening (with a counted float) to its Z report (with a cash count)."""

    __tablename__ = "till_sessions"

    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"), index=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # the Z number, e.g. "Z-T1-000012"
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_by_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opening_float: Mapped[int] = mapped_column(BigInteger, default=0)
    float_detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON denomination → count
    closed_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expected_cash: Mapped[int | None] = mapped_column(BigInteger)
    counted_cash: Mapped[int | None] = mapped_column(BigInteger)
    count_detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON denomination → count
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint("status IN ('open','closed')", name="status"),
        CheckConstraint("opening_float >= 0", name="float_not_negative"),
        Index("uq_till_sessions_open_per_till", "till_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )


class CashMovement(Keyed, Base):
    """Cash in or out of the drawer that is not a sale: paid-ins, paid-outs, a "no sale" opening."""

    __tablename__ = "cash_movements"

    session_id: Mapped[str] = mapped_column(ForeignKey("till_sessions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger, default=0)  # always ≥ 0; kind gives the direction
    reason: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("kind IN ('paid_in','paid_out','no_sale')", name="kind"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )


class TenderType(Base):
    """A way to pay: cash, card (external terminal), voucher, bank transfer, store credit, …"""

    __tablename__ = "tender_types"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    opens_drawer: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_reference: Mapped[bool] = mapped_column(Boolean, default=False)  # approval code, voucher number
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (CheckConstraint("kind IN ('cash','card','store_credit','other')", name="kind"),)


class Customer(Keyed, Timestamped, Base):
    __tablename__ = "customers"

    name: Mapped[str] = mapped_column(String(200), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="", index=True)
    email: Mapped[str] = mapped_column(String(200), default="", index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class StoreCreditEntry(Keyed, Base):
    """Store credit is a ledger per customer: refunds add, payments take; balance = sum."""

    __tablename__ = "store_credit_entries"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # signed
    sale_id: Mapped[str | None] = mapped_column(ForeignKey("sales.id"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuickKey(Keyed, Base):
    """A favourite product on the till's grid of buttons."""

    __tablename__ = "quick_keys"

    position: Mapped[int] = mapped_column(Integer, unique=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(40), default="")  # empty: the product's name


class BarcodeLayout(Base):
    """How a GS1 in-store code (prefix 20–29) from a shop scale is read: which digits are
    the item (PLU) and which the weight, price or count."""

    __tablename__ = "barcode_layouts"

    prefix: Mapped[str] = mapped_column(String(2), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    item_digits: Mapped[int] = mapped_column(Integer, default=5)
    value_digits: Mapped[int] = mapped_column(Integer, default=5)
    value_decimals: Mapped[int] = mapped_column(Integer, default=3)
    price_check_digit: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (CheckConstraint("kind IN ('weight','price','count')", name="kind"),)


class DiscountLimit(Base):
    """The largest discount a role may give without a manager's PIN."""

    __tablename__ = "discount_limits"

    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    line_percent: Mapped[Decimal] = mapped_column(DecimalText)
    cart_percent: Mapped[Decimal] = mapped_column(DecimalText)
