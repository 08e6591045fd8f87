"""Scale labels at the till: GS1 in-store codes (prefixes 20–29) read by the shop's
layouts, found by the product's PLU, and the PLU and layout settings behind them."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from shopdesk.domain.errors import InvalidBarcode, PermissionDenied, UnknownBarcode, ValidationError
from shopdesk.domain.gtin import make_gtin
from shopdesk.domain.instore_barcode import Layout, make_code
from shopdesk.services import store_settings
from shopdesk.services.catalog import CatalogService, ProductDraft
from shopdesk.services.checkout import CheckoutService
from shopdesk.store.models import AuditEntry

CHEESE = ProductDraft(sku="CHEESE", name="Mountain cheese", price=1299, tax_code="RED", unit="kg", plu="1234")
EGGS = ProductDraft(sku="EGGS", name="Free-range egg", price=35, tax_code="RED", unit="piece", plu="77")
HAM = ProductDraft(sku="HAM", name="Smoked ham", price=2999, tax_code="RED", unit="kg", plu="555")
CAKE = ProductDraft(sku="CAKE", name="Cake slice", price=250, tax_code="RED", unit="piece", plu="9")

WEIGHT_1250 = make_gtin("21" + "01234" + "01250")   # PLU 01234, 1.250 kg
PRICE_499 = make_gtin("24" + "01234" + "00499")     # PLU 01234, 4.99 printed


@pytest.fixture
def weighed(store, owner, products):
    catalog = CatalogService(store)
    return {d.sku: catalog.create_product(owner, d) for d in (CHEESE, EGGS, HAM, CAKE)}


def lines(view):
    return [(line.sku, line.quantity, line.unit_price, line.amount) for line in view.lines]


def test_weight_label_adds_the_weight_at_the_shelf_price(store, weighed, cashier, till):
    view = CheckoutService(store).scan(cashier, till.till_id, WEIGHT_1250)
    assert lines(view) == [("CHEESE", Decimal("1.25"), 1299, 1624)]   # 16.2375 → 16.24
    assert view.last_line_id == view.lines[0].line_id


def test_each_weight_label_is_its_own_line(store, weighed, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, WEIGHT_1250)
    view = checkout.scan(cashier, till.till_id, WEIGHT_1250)
    assert lines(view) == [("CHEESE", Decimal("1.25"), 1299, 1624)] * 2
    assert view.last_line_id == view.lines[1].line_id
    assert view.total == 2 * 1624


def test_scale_noise_around_the_code_is_ignored(store, weighed, cashier, till):
    view = CheckoutService(store).scan(cashier, till.till_id, f" {WEIGHT_1250}\r")
    assert lines(view) == [("CHEESE", Decimal("1.25"), 1299, 1624)]


def test_price_label_on_weighed_goods_charges_the_printed_price_exactly(store, weighed, cashier, till):
    view = CheckoutService(store).scan(cashier, till.till_id, PRICE_499)
    # 4.99 / 12.99 = 0.38414… → 0.384 kg; 0.384 × 1299 = 498.816 → 499.
    assert lines(view) == [("CHEESE", Decimal("0.384"), 1299, 499)]
    assert view.total == 499


def test_price_label_that_no_weight_can_hit_becomes_one_at_the_printed_price(store, weighed, cashier, till):
    # 29.99/kg: 0.017 kg → 50.983 → 51, 0.016 kg → 47.984 → 48; nothing gives 0.50.
    view = CheckoutService(store).scan(cashier, till.till_id, make_gtin("25" + "00555" + "00050"))
    assert lines(view) == [("HAM", Decimal(1), 50, 50)]


def test_price_label_on_piece_goods_is_one_at_the_printed_price(store, weighed, cashier, till):
    view = CheckoutService(store).scan(cashier, till.till_id, make_gtin("26" + "00009" + "00199"))
    assert lines(view) == [("CAKE", Decimal(1), 199, 199)]


def test_count_label_adds_that_many(store, weighed, cashier, till):
    view = CheckoutService(store).scan(cashier, till.till_id, make_gtin("27" + "00077" + "00012"))
    assert lines(view) == [("EGGS", Decimal(12), 35, 420)]


def test_weight_label_for_a_product_sold_by_piece_is_refused(store, weighed, cashier, till):
    checkout = CheckoutService(store)
    with pytest.raises(ValidationError, match="sold by piece"):
        checkout.scan(cashier, till.till_id, make_gtin("21" + "00077" + "01000"))
    assert checkout.current_cart(cashier, till.till_id).is_empty


def test_zero_weight_is_refused(store, weighed, cashier, till):
    with pytest.raises(ValidationError) as err:
        CheckoutService(store).scan(cashier, till.till_id, make_gtin("21" + "01234" + "00000"))
    assert err.value.field == "quantity"


def test_unknown_plu_is_refused_and_nothing_is_added(store, weighed, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, WEIGHT_1250)
    code = make_gtin("21" + "04321" + "01250")
    with pytest.raises(UnknownBarcode, match=code):
        checkout.scan(cashier, till.till_id, code)
    assert len(checkout.current_cart(cashier, till.till_id).lines) == 1


def test_wrong_check_digit_on_a_label_is_a_misscan(store, weighed, cashier, till):
    wrong = WEIGHT_1250[:-1] + str((int(WEIGHT_1250[-1]) + 1) % 10)
    with pytest.raises(InvalidBarcode, match="check digit"):
        CheckoutService(store).scan(cashier, till.till_id, wrong)


def test_a_prefix_without_layout_is_an_ordinary_barcode(store, owner, weighed, cashier, till):
    code = make_gtin("28" + "01234" + "01250")
    checkout = CheckoutService(store)
    with pytest.raises(UnknownBarcode):
        checkout.scan(cashier, till.till_id, code)
    pid = CatalogService(store).create_product(owner, ProductDraft(
        sku="TEA", name="Loose tea", price=450, barcodes=(code,)))
    view = checkout.scan(cashier, till.till_id, code)
    assert [line.product_id for line in view.lines] == [pid]


def test_a_barcode_in_the_catalog_wins_over_the_layout(store, owner, weighed, cashier, till):
    code = make_gtin("21" + "09999" + "00001")
    CatalogService(store).create_product(owner, ProductDraft(sku="BOX", name="Gift box", price=500,
                                                             barcodes=(code,)))
    view = CheckoutService(store).scan(cashier, till.till_id, code)
    assert lines(view) == [("BOX", Decimal(1), 500, 500)]


def test_normal_ean_still_works_next_to_labels(store, weighed, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, "4006381333931")
    checkout.scan(cashier, till.till_id, WEIGHT_1250)
    view = checkout.scan(cashier, till.till_id, "4006381333931")
    assert [(line.sku, line.quantity) for line in view.lines] == [
        ("MILK-1L", 2), ("CHEESE", Decimal("1.25"))]


def test_a_stored_plu_with_leading_zeros_is_found(store, owner, products, cashier, till):
    CatalogService(store).create_product(owner, replace(CHEESE, plu="001234"))
    view = CheckoutService(store).scan(cashier, till.till_id, WEIGHT_1250)
    assert lines(view) == [("CHEESE", Decimal("1.25"), 1299, 1624)]


def test_the_label_sells_and_takes_the_weight_off_stock(store, weighed, cashier, till):
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, WEIGHT_1250)
    result = checkout.pay_cash(cashier, till.till_id, 2000)
    assert result.change == 2000 - 1624


def test_layout_with_price_check_digit(store, owner, weighed, cashier, till):
    store_settings.set_layout(store, owner, "26", "price", 4, 5, 2, price_check_digit=True)
    checkout = CheckoutService(store)
    code = make_code("26", "1234", "00499", price_check=True)
    assert lines(checkout.scan(cashier, till.till_id, code)) == [("CHEESE", Decimal("0.384"), 1299, 499)]
    bad = make_gtin(code[:6] + str((int(code[6]) + 1) % 10) + code[7:12])
    with pytest.raises(InvalidBarcode, match="price check digit"):
        checkout.scan(cashier, till.till_id, bad)
    assert len(checkout.current_cart(cashier, till.till_id).lines) == 1


# -- layouts in the settings ----------------------------------------------------------------
def test_seeded_layouts(store):
    assert store_settings.list_layouts(store) == [
        *(Layout(p, "weight", 5, 5, 3) for p in ("21", "22", "23")),
        *(Layout(p, "price", 5, 5, 2) for p in ("24", "25", "26")),
        Layout("27", "count", 5, 5, 0),
    ]


def test_owner_sets_and_removes_a_layout_audited(store, owner):
    store_settings.set_layout(store, owner, "28", "weight", 4, 6, 3)
    assert Layout("28", "weight", 4, 6, 3) in store_settings.list_layouts(store)
    store_settings.remove_layout(store, owner, "28")
    assert all(layout.prefix != "28" for layout in store_settings.list_layouts(store))
    with store.reader() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "barcode_layout")))
        details = json.loads(s.scalar(select(AuditEntry.details).where(
            AuditEntry.action == "settings.barcode_layout_changed")))
    assert actions == ["settings.barcode_layout_changed", "settings.barcode_layout_removed"]
    assert details["after"]["item_digits"] == 4 and details["before"] is None


def test_removed_layout_makes_the_prefix_an_ordinary_barcode(store, owner, weighed, cashier, till):
    store_settings.remove_layout(store, owner, "21")
    with pytest.raises(UnknownBarcode):
        CheckoutService(store).scan(cashier, till.till_id, WEIGHT_1250)


def test_only_owners_change_layouts(store, manager):
    with pytest.raises(PermissionDenied):
        store_settings.set_layout(store, manager, "28", "weight", 5, 5, 3)


@pytest.mark.parametrize("args, field", [
    (("30", "weight", 5, 5, 3, False), "prefix"),
    (("21", "volume", 5, 5, 3, False), "kind"),
    (("21", "weight", 5, 4, 3, False), "value_digits"),
    (("21", "price", 5, 5, 2, True), "value_digits"),       # 9 digits with a price check digit
    (("21", "price", 3, 6, 2, True), "price_check_digit"),  # check digit needs 4 or 5 digits
    (("21", "weight", 5, 5, 4, False), "value_decimals"),
])
def test_bad_layouts_are_refused_naming_the_field(store, owner, args, field):
    with pytest.raises(ValidationError) as err:
        store_settings.set_layout(store, owner, *args)
    assert err.value.field == field
    assert Layout("21", "weight", 5, 5, 3) in store_settings.list_layouts(store)


# -- the PLU on the product -----------------------------------------------------------------
def test_plu_is_saved_and_shown(store, owner):
    catalog = CatalogService(store)
    pid = catalog.create_product(owner, CHEESE)
    assert catalog.detail(pid).draft.plu == "1234"
    catalog.update_product(owner, pid, replace(CHEESE, plu=" 4321 "))
    assert catalog.detail(pid).draft.plu == "4321"
    catalog.update_product(owner, pid, replace(CHEESE, plu=""))
    assert catalog.detail(pid).draft.plu == ""


@pytest.mark.parametrize("plu", ["12a4", "1234567", "-12", "1.5", "١٢٣"])
def test_plu_must_be_one_to_six_digits(store, owner, plu):
    with pytest.raises(ValidationError) as err:
        CatalogService(store).create_product(owner, replace(CHEESE, plu=plu))
    assert err.value.field == "plu"


@pytest.mark.parametrize("plu", ["1234", "01234", "001234"])
def test_plu_is_unique_as_a_number(store, owner, plu):
    catalog = CatalogService(store)
    catalog.create_product(owner, CHEESE)
    with pytest.raises(ValidationError, match="already belongs to Mountain cheese") as err:
        catalog.create_product(owner, replace(HAM, plu=plu))
    assert err.value.field == "plu"
    other = catalog.create_product(owner, HAM)
    with pytest.raises(ValidationError) as err:
        catalog.update_product(owner, other, replace(HAM, plu=plu))
    assert err.value.field == "plu"


def test_a_product_keeps_its_own_plu_on_edit(store, owner):
    catalog = CatalogService(store)
    pid = catalog.create_product(owner, CHEESE)
    catalog.update_product(owner, pid, replace(CHEESE, price=1399, plu="01234"))
    assert catalog.detail(pid).draft.plu == "01234"


def test_a_later_plain_scan_never_grows_a_weighed_line(store, owner, cashier, till):
    """1.25 kg from the scale stays 1.25 kg when the same product is then picked by hand."""
    from shopdesk.domain.instore_barcode import make_code
    from shopdesk.services.catalog import CatalogService, ProductDraft
    from shopdesk.services.checkout import CheckoutService

    pid = CatalogService(store).create_product(owner, ProductDraft(
        sku="CHEESE", name="Gouda", price=1299, tax_code="RED", unit="kg", plu="4321"))
    checkout = CheckoutService(store)
    checkout.scan(cashier, till.till_id, make_code("21", "04321", "01250"))
    view = checkout.add_product(cashier, till.till_id, pid)
    assert sorted(line.quantity for line in view.lines) == [1, Decimal("1.25")]
