"""Reading and changing the store's own settings (name, address, currency, receipts)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import asdict, dataclass, fields

from sqlalchemy import func, select

from shopdesk.domain.errors import NotFound, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.instore_barcode import Layout, layout_problem
from shopdesk.domain.permissions import Permission
from shopdesk.printing.targets import parse_target
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.counter_models import BarcodeLayout
from shopdesk.store.database import Database
from shopdesk.store.models import Image, ProductImage, StoreSettings, Till


@dataclass(frozen=True)
class StoreInfo:
    name: str
    address: str
    tax_id: str
    currency: str
    locale: str
    prices_include_tax: bool
    receipt_footer: str
    receipt_printer: str
    cash_rounding_step: int = 0  # minor units; 0: cash totals are not rounded


@dataclass(frozen=True)
class TillInfo:
    till_id: str
    code: str
    name: str
    location_id: str


def load_settings(session) -> StoreSettings:
    settings = session.scalar(select(StoreSettings))
    if settings is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "This database has no store yet; run the set-up first."))
    return settings


def store_info(db: Database) -> StoreInfo:
    with db.reader() as s:
        row = load_settings(s)
        return StoreInfo(**{f.name: getattr(row, f.name) for f in fields(StoreInfo)})


EDITABLE = ("name", "address", "tax_id", "receipt_footer", "receipt_printer", "cash_rounding_step")
#: Cash rounding steps a shop can choose (minor units): none, 0.05 (CH, AU, NZ…), 0.10, 0.50, 1.
CASH_ROUNDING_STEPS = (0, 5, 10, 50, 100)


def update_store(db: Database, actor: StaffSession, **changes) -> StoreInfo:
    """Change the store's details; owners only, audited with before and after.

    Currency, locale and the tax basis are not editable here: past sales were priced in
    them, and changing them needs a documented migration of open carts.
    """
    actor.require(Permission.MANAGE_SETTINGS)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"cannot change {sorted(unknown)}")
    changes = {key: (value or "").strip() if isinstance(value, str) else value for key, value in changes.items()}
    if "name" in changes and not changes["name"]:
        raise ValidationError("name", QT_TRANSLATE_NOOP("errors", "Enter the store's name."))
    if "cash_rounding_step" in changes:
        step = changes["cash_rounding_step"]
        if isinstance(step, bool) or not isinstance(step, int) or step not in CASH_ROUNDING_STEPS:
            raise ValidationError("cash_rounding_step", QT_TRANSLATE_NOOP(
                "errors", "Cash can be rounded to 0.05, 0.10, 0.50 or 1.00, or not at all."))
    if "receipt_printer" in changes:
        changes["receipt_printer"] = changes["receipt_printer"] or "none"
        parse_target(changes["receipt_printer"])  # refuses a malformed spec, naming the field
    with db.unit_of_work() as s:
        row = load_settings(s)
        before = {k: getattr(row, k) for k in changes}
        for key, value in changes.items():
            setattr(row, key, value)
        audit.record(s, actor, "settings.changed", entity_type="store", entity_id=row.id,
                     before=before, after=changes)
    return store_info(db)


LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_WIDTH = 576  # px: the printable width of 80 mm paper at 203 dpi


def set_logo(db: Database, actor: StaffSession, data: bytes | None) -> None:
    """Set the logo printed at the top of receipts (None removes it); owners only, audited.

    The picture is stored once by its SHA-256 in ``images``, like product pictures.
    """
    from shopdesk.services.product_images import inspect_image  # Pillow: loaded on use

    actor.require(Permission.MANAGE_SETTINGS)
    digest = mime = None
    if data is not None:
        if len(data) > LOGO_MAX_BYTES:
            raise ValidationError("logo", QT_TRANSLATE_NOOP(
                "errors", "The logo is larger than {mb} MB; save it smaller and try again."),
                mb=LOGO_MAX_BYTES // 2**20)
        try:
            mime, width, height, thumbnail = inspect_image(data)
        except ValidationError as err:  # the same checks as product pictures, naming this field
            raise ValidationError("logo", err.template, **{k: v for k, v in err.params.items()
                                                           if k != "field"}) from None
        digest = hashlib.sha256(data).hexdigest()
    with db.unit_of_work() as s:
        row = load_settings(s)
        old_id = row.logo_image_id
        before = s.scalar(select(Image.sha256).where(Image.id == old_id)) if old_id else None
        image_id = None
        if digest is not None:
            image_id = s.scalar(select(Image.id).where(Image.sha256 == digest))
            if image_id is None:
                image = Image(sha256=digest, mime=mime, width=width, height=height, data=data,
                              thumbnail=thumbnail)
                s.add(image)
                s.flush()
                image_id = image.id
        if image_id == old_id:
            return
        row.logo_image_id = image_id
        s.flush()
        if old_id is not None and not s.scalar(
                select(func.count()).select_from(ProductImage).where(ProductImage.image_id == old_id)):
            s.delete(s.get(Image, old_id))  # no product shows the old logo: it goes
        audit.record(s, actor, "settings.logo_changed", entity_type="store", entity_id=row.id,
                     before=before, after=digest)


def store_logo(db: Database) -> bytes | None:
    """The receipt logo as PNG, at most 576 px wide; None when the store has none."""
    with db.reader() as s:
        image_id = load_settings(s).logo_image_id
        data = s.scalar(select(Image.data).where(Image.id == image_id)) if image_id else None
    if data is None:
        return None
    from PIL import Image as PILImage

    with PILImage.open(io.BytesIO(data)) as picture:
        picture.load()
        logo = picture.convert("RGBA")
    if logo.width > LOGO_MAX_WIDTH:
        logo = logo.resize((LOGO_MAX_WIDTH, max(1, round(logo.height * LOGO_MAX_WIDTH / logo.width))),
                           PILImage.Resampling.LANCZOS)
    out = io.BytesIO()
    logo.save(out, format="PNG")
    return out.getvalue()


def list_layouts(db: Database) -> list[Layout]:
    """How this shop reads in-store codes from its scales (GS1 prefixes 20–29), by prefix.

    A prefix without a layout is not read as an in-store code: its codes are looked up
    as ordinary barcodes.
    """
    with db.reader() as s:
        return [_layout_of(row) for row in s.scalars(select(BarcodeLayout).order_by(BarcodeLayout.prefix))]


def _layout_of(row: BarcodeLayout) -> Layout:
    return Layout(row.prefix, row.kind, row.item_digits, row.value_digits, row.value_decimals,
                  bool(row.price_check_digit))


def set_layout(db: Database, actor: StaffSession, prefix: str, kind: str, item_digits: int = 5,
               value_digits: int = 5, value_decimals: int = 3, price_check_digit: bool = False) -> Layout:
    """Create or change the layout of one prefix; owners only, audited with before and after.

    Item and value digits share the 10 digits between prefix and check digit (9 when the
    layout has a GS1 price check digit, which needs a 4- or 5-digit value).
    """
    actor.require(Permission.MANAGE_SETTINGS)
    layout = Layout((prefix or "").strip(), (kind or "").strip().lower(), item_digits, value_digits,
                    value_decimals, bool(price_check_digit))
    problem = layout_problem(layout)
    if problem is not None:
        field, template, params = problem
        raise ValidationError(field, template, **params)
    with db.unit_of_work() as s:
        row = s.get(BarcodeLayout, layout.prefix)
        before = None if row is None else asdict(_layout_of(row))
        if row is None:
            row = BarcodeLayout(prefix=layout.prefix)
            s.add(row)
        row.kind, row.item_digits, row.value_digits = layout.kind, layout.item_digits, layout.value_digits
        row.value_decimals, row.price_check_digit = layout.value_decimals, layout.price_check_digit
        s.flush()
        audit.record(s, actor, "settings.barcode_layout_changed", entity_type="barcode_layout",
                     entity_id=layout.prefix, before=before, after=asdict(layout))
    return layout


def remove_layout(db: Database, actor: StaffSession, prefix: str) -> None:
    """Stop reading a prefix as in-store codes (its codes become ordinary barcodes); owners only."""
    actor.require(Permission.MANAGE_SETTINGS)
    with db.unit_of_work() as s:
        row = s.get(BarcodeLayout, (prefix or "").strip())
        if row is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "No barcode layout has the prefix {prefix}."), prefix=prefix)
        before = asdict(_layout_of(row))
        s.delete(row)
        audit.record(s, actor, "settings.barcode_layout_removed", entity_type="barcode_layout",
                     entity_id=row.prefix, before=before)


def tills(db: Database) -> list[TillInfo]:
    with db.reader() as s:
        return [TillInfo(t.id, t.code, t.name, t.location_id)
                for t in s.scalars(select(Till).order_by(Till.code))]


def till_by_code(db: Database, code: str | None) -> TillInfo:
    """The till this machine works as: the one named, else the first."""
    all_tills = tills(db)
    if not all_tills:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "This store has no till; run the set-up first."))
    if code is None:
        return all_tills[0]
    for till in all_tills:
        if till.code.lower() == code.lower():
            return till
    raise NotFound(
        QT_TRANSLATE_NOOP("errors", "No till has the code {code}. Known tills: {known}."),
        code=code, known=", ".join(t.code for t in all_tills),
    )
