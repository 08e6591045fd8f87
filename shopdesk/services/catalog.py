"""Products and their barcodes: creation with the checks a catalog needs (unique SKU and barcodes, valid GTINs).

The full catalog (search index, categories tree, import/export, price history) grows here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store import search_index
from shopdesk.store.database import Database, dbapi_connection
from shopdesk.store.models import Barcode, Category, Product, TaxRate

UNITS = ("piece", "kg", "g", "l", "m")


@dataclass(frozen=True)
class ProductDraft:
    sku: str
    name: str
    price: int
    tax_code: str = "STD"
    cost: int = 0
    barcodes: tuple[str, ...] = ()
    category: str | None = None
    unit: str = "piece"
    description: str = ""
    active: bool = True
    extra: dict = field(default_factory=dict)


def validate_draft(draft: ProductDraft) -> None:
    if not draft.sku.strip():
        raise ValidationError("sku", QT_TRANSLATE_NOOP("errors", "Enter a SKU (the shop's own product code)."))
    if not draft.name.strip():
        raise ValidationError("name", QT_TRANSLATE_NOOP("errors", "Enter the product's name."))
    if draft.price < 0:
        raise ValidationError("price", QT_TRANSLATE_NOOP("errors", "The price cannot be negative."))
    if draft.cost < 0:
        raise ValidationError("cost", QT_TRANSLATE_NOOP("errors", "The cost cannot be negative."))
    if draft.unit not in UNITS:
        raise ValidationError(
            "unit", QT_TRANSLATE_NOOP("errors", "Unknown unit '{unit}'; use one of {units}."),
            unit=draft.unit, units=", ".join(UNITS),
        )


def tax_rate_id(session: Session, code: str) -> str:
    found = session.scalar(select(TaxRate.id).where(TaxRate.code == code))
    if found is None:
        raise ValidationError("tax_code", QT_TRANSLATE_NOOP("errors", "No tax rate has the code {code}."), code=code)
    return found


def category_id(session: Session, name: str | None) -> str | None:
    """A top-level category by name, created on first use."""
    if not name:
        return None
    found = session.scalar(select(Category.id).where(Category.name == name, Category.parent_id.is_(None)))
    if found:
        return found
    category = Category(name=name)
    session.add(category)
    session.flush()
    return category.id


class CatalogService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create_product(self, actor: StaffSession, draft: ProductDraft) -> str:
        actor.require(Permission.MANAGE_CATALOG)
        validate_draft(draft)
        keys = [(code.strip(), barcode_lookup_key(code)) for code in draft.barcodes]
        if len({k for _, k in keys}) != len(keys):
            raise ValidationError("barcodes", QT_TRANSLATE_NOOP("errors", "The same barcode is listed twice."))
        with self.db.unit_of_work() as s:
            if s.scalar(select(Product.id).where(Product.sku == draft.sku.strip())):
                raise ValidationError("sku", QT_TRANSLATE_NOOP("errors", "The SKU {sku} is already used."),
                                      sku=draft.sku)
            for code, key in keys:
                owner = s.scalar(select(Product.name).join(Barcode).where(Barcode.lookup_key == key))
                if owner:
                    raise ValidationError(
                        "barcodes",
                        QT_TRANSLATE_NOOP("errors", "The barcode {code} already belongs to {product}."),
                        code=code, product=owner,
                    )
            conn = dbapi_connection(s)
            product = Product(
                seq=search_index.next_seq(conn), sku=draft.sku.strip(), name=draft.name.strip(), description=draft.description,
                price=draft.price, cost=draft.cost, unit=draft.unit, active=draft.active,
                tax_rate_id=tax_rate_id(s, draft.tax_code), category_id=category_id(s, draft.category),
            )
            s.add(product)
            s.flush()
            for code, key in keys:
                s.add(Barcode(product_id=product.id, code=code, lookup_key=key))
            search_index.index_products(dbapi_connection(s), [product.id])
            audit.record(s, actor, "catalog.product_created", entity_type="product", entity_id=product.id,
                         sku=product.sku, price=product.price)
            return product.id
