"""``python -m bench stockroom --quick`` stays runnable and prints one well-formed record per
part (stocktake post, goods receipt post, valuation). No timing is asserted here."""

from __future__ import annotations

from bench.stockroom import PARTS, QUICK, counted_units
from tests.bench.records import check_comparison, run_quick

POST_KEYS = {
    "bench", "n", "products", "post_s", "baseline", "baseline_s", "baseline_read_s", "ratio", "target_s",
    "python", "sqlite", "sqlalchemy",
}


def positive(record: dict, *keys: str) -> None:
    for key in keys:
        value = record[key]
        assert isinstance(value, int | float) and not isinstance(value, bool), (record["bench"], key, value)
        assert value > 0, (record["bench"], key, value)


def check_post(record: dict) -> None:
    missing = POST_KEYS - record.keys()
    assert not missing, f"{record['bench']} lacks {sorted(missing)}"
    positive(record, "n", "products", "post_s", "baseline_s", "ratio", "target_s")
    assert record["baseline_read_s"] >= 0
    assert record["baseline"].strip()
    assert record["products"] == QUICK.products


def test_stockroom_quick_prints_one_record_per_part():
    records = {r["bench"]: r for r in run_quick("stockroom")}

    assert list(records) == list(PARTS)

    stocktake = records["stocktake_post"]
    check_post(stocktake)
    assert stocktake["n"] == QUICK.products
    # Nine lines in ten were counted off the ledger; all of them are adjusted, no more.
    assert stocktake["adjusted_lines"] == sum(1 for i in range(QUICK.products) if i % 10)
    assert stocktake["import_rows"] == QUICK.imported
    assert stocktake["count_code_n"] == QUICK.scanned and stocktake["count_product_n"] == QUICK.typed
    positive(stocktake, "start_s", "import_s", "count_code_p50_ms", "count_product_p50_ms")
    assert stocktake["target_s"] == 10.0

    receipt = records["goods_receipt_post"]
    check_post(receipt)
    assert receipt["n"] == QUICK.receipt_lines
    assert receipt["built_by_sql"] + receipt["built_by_service"] == QUICK.receipt_lines
    assert 0 < receipt["cost_changes"] <= QUICK.receipt_lines
    positive(receipt, "add_product_p50_ms", "set_quantity_p50_ms")

    valuation = records["valuation"]
    check_comparison(valuation)
    assert valuation["n"] == QUICK.valuation_reps
    assert valuation["products"] == QUICK.valuation_products
    assert valuation["n_balances"] >= valuation["n_valued_balances"] > 0
    assert valuation["value"] > 0


def test_counts_differ_from_the_ledger_on_nine_lines_in_ten_and_never_go_negative():
    for i in range(70):
        for snapshot in (5_000, 200_000):
            units = counted_units(i, snapshot)
            assert units >= 0
            assert (units * 1000 == snapshot) == (i % 10 == 0)
