"""Products and their barcodes: creating and editing them with the checks a catalog needs
(unique SKU and barcodes, valid GTINs), price history, variants and pictures.

Every change keeps the search index (store/search_index.py) current in the same
transaction. Browsing lives in catalog_browse.py, search in catalog_search.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product as cartesian

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from shopdesk.domain.errors import NotFound, ValidationError
from shopdesk.domain.gtin import barcode_lookup_key, make_gtin
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.domain.quantity import to_milli
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store import search_index
from shopdesk.store.database import Database, dbapi_connection
from shopdesk.store.models import (
    Barcode,
    Category,
    PriceChange,
    Product,
    ProductImage,
    TaxRate,
    User,
)
from shopdesk.store.types import new_id

UNITS = ("piece", "kg", "g", "l", "m")
CATEGORY_SEPARATOR = ">"
# Restricted-circulation GTIN prefix for barcodes the shop makes itself (variants).
IN_STORE_PREFIX = "200"


@dataclass(frozen=True)
class ProductDraft:
    """What a person enters for a product (new or edited)."""

    sku: str
    name: str
    price: int
    tax_code: str = "STD"
    cost: int = 0
    barcodes: tuple[str, ...] = ()
    category: str | None = None  # a path, "Food > Dairy > Milk"
    unit: str = "piece"
    description: str = ""
    active: bool = True
    brand: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    reorder_point: Decimal | None = None
    max_stock: Decimal | None = None  # "order up to": the level a reorder restores
    plu: str = ""  # item number in shop-scale codes (GS1 prefixes 20–29); "" for none


PLU_MAX_DIGITS = 6


def plu_candidates(plu: str) -> tuple[str, ...]:
    """Every stored spelling of the PLU number ``plu`` (with and without leading zeros, up
    to :data:`PLU_MAX_DIGITS`): a scale prints ``01234`` for PLU ``1234``."""
    bare = plu.lstrip("0") or "0"
    return tuple(bare.zfill(width) for width in range(len(bare), max(PLU_MAX_DIGITS, len(plu)) + 1))


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
    if draft.reorder_point is not None and (not draft.reorder_point.is_finite() or draft.reorder_point < 0):
        raise ValidationError("reorder_point", QT_TRANSLATE_NOOP("errors", "The reorder point must be 0 or more."))
    if draft.max_stock is not None:
        if not draft.max_stock.is_finite() or draft.max_stock < 0:
            raise ValidationError(
                "max_stock", QT_TRANSLATE_NOOP("errors", "The order-up-to level must be 0 or more."))
        to_milli(draft.max_stock, "max_stock")  # at most 3 decimals, storable
        if draft.reorder_point is not None and draft.max_stock < draft.reorder_point:
            raise ValidationError(
                "max_stock", QT_TRANSLATE_NOOP(
                    "errors", "The order-up-to level ({max_stock}) cannot be below the reorder point "
                              "({reorder_point})."),
                max_stock=str(draft.max_stock), reorder_point=str(draft.reorder_point))
    plu = (draft.plu or "").strip()
    if plu and not (plu.isascii() and plu.isdigit() and len(plu) <= PLU_MAX_DIGITS):
        raise ValidationError(
            "plu", QT_TRANSLATE_NOOP("errors", "A PLU is the item number on scale labels: 1 to {max} digits, "
                                               "not '{plu}'."), plu=plu, max=PLU_MAX_DIGITS)


def tax_rate_id(session: Session, code: str) -> str:
    found = session.scalar(select(TaxRate.id).where(TaxRate.code == code))
    if found is None:
        raise ValidationError("tax_code", QT_TRANSLATE_NOOP("errors", "No tax rate has the code {code}."), code=code)
    return found


def category_path_parts(path: str | None) -> list[str]:
    return [part.strip() for part in (path or "").split(CATEGORY_SEPARATOR) if part.strip()]


def category_id(session: Session, path: str | None, *, create: bool = True) -> str | None:
    """The category at ``path`` ("Food > Dairy"), creating missing levels when allowed."""
    parent = None
    for name in category_path_parts(path):
        found = session.scalar(select(Category.id).where(
            Category.name == name,
            Category.parent_id.is_(None) if parent is None else Category.parent_id == parent,
        ))
        if found is None:
            if not create:
                raise ValidationError(
                    "category", QT_TRANSLATE_NOOP("errors", "There is no category '{path}'."), path=path)
            category = Category(name=name, parent_id=parent)
            session.add(category)
            session.flush()
            found = category.id
        parent = found
    return parent


def category_path(session: Session, category_id_: str | None) -> str:
    parts = []
    while category_id_:
        row = session.execute(select(Category.name, Category.parent_id).where(Category.id == category_id_)).one()
        parts.append(row.name)
        category_id_ = row.parent_id
    return f" {CATEGORY_SEPARATOR} ".join(reversed(parts))


def _barcode_keys(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    keys = [(code.strip(), barcode_lookup_key(code)) for code in codes if code.strip()]
    if len({k for _, k in keys}) != len(keys):
        raise ValidationError("barcodes", QT_TRANSLATE_NOOP("errors", "The same barcode is listed twice."))
    return keys


def _check_barcodes_free(session: Session, keys: list[tuple[str, str]], product_id: str | None) -> None:
    for code, key in keys:
        owner = session.execute(
            select(Product.id, Product.name).join(Barcode).where(Barcode.lookup_key == key)).first()
        if owner and owner.id != product_id:
            raise ValidationError(
                "barcodes", QT_TRANSLATE_NOOP("errors", "The barcode {code} already belongs to {product}."),
                code=code, product=owner.name,
            )


def _check_sku_free(session: Session, sku: str, product_id: str | None) -> None:
    owner = session.scalar(select(Product.id).where(Product.sku == sku))
    if owner and owner != product_id:
        raise ValidationError("sku", QT_TRANSLATE_NOOP("errors", "The SKU {sku} is already used."), sku=sku)


def _check_plu_free(session: Session, plu: str | None, product_id: str | None) -> None:
    """PLUs are numbers to a scale: ``1234`` and ``01234`` are the same PLU."""
    if not plu:
        return
    owner = session.execute(select(Product.id, Product.name).where(
        Product.plu.in_(plu_candidates(plu)), Product.id != (product_id or ""))).first()
    if owner:
        raise ValidationError("plu", QT_TRANSLATE_NOOP("errors", "The PLU {plu} already belongs to {product}."),
                              plu=plu, product=owner.name)


def attach_barcode(target, actor: StaffSession, product_id: str, code: str) -> None:
    """Give a product one more barcode inside the caller's unit of work (e.g. an unknown
    code found during a stocktake), keeping the search index in step; audited."""
    actor.require(Permission.MANAGE_CATALOG)
    conn = dbapi_connection(target)
    code = (code or "").strip()
    if not code:
        raise ValidationError("barcodes", QT_TRANSLATE_NOOP("errors", "Scan or type a barcode."))
    key = barcode_lookup_key(code)
    owner = conn.execute("SELECT p.id, p.name FROM barcodes b JOIN products p ON p.id = b.product_id"
                         " WHERE b.lookup_key = ?", (key,)).fetchone()
    if owner and owner[0] != product_id:
        raise ValidationError("barcodes", QT_TRANSLATE_NOOP("errors", "The barcode {code} already belongs to {product}."),
                              code=code, product=owner[1])
    if owner:
        return
    if conn.execute("SELECT 1 FROM products WHERE id = ?", (product_id,)).fetchone() is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "The product no longer exists."))
    conn.execute("INSERT INTO barcodes (id, product_id, code, lookup_key) VALUES (?, ?, ?, ?)",
                 (new_id(), product_id, code, key))
    search_index.index_products(conn, [product_id])
    audit.record(conn, actor, "catalog.barcode_added", entity_type="product", entity_id=product_id, code=code)


@dataclass(frozen=True)
class ProductDetail:
    product_id: str
    draft: ProductDraft
    parent_id: str | None
    options: dict
    variant_ids: tuple[str, ...]
    image_ids: tuple[str, ...]


@dataclass(frozen=True)
class PriceChangeView:
    at: object
    user: str
    old_price: int | None
    new_price: int
    old_cost: int | None
    new_cost: int
    source: str


class CatalogService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create_product(self, actor: StaffSession, draft: ProductDraft, *, parent_id: str | None = None,
                       options: dict | None = None) -> str:
        actor.require(Permission.MANAGE_CATALOG)
        validate_draft(draft)
        keys = _barcode_keys(draft.barcodes)
        with self.db.unit_of_work() as s:
            return self._create(s, actor, draft, keys, parent_id=parent_id, options=options)

    def _create(self, s: Session, actor: StaffSession, draft: ProductDraft, keys, *, parent_id=None,
                options=None) -> str:
        _check_sku_free(s, draft.sku.strip(), None)
        _check_barcodes_free(s, keys, None)
        _check_plu_free(s, draft.plu.strip(), None)
        product = Product(
            seq=search_index.next_seq(dbapi_connection(s)), sku=draft.sku.strip(), name=draft.name.strip(),
            description=draft.description, price=draft.price, cost=draft.cost, unit=draft.unit,
            active=draft.active, brand=draft.brand.strip(), attributes=json.dumps(draft.attributes, ensure_ascii=False),
            reorder_point=draft.reorder_point, max_stock=draft.max_stock,
            tax_rate_id=tax_rate_id(s, draft.tax_code),
            category_id=category_id(s, draft.category), parent_id=parent_id,
            options=json.dumps(options or {}, ensure_ascii=False), plu=draft.plu.strip() or None,
        )
        s.add(product)
        s.flush()
        for code, key in keys:
            s.add(Barcode(product_id=product.id, code=code, lookup_key=key))
        s.add(PriceChange(product_id=product.id, user_id=actor.user_id, old_price=None, new_price=draft.price,
                          old_cost=None, new_cost=draft.cost, source="create"))
        search_index.index_products(dbapi_connection(s), [product.id])
        audit.record(s, actor, "catalog.product_created", entity_type="product", entity_id=product.id,
                     sku=product.sku, price=product.price)
        return product.id

    def update_product(self, actor: StaffSession, product_id: str, draft: ProductDraft) -> None:
        """Save an edited product; a price or cost change is kept as history and audited."""
        actor.require(Permission.MANAGE_CATALOG)
        validate_draft(draft)
        keys = _barcode_keys(draft.barcodes)
        with self.db.unit_of_work() as s:
            product = s.get(Product, product_id)
            if product is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The product no longer exists."))
            _check_sku_free(s, draft.sku.strip(), product_id)
            _check_barcodes_free(s, keys, product_id)
            _check_plu_free(s, draft.plu.strip(), product_id)
            if (product.price, product.cost) != (draft.price, draft.cost):
                s.add(PriceChange(product_id=product_id, user_id=actor.user_id, old_price=product.price,
                                  new_price=draft.price, old_cost=product.cost, new_cost=draft.cost, source="edit"))
                audit.record(s, actor, "catalog.price_changed", entity_type="product", entity_id=product_id,
                             old_price=product.price, new_price=draft.price, old_cost=product.cost,
                             new_cost=draft.cost)
            product.sku, product.name = draft.sku.strip(), draft.name.strip()
            product.description, product.brand = draft.description, draft.brand.strip()
            product.price, product.cost, product.unit, product.active = draft.price, draft.cost, draft.unit, draft.active
            product.attributes = json.dumps(draft.attributes, ensure_ascii=False)
            product.reorder_point = draft.reorder_point
            product.max_stock = draft.max_stock
            product.plu = draft.plu.strip() or None
            product.tax_rate_id = tax_rate_id(s, draft.tax_code)
            product.category_id = category_id(s, draft.category)
            s.execute(delete(Barcode).where(Barcode.product_id == product_id))
            s.flush()
            for code, key in keys:
                s.add(Barcode(product_id=product_id, code=code, lookup_key=key))
            audit.record(s, actor, "catalog.product_changed", entity_type="product", entity_id=product_id,
                         sku=draft.sku)
            search_index.index_products(dbapi_connection(s), [product_id])

    def create_variants(self, actor: StaffSession, parent_id: str, axes: dict[str, list[str]]) -> list[str]:
        """Generate one variant per combination of option values (size × colour …), each with
        its own SKU, in-store EAN-13, price and stock; existing combinations are kept."""
        actor.require(Permission.MANAGE_CATALOG)
        axes = {name.strip(): [v.strip() for v in values if v.strip()] for name, values in axes.items() if name.strip()}
        if not axes or any(not values for values in axes.values()):
            raise ValidationError("options", QT_TRANSLATE_NOOP(
                "errors", "Give each option a name and at least one value, e.g. Size: S, M, L."))
        with self.db.unit_of_work() as s:
            parent = s.get(Product, parent_id)
            if parent is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The product no longer exists."))
            if parent.parent_id:
                raise ValidationError("options", QT_TRANSLATE_NOOP("errors", "A variant cannot have variants."))
            existing = {json.dumps(json.loads(o), sort_keys=True) for (o,) in
                        s.execute(select(Product.options).where(Product.parent_id == parent_id))}
            parent.options = json.dumps(axes, ensure_ascii=False)
            draft = self._draft_of(s, parent)
            created = []
            for values in cartesian(*axes.values()):
                chosen = dict(zip(axes, values, strict=True))
                if json.dumps(chosen, sort_keys=True) in existing:
                    continue
                suffix = "-".join(v.upper().replace(" ", "") for v in values)
                seq = search_index.next_seq(dbapi_connection(s))
                barcode = make_gtin(f"{IN_STORE_PREFIX}{seq:09d}")
                variant = ProductDraft(
                    sku=f"{parent.sku}-{suffix}", name=f"{parent.name} {' / '.join(values)}", price=parent.price,
                    tax_code=draft.tax_code, cost=parent.cost, barcodes=(barcode,), category=draft.category,
                    unit=parent.unit, description=parent.description, active=parent.active, brand=parent.brand,
                    attributes={**json.loads(parent.attributes or "{}"), **chosen},
                )
                validate_draft(variant)
                created.append(self._create(s, actor, variant, _barcode_keys(variant.barcodes),
                                            parent_id=parent_id, options=chosen))
            return created

    def detail(self, product_id: str) -> ProductDetail:
        with self.db.reader() as s:
            product = s.get(Product, product_id)
            if product is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The product no longer exists."))
            variants = tuple(s.scalars(select(Product.id).where(Product.parent_id == product_id)
                                       .order_by(Product.seq)))
            images = tuple(s.scalars(select(ProductImage.image_id).where(ProductImage.product_id == product_id)
                                     .order_by(ProductImage.position)))
            return ProductDetail(product_id, self._draft_of(s, product), product.parent_id,
                                 json.loads(product.options or "{}"), variants, images)

    @staticmethod
    def _draft_of(s: Session, product: Product) -> ProductDraft:
        codes = tuple(s.scalars(select(Barcode.code).where(Barcode.product_id == product.id).order_by(Barcode.code)))
        tax_code = s.scalar(select(TaxRate.code).where(TaxRate.id == product.tax_rate_id))
        return ProductDraft(
            sku=product.sku, name=product.name, price=product.price, tax_code=tax_code, cost=product.cost,
            barcodes=codes, category=category_path(s, product.category_id) or None, unit=product.unit,
            description=product.description, active=product.active, brand=product.brand,
            attributes=json.loads(product.attributes or "{}"), reorder_point=product.reorder_point,
            max_stock=product.max_stock, plu=product.plu or "",
        )

    def price_history(self, product_id: str) -> list[PriceChangeView]:
        with self.db.reader() as s:
            rows = s.execute(
                select(PriceChange, func.coalesce(User.display_name, ""))
                .outerjoin(User, User.id == PriceChange.user_id)
                .where(PriceChange.product_id == product_id).order_by(PriceChange.at.desc())
            ).all()
            return [PriceChangeView(c.at, name, c.old_price, c.new_price, c.old_cost, c.new_cost, c.source)
                    for c, name in rows]

    def tax_codes(self) -> list[str]:
        with self.db.reader() as s:
            return list(s.scalars(select(TaxRate.code).where(TaxRate.active).order_by(TaxRate.code)))

    def categories(self) -> list[tuple[str, str]]:
        """(id, path) of every category, sorted by path, for pickers and filters."""
        with self.db.reader() as s:
            rows = s.execute(select(Category.id, Category.name, Category.parent_id)).all()
        by_id = {r.id: r for r in rows}

        def path(cid: str) -> str:
            parts = []
            while cid:
                parts.append(by_id[cid].name)
                cid = by_id[cid].parent_id
            return f" {CATEGORY_SEPARATOR} ".join(reversed(parts))

        return sorted(((r.id, path(r.id)) for r in rows), key=lambda item: item[1].casefold())
