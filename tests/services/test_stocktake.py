"""Stocktakes: snapshot, counting by several counters, trading during the count, posting."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shopdesk.domain.errors import InvalidBarcode, PermissionDenied, StateError, ValidationError
from shopdesk.services import stock
from shopdesk.services.catalog import CatalogService, ProductDraft
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.stocktake import StocktakeService, StocktakeSpec
from shopdesk.services.stocktake_review import StocktakeReview
from shopdesk.store.models import AuditEntry, Barcode, Product, StockMovement
from shopdesk.store.stockroom_models import StockBin
from shopdesk.store.types import new_id

MILK, BREAD, SOAP, NIUNAI = "4006381333931", "036000291452", "96385074", "6901234567892"


def floor(db, product_id) -> Decimal:
    with db.reader() as s:
        return stock.on_hand(s, product_id, stock.location_id(s, "FLOOR"))


@pytest.fixture
def counts(store):
    return StocktakeService(store)


@pytest.fixture
def review(store):
    return StocktakeReview(store)


def sell(db, cashier, till, code, times=1):
    checkout = CheckoutService(db)
    for _ in range(times):
        checkout.scan(cashier, till.till_id, code)
    view = checkout.current_cart(cashier, till.till_id)
    checkout.pay_cash(cashier, till.till_id, view.total)


def test_full_count_snapshots_every_product_with_stock_at_the_location(store, products, clerk, manager, counts,
                                                                      review):
    st = counts.start(clerk, StocktakeSpec("floor"))
    summary = review.summary(manager, st)
    assert summary.number == "ST-000001" and summary.location_code == "FLOOR"
    assert summary.lines == 4 and summary.counted_lines == 0
    lines = review.lines(manager, st, order="product")
    assert {line.snapshot for line in lines} == {Decimal(10)}


def test_scans_add_up_and_posting_adjusts_only_the_difference(store, products, clerk, manager, counts, review):
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    for _ in range(8):
        counts.count_code(clerk, st, MILK)
    counts.count_code(clerk, st, BREAD, 10)
    counts.count_code(clerk, st, SOAP, Decimal(12))
    counts.count_code(clerk, st, NIUNAI, 10)

    lines = {line.sku: line for line in review.lines(manager, st)}
    assert lines["MILK-1L"].counted == 8 and lines["MILK-1L"].variance == -2
    assert lines["SOAP"].variance == 2
    # sorted by value: soap (2 × cost) vs milk (−2 × cost), both cost 0 here → by quantity, then SKU
    result = counts.post(manager, st)
    assert result.adjusted_lines == 2
    assert (result.quantity_gained, result.quantity_lost) == (2, 2)
    assert floor(store, products["MILK-1L"]) == 8
    assert floor(store, products["SOAP"]) == 12
    assert floor(store, products["BREAD"]) == 10
    assert stock.verify(store) == []
    with store.reader() as s:
        reasons = set(s.scalars(select(StockMovement.reason).where(StockMovement.document_id == st)))
    assert reasons == {"stocktake"}


def test_sales_during_the_count_make_no_false_variance(store, products, clerk, manager, cashier, till, counts,
                                                       review):
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    sell(store, cashier, till, MILK, times=3)  # sold after the snapshot, before the milk is counted
    counts.count_code(clerk, st, MILK, 7)  # the shelf now really has 7
    sell(store, cashier, till, MILK, times=2)  # sold after the count: must stay sold
    line = next(v for v in review.lines(manager, st) if v.sku == "MILK-1L")
    assert (line.snapshot, line.moved_during_count, line.expected, line.variance) == (10, -3, 7, 0)
    counts.post(manager, st, uncounted="keep")
    assert floor(store, products["MILK-1L"]) == 5
    assert stock.verify(store) == []


def test_counters_on_several_devices_and_zones_are_merged_not_overwritten(store, products, clerk, manager,
                                                                          counts, review):
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    counts.count_code(clerk, st, MILK, 4, zone="aisle 1", device="handheld-1")
    counts.count_code(manager, st, MILK, 3, zone="aisle 2", device="till-pc")
    counts.set_count(clerk, st, products["MILK-1L"], 5, zone="aisle 1", device="handheld-1")  # own correction
    counts.count_code(manager, st, MILK, 1, zone="aisle 1", device="till-pc")  # someone else, same zone
    zones = review.zone_counts(st, products["MILK-1L"])
    assert [(z.zone, z.device, z.quantity) for z in zones] == [
        ("AISLE 1", "handheld-1", 5), ("AISLE 1", "till-pc", 1), ("AISLE 2", "till-pc", 3)]
    line = next(v for v in review.lines(manager, st) if v.sku == "MILK-1L")
    assert line.counted == 9


def test_taking_back_a_miscount_cannot_make_a_zone_negative(store, products, clerk, counts):
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    counts.count_code(clerk, st, MILK, 2, zone="A")
    assert counts.count_code(clerk, st, MILK, -1, zone="A").counted == 1
    with pytest.raises(ValidationError) as err:
        counts.count_code(clerk, st, MILK, -2, zone="A")
    assert err.value.field == "quantity"


@pytest.mark.parametrize("bad", [Decimal("1e9"), Decimal("0.0001"), Decimal(0), Decimal("NaN")])
def test_absurd_quantities_are_refused_and_nothing_is_written(store, products, clerk, manager, counts, review, bad):
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    with pytest.raises(ValidationError):
        counts.count_code(clerk, st, MILK, bad)
    assert review.summary(manager, st).counted_lines == 0


def test_misread_barcode_is_refused_but_unknown_codes_are_kept_to_resolve(store, products, clerk, manager, owner,
                                                                         counts, review):
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    with pytest.raises(InvalidBarcode):
        counts.count_code(clerk, st, "4006381333932")  # wrong check digit
    result = counts.count_code(clerk, st, "5012345678900", 3, zone="B")
    assert result.unknown
    [unknown] = review.unknown_codes(st)
    assert (unknown.code, unknown.quantity, unknown.zone) == ("5012345678900", 3, "B")

    with pytest.raises(StateError):  # not posted while a code is unresolved
        counts.post(manager, st)
    with pytest.raises(PermissionDenied):  # a clerk may not change the catalog
        counts.resolve_unknown(clerk, unknown.id, products["SOAP"], add_barcode=True)

    counts.resolve_unknown(owner, unknown.id, products["SOAP"], add_barcode=True)
    assert review.unknown_codes(st) == []
    line = next(v for v in review.lines(manager, st) if v.sku == "SOAP")
    assert line.counted == 3
    with store.reader() as s:
        assert s.scalar(select(Barcode.product_id).where(Barcode.code == "5012345678900")) == products["SOAP"]
    # the next scan of that code finds the product
    assert counts.count_code(clerk, st, "5012345678900").product_id == products["SOAP"]


def test_dismissing_an_unknown_code_needs_a_manager_and_is_audited(store, products, clerk, manager, counts, review):
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    counts.count_code(clerk, st, "SHELF-LABEL-7")
    [unknown] = review.unknown_codes(st)
    with pytest.raises(PermissionDenied):
        counts.dismiss_unknown(clerk, unknown.id)
    counts.dismiss_unknown(manager, unknown.id)
    assert review.summary(manager, st).open_unknown_codes == 0
    with store.reader() as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "stocktake.unknown_dismissed")) == 1


def test_a_product_not_in_the_snapshot_is_added_when_found(store, products, clerk, manager, owner, counts, review):
    new = CatalogService(store).create_product(owner, ProductDraft(
        sku="CANDLE", name="Candle", price=500, tax_code="STD", barcodes=("4012345678901",)))
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    counts.count_code(clerk, st, "4012345678901", 2)
    line = next(v for v in review.lines(manager, st) if v.sku == "CANDLE")
    assert line.found_during_count and line.snapshot == 0 and line.variance == 2
    counts.post(manager, st)
    assert floor(store, new) == 2


def test_uncounted_lines_go_to_zero_in_a_full_count_and_stay_in_a_cycle_count(store, products, clerk, manager,
                                                                              counts):
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    counts.count_code(clerk, st, MILK, 10)
    counts.post(manager, st)
    assert floor(store, products["BREAD"]) == 0
    assert floor(store, products["MILK-1L"]) == 10
    assert stock.verify(store) == []


def test_blind_count_hides_expected_quantities_from_counters(store, products, clerk, manager, counts, review):
    st = counts.start(clerk, StocktakeSpec("FLOOR", blind=True))
    counts.count_code(clerk, st, MILK, 3)
    [line] = [v for v in review.lines(clerk, st) if v.sku == "MILK-1L"]
    assert line.counted == 3
    assert (line.snapshot, line.expected, line.variance, line.value) == (None, None, None, None)
    assert review.summary(clerk, st).value is None
    assert review.lines(clerk, st, only="variances") == []
    assert next(v for v in review.lines(manager, st) if v.sku == "MILK-1L").variance == -7


def test_cycle_count_by_bin_prefix_and_by_category(store, products, clerk, manager, counts, review):
    with store.unit_of_work() as s:
        floor_id = stock.location_id(s, "FLOOR")
        s.add(StockBin(product_id=products["MILK-1L"], location_id=floor_id, bin="A3-01"))
        s.add(StockBin(product_id=products["BREAD"], location_id=floor_id, bin="A3-02"))
        s.add(StockBin(product_id=products["SOAP"], location_id=floor_id, bin="B1-01"))
    st = counts.start(clerk, StocktakeSpec("FLOOR", scope="cycle", bin_prefix="a3"))
    assert {v.sku for v in review.lines(manager, st)} == {"MILK-1L", "BREAD"}
    assert [v.bin for v in review.lines(manager, st, order="bin")] == ["A3-01", "A3-02"]
    # a second cycle count of another part may run alongside; a full count may not
    st2 = counts.start(clerk, StocktakeSpec("FLOOR", scope="cycle", bin_prefix="B1"))
    assert {v.sku for v in review.lines(manager, st2)} == {"SOAP"}
    with pytest.raises(StateError):
        counts.start(clerk, StocktakeSpec("FLOOR"))
    # posting a cycle count leaves the uncounted lines alone
    counts.count_code(clerk, st, MILK, 9)
    counts.post(manager, st)
    assert floor(store, products["MILK-1L"]) == 9 and floor(store, products["BREAD"]) == 10


def test_not_counted_for_n_days_skips_what_was_counted_recently(store, products, clerk, manager, counts, review):
    st = counts.start(clerk, StocktakeSpec("FLOOR", scope="cycle", bin_prefix="", not_counted_days=30))
    assert review.summary(manager, st).lines == 4
    counts.count_code(clerk, st, MILK, 10)
    counts.post(manager, st)
    st2 = counts.start(clerk, StocktakeSpec("FLOOR", scope="cycle", not_counted_days=30))
    assert {v.sku for v in review.lines(manager, st2)} == {"BREAD", "SOAP", "NIUNAI"}


def test_a_location_under_a_full_count_cannot_get_a_second_count(store, products, clerk, counts):
    counts.start(clerk, StocktakeSpec("FLOOR"))
    with pytest.raises(StateError, match="already being counted"):
        counts.start(clerk, StocktakeSpec("FLOOR"))
    with pytest.raises(StateError):
        counts.start(clerk, StocktakeSpec("FLOOR", scope="cycle", bin_prefix="A"))
    counts.start(clerk, StocktakeSpec("BACK"))  # another location is fine


def test_bad_specs_are_refused(store, products, clerk, counts):
    with pytest.raises(ValidationError) as err:
        counts.start(clerk, StocktakeSpec("FLOOR", scope="cycle"))
    assert err.value.field == "scope"
    with pytest.raises(ValidationError):
        counts.start(clerk, StocktakeSpec("CUSTOMER"))
    with pytest.raises(ValidationError) as err:
        counts.start(clerk, StocktakeSpec("FLOOR", scope="cycle", not_counted_days=-3))
    assert err.value.field == "not_counted_days"


def test_posting_needs_a_manager_and_happens_once(store, products, clerk, cashier, manager, counts):
    with pytest.raises(PermissionDenied):
        counts.start(cashier, StocktakeSpec("FLOOR"))
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    counts.count_code(clerk, st, MILK, 12)
    with pytest.raises(PermissionDenied):
        counts.post(clerk, st)
    counts.post(manager, st, uncounted="keep")
    with pytest.raises(StateError, match="cannot be posted again"):
        counts.post(manager, st)
    with pytest.raises(StateError):
        counts.count_code(clerk, st, MILK)
    assert floor(store, products["MILK-1L"]) == 12
    with store.reader() as s:
        assert s.scalar(select(func.count()).select_from(StockMovement)
                        .where(StockMovement.document_id == st)) == 1


def test_recount_starts_a_new_round_and_keeps_the_old_entries(store, products, clerk, manager, counts, review):
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    counts.count_code(clerk, st, MILK, 4)
    assert counts.recount(manager, st, [products["MILK-1L"]]) == 1
    line = next(v for v in review.lines(manager, st) if v.sku == "MILK-1L")
    assert line.counted is None and line.round == 2
    counts.count_code(clerk, st, MILK, 10)
    assert next(v for v in review.lines(manager, st) if v.sku == "MILK-1L").variance == 0
    counts.set_note(manager, st, products["MILK-1L"], "Recounted: 6 were behind the crates")
    assert next(v for v in review.lines(manager, st) if v.sku == "MILK-1L").note.startswith("Recounted")


def test_variances_are_sorted_by_value(store, products, clerk, manager, counts, review):
    with store.unit_of_work() as s:
        for sku, cost in (("MILK-1L", 80), ("BREAD", 200), ("SOAP", 100), ("NIUNAI", 600)):
            s.get(Product, products[sku]).cost = cost
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    counts.count_code(clerk, st, MILK, 5)    # −5 × 0.80 = −4.00
    counts.count_code(clerk, st, BREAD, 9)   # −1 × 2.00 = −2.00
    counts.count_code(clerk, st, SOAP, 16)   # +6 × 1.00 = +6.00
    counts.count_code(clerk, st, NIUNAI, 10)
    ordered = [(v.sku, v.value) for v in review.lines(manager, st, only="variances")]
    assert ordered == [("SOAP", 600), ("MILK-1L", -400), ("BREAD", -200)]
    summary = review.summary(manager, st)
    assert (summary.variance_lines, summary.value) == (3, 0)
    counts.post(manager, st)
    posted = review.summary(manager, st)
    assert (posted.status, posted.variance_lines, posted.quantity_gained, posted.quantity_lost, posted.value) == (
        "posted", 3, 6, 6, 0)


def test_cancelled_count_adjusts_nothing(store, products, clerk, manager, counts, review):
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    counts.count_code(clerk, st, MILK, 1)
    counts.cancel(manager, st)
    assert floor(store, products["MILK-1L"]) == 10
    assert review.summary(manager, st).status == "cancelled"
    counts.start(clerk, StocktakeSpec("FLOOR"))  # the location is free again


def test_unknown_stocktake_id(store, clerk, counts):
    from shopdesk.domain.errors import NotFound

    with pytest.raises(NotFound):
        counts.count_code(clerk, new_id(), MILK)


# -- handheld files ------------------------------------------------------------------------

def test_handheld_csv_counts_are_added_with_unknown_codes_kept(store, products, clerk, manager, counts, review):
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    counts.count_code(clerk, st, MILK, 2, zone="A")
    data = (f"barcode;quantity;zone\n{MILK};3;B\n{MILK};;B\n{BREAD};1,5\n5012345678900;4\n\n{SOAP};0\n"
            ).encode("utf-8-sig")
    result = counts.import_counts(clerk, st, data, zone="back wall")
    assert (result.rows, result.products, result.unknown_codes) == (5, 3, 1)
    lines = {v.sku: v for v in review.lines(manager, st)}
    assert lines["MILK-1L"].counted == 6  # 2 at the screen + 3 + 1 from the file
    assert lines["BREAD"].counted == Decimal("1.5")
    assert lines["SOAP"].counted == 0  # counted, none there: not "uncounted"
    assert [(z.zone, z.quantity) for z in review.zone_counts(st, products["BREAD"])] == [("BACK WALL", Decimal("1.5"))]
    assert [u.code for u in review.unknown_codes(st)] == ["5012345678900"]


def test_a_handheld_file_with_bad_rows_is_rejected_whole(store, products, clerk, manager, counts, review):
    from shopdesk.services.stocktake_import import CountFileRejected

    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    data = f"{MILK},3\n,2\n4006381333932,1\n{BREAD},-1\n{SOAP},lots\n{SOAP},99999999999\n".encode()
    with pytest.raises(CountFileRejected) as err:
        counts.import_counts(clerk, st, data)
    assert [(r.row, r.column) for r in err.value.rejects] == [
        (2, "barcode"), (3, "barcode"), (4, "quantity"), (5, "quantity"), (6, "quantity")]
    assert "row 3" in str(err.value) and "nothing was imported" in str(err.value)
    assert review.summary(manager, st).counted_lines == 0


@pytest.mark.parametrize("data", [b"", b"\x00\x01binary", "\ufeff".encode("utf-16"), b"\xff\xfe\xfa"])
def test_files_that_are_not_count_files_are_refused(store, products, clerk, counts, data):
    from shopdesk.services.csv_files import ImportFileError

    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    with pytest.raises(ImportFileError):
        counts.import_counts(clerk, st, data)


def test_variance_report_pdf_lists_variances_by_value(store, products, clerk, manager, counts, review, tmp_path):
    import pymupdf

    with store.unit_of_work() as s:
        s.get(Product, products["SOAP"]).cost = 100
        s.get(Product, products["MILK-1L"]).cost = 80
    st = counts.start(clerk, StocktakeSpec("FLOOR"))
    counts.count_code(clerk, st, MILK, 5)
    counts.count_code(clerk, st, SOAP, 16)
    counts.count_code(clerk, st, BREAD, 10)
    counts.count_code(clerk, st, NIUNAI, 10)
    with pytest.raises(PermissionDenied):
        review.variance_report(clerk, st, tmp_path / "no.pdf")
    counts.post(manager, st)
    pages = review.variance_report(manager, st, tmp_path / "variances.pdf")
    assert pages == 1
    text = pymupdf.open(tmp_path / "variances.pdf")[0].get_text()
    assert "ST-000001" in text and "Largest variances at cost" in text
    assert text.index("Dish soap") < text.index("Whole milk")  # €6.00 before −€4.00
    assert "€6.00" in text and ("-€4.00" in text or "−€4.00" in text)
    assert "Sourdough" not in text  # no variance, not listed
