"""The ShopDesk schema as SQLAlchemy 2 typed models.

Rules kept here: UUID text keys made where a record is created; created/updated times in
UTC; money as integer minor units (``BigInteger``); quantities as integer thousandths
(:class:`~shopdesk.store.types.Quantity`); a constraint naming convention so Alembic's
batch mode on SQLite can find constraints by name. The schema only changes through the
migrations in ``db/versions``.
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
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shopdesk.store.types import DecimalText, Quantity, UTCDateTime, UUIDKey, new_id, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Keyed:
    id: Mapped[str] = mapped_column(UUIDKey, primary_key=True, default=new_id)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class StoreSettings(Keyed, Timestamped, Base):
    """One row: the shop itself."""

    __tablename__ = "store_settings"

    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    tax_id: Mapped[str] = mapped_column(String(64), default="")
    currency: Mapped[str] = mapped_column(String(3))
    locale: Mapped[str] = mapped_column(String(16), default="en_US")
    prices_include_tax: Mapped[bool] = mapped_column(Boolean, default=True)
    receipt_footer: Mapped[str] = mapped_column(Text, default="")
    # python-escpos target, e.g. "file:/dev/usb/lp0", "network:10.0.0.5:9100", "none".
    receipt_printer: Mapped[str] = mapped_column(String(200), default="none")
    # Cash totals are rounded to this step in minor units (5 = 0.05); 0 or 1: no rounding.
    cash_rounding_step: Mapped[int] = mapped_column(Integer, default=0)
    # The logo printed at the top of receipts: a picture in ``images``; None: no logo.
    logo_image_id: Mapped[str | None] = mapped_column(ForeignKey("images.id"))


class User(Keyed, Timestamped, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        CheckConstraint("role IN ('cashier','clerk','manager','owner')", name="role"),
    )


class TaxRate(Keyed, Timestamped, Base):
    __tablename__ = "tax_rates"

    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    percent: Mapped[Decimal] = mapped_column(DecimalText)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Category(Keyed, Timestamped, Base):
    __tablename__ = "categories"

    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("categories.id"))

    __table_args__ = (UniqueConstraint("parent_id", "name", name="uq_categories_parent_name"),)


class Product(Keyed, Timestamped, Base):
    __tablename__ = "products"

    # A stable local integer: the search index's rowid and the tie-break of keyset paging.
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category_id: Mapped[str | None] = mapped_column(ForeignKey("categories.id"), index=True)
    brand: Mapped[str] = mapped_column(String(120), default="", index=True)
    attributes: Mapped[str] = mapped_column(Text, default="{}")  # JSON object of name → value
    price: Mapped[int] = mapped_column(BigInteger)
    cost: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_rate_id: Mapped[str] = mapped_column(ForeignKey("tax_rates.id"))
    unit: Mapped[str] = mapped_column(String(16), default="piece")
    reorder_point: Mapped[Decimal | None] = mapped_column(Quantity)
    # "Order up to": the stock level a reorder should restore (else twice the reorder point).
    max_stock: Mapped[Decimal | None] = mapped_column(Quantity)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Variants: a parent carries its option axes ({"Size": ["S", "M"]}), each variant its
    # values ({"Size": "S"}) and parent_id; every variant has its own SKU, barcode, price, stock.
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("products.id"), index=True)
    options: Mapped[str] = mapped_column(Text, default="{}")
    # Item reference in GS1 in-store codes printed by shop scales (prefix 20–29).
    plu: Mapped[str | None] = mapped_column(String(16), unique=True, index=True)

    barcodes: Mapped[list[Barcode]] = relationship(back_populates="product")
    tax_rate: Mapped[TaxRate] = relationship()

    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        Index("ix_products_name_seq", "name", "seq"),
        Index("ix_products_price_seq", "price", "seq"),
        # The low-stock filter only looks at products with a reorder point: a small index.
        Index("ix_products_reorder_name_seq", "name", "seq", sqlite_where=text("reorder_point IS NOT NULL"),
              postgresql_where=text("reorder_point IS NOT NULL")),
    )


class PriceChange(Keyed, Base):
    """History of a product's price and cost: who changed it, when, from what to what."""

    __tablename__ = "price_changes"

    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), index=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    old_price: Mapped[int | None] = mapped_column(BigInteger)
    new_price: Mapped[int] = mapped_column(BigInteger)
    old_cost: Mapped[int | None] = mapped_column(BigInteger)
    new_cost: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(32), default="edit")  # edit, import, ...


class Image(Keyed, Base):
    """A picture stored once by its content hash, however many products show it."""

    __tablename__ = "images"

    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    mime: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary)  # PNG, at most 128 px
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProductImage(Base):
    __tablename__ = "product_images"

    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    image_id: Mapped[str] = mapped_column(ForeignKey("images.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class AppMeta(Base):
    """Small facts about this database file (e.g. the search index's build version)."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Barcode(Keyed, Base):
    __tablename__ = "barcodes"

    product_id: Mapped[str] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))  # as printed on the pack
    # GTINs zero-padded to 14 digits, other codes upper-cased: see domain.gtin.barcode_lookup_key
    lookup_key: Mapped[str] = mapped_column(String(64), unique=True)

    product: Mapped[Product] = relationship(back_populates="barcodes")


class Location(Keyed, Timestamped, Base):
    """Where stock is. Virtual kinds (supplier, customer, adjustment, scrap) balance the ledger."""

    __tablename__ = "locations"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16), default="internal")

    __table_args__ = (
        CheckConstraint(
            "kind IN ('internal','supplier','customer','adjustment','scrap','transit')", name="kind"
        ),
    )


class StockMovement(Keyed, Base):
    """One line of the stock ledger: ``quantity`` moves from one location to another."""

    __tablename__ = "stock_movements"

    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    from_location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))
    to_location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    reason: Mapped[str] = mapped_column(String(32))
    document_type: Mapped[str] = mapped_column(String(32))
    document_id: Mapped[str] = mapped_column(UUIDKey)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("from_location_id <> to_location_id", name="distinct_locations"),
        Index("ix_stock_movements_product_created", "product_id", "created_at"),
        Index("ix_stock_movements_document", "document_type", "document_id"),
    )


class StockBalance(Base):
    """Cache of the ledger sum per (product, location), updated in the same transaction."""

    __tablename__ = "stock_balances"

    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), primary_key=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Till(Keyed, Timestamped, Base):
    __tablename__ = "tills"

    code: Mapped[str] = mapped_column(String(16), unique=True)  # prefix of its receipt numbers
    name: Mapped[str] = mapped_column(String(80))
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))
    last_receipt_no: Mapped[int] = mapped_column(Integer, default=0)


class Sale(Keyed, Base):
    """A completed sale. Immutable: corrections are new documents (returns, refunds)."""

    __tablename__ = "sales"

    receipt_number: Mapped[str] = mapped_column(String(32), unique=True)
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    currency: Mapped[str] = mapped_column(String(3))
    prices_include_tax: Mapped[bool] = mapped_column(Boolean)
    net_total: Mapped[int] = mapped_column(BigInteger)
    tax_total: Mapped[int] = mapped_column(BigInteger)
    grand_total: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "sale"; "return" (negative lines against original_sale_id); "exchange" (both).
    kind: Mapped[str] = mapped_column(String(16), default="sale")
    session_id: Mapped[str | None] = mapped_column(ForeignKey("till_sessions.id"), index=True)
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    original_sale_id: Mapped[str | None] = mapped_column(ForeignKey("sales.id"), index=True)
    cart_discount: Mapped[int] = mapped_column(BigInteger, default=0)  # spread over the lines' discounts
    rounding: Mapped[int] = mapped_column(BigInteger, default=0)  # cash rounding: amount due = total + rounding

    lines: Mapped[list[SaleLine]] = relationship(order_by="SaleLine.line_no")
    payments: Mapped[list[SalePayment]] = relationship()


class SaleLine(Keyed, Base):
    __tablename__ = "sale_lines"

    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), index=True)
    description: Mapped[str] = mapped_column(String(200))  # name as sold
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    discount: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_code: Mapped[str] = mapped_column(String(16))
    tax_percent: Mapped[Decimal] = mapped_column(DecimalText)
    net: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
    gross: Mapped[int] = mapped_column(BigInteger)
    # A return line (negative quantity) names the line it returns and where the stock went.
    original_line_id: Mapped[str | None] = mapped_column(ForeignKey("sale_lines.id"), index=True)
    return_location_id: Mapped[str | None] = mapped_column(ForeignKey("locations.id"))
    suggested: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")  # from the recommendation panel

    __table_args__ = (UniqueConstraint("sale_id", "line_no", name="uq_sale_lines_sale_line_no"),)


class SalePayment(Keyed, Base):
    __tablename__ = "sale_payments"

    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    tender: Mapped[str] = mapped_column(String(32))  # "cash", later "card", "voucher", ...
    amount: Mapped[int] = mapped_column(BigInteger)  # applied to the sale
    tendered: Mapped[int] = mapped_column(BigInteger)  # handed over
    change: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    card_type: Mapped[str] = mapped_column(String(32), default="")  # as the terminal says: VISA, …
    reference: Mapped[str] = mapped_column(String(64), default="")  # approval code, voucher number


class AuditEntry(Keyed, Base):
    __tablename__ = "audit_log"

    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(48), index=True)
    entity_type: Mapped[str] = mapped_column(String(32), default="")
    entity_id: Mapped[str] = mapped_column(String(36), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class CartDraft(Keyed, Timestamped, Base):
    """The cart in progress at a till, written on every change so a crash loses nothing."""

    __tablename__ = "cart_drafts"

    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | parked
    note: Mapped[str] = mapped_column(Text, default="")  # why it is parked, for whom
    parked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"))
    # Cart discount: kind "" (none), "percent" or "amount"; value as exact text (10, 2.5, 250).
    discount_kind: Mapped[str] = mapped_column(String(8), default="")
    discount_value: Mapped[Decimal | None] = mapped_column(DecimalText)
    original_sale_id: Mapped[str | None] = mapped_column(ForeignKey("sales.id"))  # a return in progress

    lines: Mapped[list[CartDraftLine]] = relationship(
        order_by="CartDraftLine.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        # At most one open cart per till; parked carts (a later feature) are not limited.
        Index("uq_cart_drafts_open_per_till", "till_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )


class CartDraftLine(Keyed, Base):
    __tablename__ = "cart_draft_lines"

    cart_id: Mapped[str] = mapped_column(ForeignKey("cart_drafts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    scanned_code: Mapped[str] = mapped_column(String(64), default="")
    discount_kind: Mapped[str] = mapped_column(String(8), default="")  # "", "percent", "amount"
    discount_value: Mapped[Decimal | None] = mapped_column(DecimalText)
    original_line_id: Mapped[str | None] = mapped_column(ForeignKey("sale_lines.id"))  # a return line
    return_location_code: Mapped[str] = mapped_column(String(32), default="")
    suggested: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")  # added from the panel


# The stockroom's documents share this Base; importing them here keeps one complete
# metadata for Alembic and for every caller that imports the models.
from shopdesk.store import counter_models, order_models, review_models, stockroom_models  # noqa: E402, F401
