"""Product pictures: stored once by content hash, thumbnails, bad files refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from shopdesk.domain.errors import PermissionDenied, ValidationError
from shopdesk.services.product_images import ProductImages
from shopdesk.store.models import Image


def png(width=400, height=300, colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def count_images(db) -> int:
    with db.reader() as s:
        return s.scalar(select(func.count()).select_from(Image))


def test_the_same_picture_is_stored_once_for_many_products(store, products, manager):
    images = ProductImages(store)
    picture = png()
    first = images.add(manager, products["MILK-1L"], picture)
    second = images.add(manager, products["BREAD"], picture)
    again = images.add(manager, products["MILK-1L"], picture)
    assert first == second == again and count_images(store) == 1
    thumb = images.thumbnails(products["BREAD"])[0]
    assert (thumb.width, thumb.height) == (400, 300)
    with PILImage.open(io.BytesIO(thumb.png)) as small:
        assert max(small.size) == 128


def test_removing_keeps_a_shared_picture_and_drops_an_unused_one(store, products, manager):
    images = ProductImages(store)
    shared = images.add(manager, products["MILK-1L"], png())
    images.add(manager, products["BREAD"], png())
    images.remove(manager, products["MILK-1L"], shared)
    assert count_images(store) == 1 and images.thumbnails(products["MILK-1L"]) == []
    images.remove(manager, products["BREAD"], shared)
    assert count_images(store) == 0


@pytest.mark.parametrize("data", [b"", b"not a picture at all", b"\x89PNG\r\n\x1a\n" + b"\0" * 50,
                                  b"GIF89a" + b"\xff" * 20])
def test_files_that_are_not_pictures_are_refused(store, products, manager, data):
    with pytest.raises(ValidationError) as err:
        ProductImages(store).add(manager, products["SOAP"], data)
    assert err.value.field == "image"
    assert count_images(store) == 0


def test_only_catalog_managers_add_pictures(store, products, cashier):
    with pytest.raises(PermissionDenied):
        ProductImages(store).add(cashier, products["SOAP"], png())
