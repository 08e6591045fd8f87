"""Product pictures: each stored once by its content hash (SHA-256), however many products
show it, with a small PNG thumbnail made when it is added."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image as PILImage
from PIL import UnidentifiedImageError
from sqlalchemy import func, select

from shopdesk.domain.errors import NotFound, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.models import Image, Product, ProductImage

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuses decompression bombs before decoding them
THUMBNAIL_PX = 128
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}


@dataclass(frozen=True)
class Thumbnail:
    image_id: str
    png: bytes
    width: int
    height: int


def inspect_image(data: bytes) -> tuple[str, int, int, bytes]:
    """(mime, width, height, thumbnail PNG) of picture bytes, or a clear ValidationError."""
    if not data:
        raise ValidationError("image", QT_TRANSLATE_NOOP("errors", "The file is empty."))
    if len(data) > MAX_BYTES:
        raise ValidationError("image", QT_TRANSLATE_NOOP(
            "errors", "The picture is larger than {mb} MB; save it smaller and try again."), mb=MAX_BYTES // 2**20)
    try:
        with PILImage.open(io.BytesIO(data)) as probe:
            kind, (width, height) = probe.format, probe.size
            if width * height > MAX_PIXELS:
                raise ValidationError("image", QT_TRANSLATE_NOOP(
                    "errors", "The picture has too many pixels ({w} × {h})."), w=width, h=height)
            probe.verify()
        with PILImage.open(io.BytesIO(data)) as picture:
            picture.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            out = io.BytesIO()
            picture.convert("RGBA").save(out, format="PNG")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, PILImage.DecompressionBombError):
        raise ValidationError("image", QT_TRANSLATE_NOOP(
            "errors", "This file is not a picture ShopDesk can read (use PNG, JPEG, WebP or GIF).")) from None
    if kind not in FORMATS:
        raise ValidationError("image", QT_TRANSLATE_NOOP(
            "errors", "{kind} pictures are not supported; use PNG, JPEG, WebP or GIF."), kind=kind)
    return FORMATS[kind], width, height, out.getvalue()


class ProductImages:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, actor: StaffSession, product_id: str, data: bytes) -> str:
        actor.require(Permission.MANAGE_CATALOG)
        mime, width, height, thumbnail = inspect_image(data)
        digest = hashlib.sha256(data).hexdigest()
        with self.db.unit_of_work() as s:
            if s.get(Product, product_id) is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The product no longer exists."))
            image_id = s.scalar(select(Image.id).where(Image.sha256 == digest))
            if image_id is None:
                image = Image(sha256=digest, mime=mime, width=width, height=height, data=data, thumbnail=thumbnail)
                s.add(image)
                s.flush()
                image_id = image.id
            if s.get(ProductImage, (product_id, image_id)) is None:
                position = s.scalar(select(func.coalesce(func.max(ProductImage.position), -1))
                                    .where(ProductImage.product_id == product_id)) + 1
                s.add(ProductImage(product_id=product_id, image_id=image_id, position=position))
                audit.record(s, actor, "catalog.image_added", entity_type="product", entity_id=product_id,
                             sha256=digest)
            return image_id

    def remove(self, actor: StaffSession, product_id: str, image_id: str) -> None:
        """Take the picture off the product; the stored picture goes when no product shows it."""
        actor.require(Permission.MANAGE_CATALOG)
        with self.db.unit_of_work() as s:
            link = s.get(ProductImage, (product_id, image_id))
            if link is None:
                return
            s.delete(link)
            s.flush()
            if not s.scalar(select(func.count()).select_from(ProductImage).where(ProductImage.image_id == image_id)):
                s.delete(s.get(Image, image_id))

    def thumbnails(self, product_id: str) -> list[Thumbnail]:
        with self.db.reader() as s:
            rows = s.execute(
                select(Image.id, Image.thumbnail, Image.width, Image.height)
                .join(ProductImage, ProductImage.image_id == Image.id)
                .where(ProductImage.product_id == product_id).order_by(ProductImage.position)
            ).all()
            return [Thumbnail(*row) for row in rows]

    def original(self, image_id: str) -> tuple[str, bytes]:
        with self.db.reader() as s:
            image = s.get(Image, image_id)
            if image is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The picture no longer exists."))
            return image.mime, image.data
