"""The store's logo on receipts: owners set and remove it, bad files are refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage
from sqlalchemy import func, select

from shopdesk.domain.errors import PermissionDenied, ValidationError
from shopdesk.services.receipts import ReceiptService
from shopdesk.services.store_settings import set_logo, store_logo
from shopdesk.store.models import AuditEntry, Image, StoreSettings


def picture(width: int = 800, height: int = 200, fmt: str = "PNG", color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(out, format=fmt)
    return out.getvalue()


def test_owner_sets_a_logo_stored_once_and_scaled_for_the_paper(store, owner):
    assert store_logo(store) is None
    data = picture(800, 200, "JPEG")
    set_logo(store, owner, data)
    set_logo(store, owner, data)  # the same picture again: nothing new
    png = store_logo(store)
    with PILImage.open(io.BytesIO(png)) as logo:
        assert logo.format == "PNG" and logo.size == (576, 144)
    with store.reader() as s:
        assert s.scalar(select(func.count()).select_from(Image)) == 1
        image = s.scalar(select(Image))
        assert s.scalar(select(StoreSettings.logo_image_id)) == image.id
        assert image.mime == "image/jpeg"
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "settings.logo_changed")) == 1


def test_a_small_logo_is_kept_at_its_size(store, owner):
    set_logo(store, owner, picture(100, 40))
    with PILImage.open(io.BytesIO(store_logo(store))) as logo:
        assert logo.size == (100, 40)


def test_replacing_and_removing_the_logo_drops_the_old_picture(store, owner):
    set_logo(store, owner, picture(color=(1, 2, 3)))
    set_logo(store, owner, picture(color=(4, 5, 6)))
    with store.reader() as s:
        assert s.scalar(select(func.count()).select_from(Image)) == 1
    set_logo(store, owner, None)
    assert store_logo(store) is None
    with store.reader() as s:
        assert s.scalar(select(StoreSettings.logo_image_id)) is None
        assert s.scalar(select(func.count()).select_from(Image)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == "settings.logo_changed")) == 3


def test_a_file_that_is_not_a_picture_is_refused_naming_the_field(store, owner):
    with pytest.raises(ValidationError, match="not a picture") as err:
        set_logo(store, owner, b"%PDF-1.4 this is a PDF, not a logo")
    assert err.value.field == "logo"
    with pytest.raises(ValidationError) as err:
        set_logo(store, owner, b"")
    assert err.value.field == "logo"
    assert store_logo(store) is None


def test_a_logo_file_over_2_mb_is_refused(store, owner):
    with pytest.raises(ValidationError, match="2 MB") as err:
        set_logo(store, owner, picture() + b"\0" * (2 * 1024 * 1024))
    assert err.value.field == "logo"


def test_only_owners_may_set_the_logo(store, owner, manager, cashier):
    for actor in (manager, cashier):
        with pytest.raises(PermissionDenied):
            set_logo(store, actor, picture())
    set_logo(store, owner, picture())
    with pytest.raises(PermissionDenied):
        set_logo(store, cashier, None)
    assert store_logo(store) is not None


def test_receipts_carry_the_logo_to_the_printer(store, owner, tmp_path):
    target = tmp_path / "logo-printer.bin"
    ReceiptService(store).print_test(f"file:{target}")
    assert b"\x1dv0" not in target.read_bytes()
    set_logo(store, owner, picture())
    target.unlink()
    ReceiptService(store).print_test(f"file:{target}")
    assert b"\x1dv0" in target.read_bytes()


def test_a_sales_receipt_and_its_pdf_carry_the_logo(store, products, owner, cashier, till):
    import pymupdf

    from shopdesk.services.checkout import CheckoutService
    from shopdesk.services.payments import PaymentService, Tender

    CheckoutService(store).scan(cashier, till.till_id, "036000291452")
    sale = PaymentService(store).pay(cashier, till.till_id, [Tender("cash", 500)])
    service = ReceiptService(store)
    assert service.receipt_for(sale.sale_id).logo is None
    set_logo(store, owner, picture())
    receipt = service.receipt_for(sale.sale_id, copy=True)
    assert receipt.logo == store_logo(store)
    output = service.issue(sale.sale_id, copy=True)
    with pymupdf.open(output.pdf_path) as document:
        assert len(document[0].get_images()) == 1
