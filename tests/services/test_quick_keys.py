"""Quick keys: managers assign products to keys; one touch adds the product to the cart."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage

from shopdesk.domain.errors import NotFound, PermissionDenied, ValidationError
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.product_images import ProductImages
from shopdesk.services.quick_keys import QuickKeyService


def png_bytes() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (300, 200), "orange").save(out, format="PNG")
    return out.getvalue()


def test_set_list_and_clear_keys(store, products, manager):
    keys = QuickKeyService(store)
    ProductImages(store).add(manager, products["BREAD"], png_bytes())
    keys.set(manager, 2, products["BREAD"])
    keys.set(manager, 1, products["MILK-1L"], "  Milk  ")
    listed = keys.list()
    assert [(k.position, k.label, k.price) for k in listed] == [(1, "Milk", 129), (2, "Sourdough bread", 350)]
    assert listed[0].thumbnail is None
    assert listed[1].thumbnail.startswith(b"\x89PNG")
    keys.set(manager, 1, products["SOAP"])  # replaces what was on the key
    assert [(k.position, k.name) for k in keys.list()] == [(1, "Dish soap 500 ml"), (2, "Sourdough bread")]
    keys.clear(manager, 1)
    keys.clear(manager, 1)  # clearing an empty key is fine
    assert [k.position for k in keys.list()] == [2]


def test_only_managers_assign_keys_and_bad_input_is_named(store, products, manager, cashier):
    keys = QuickKeyService(store)
    with pytest.raises(PermissionDenied):
        keys.set(cashier, 1, products["BREAD"])
    with pytest.raises(ValidationError) as err:
        keys.set(manager, 0, products["BREAD"])
    assert err.value.field == "position"
    with pytest.raises(ValidationError) as err:
        keys.set(manager, 1, products["BREAD"], "x" * 41)
    assert err.value.field == "label"
    with pytest.raises(NotFound):
        keys.set(manager, 1, "no-such-product")
    assert keys.list() == []


def test_a_quick_key_adds_its_product_to_the_cart(store, products, manager, cashier, till):
    keys, checkout = QuickKeyService(store), CheckoutService(store)
    keys.set(manager, 5, products["BREAD"], "Bread")
    key = keys.list()[0]
    checkout.add_product(cashier, till.till_id, key.product_id)
    view = checkout.add_product(cashier, till.till_id, key.product_id)
    assert [(line.sku, line.quantity, line.amount) for line in view.lines] == [("BREAD", 2, 700)]
