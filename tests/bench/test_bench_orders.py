"""``python -m bench orders --quick`` stays runnable: orders go all the way through their
life with the ledger balanced, and a label batch renders one page per order."""

from __future__ import annotations

from bench.orders import PARTS
from tests.bench.records import run_quick


def test_orders_quick_moves_every_order_through_and_renders_labels():
    records = {r["bench"]: r for r in run_quick("orders")}
    assert set(records) == set(PARTS)
    life = records["order_lifecycle"]
    assert life["n"] == 100 and life["reviewed"] == 100
    assert life["reservations_left"] == 0 and life["ledger_mismatches"] == 0
    for stage in ("create_and_pay", "pick_batched", "pack_by_scanning", "ship", "deliver_from_file", "review"):
        assert life[f"{stage}_p95_ms"] >= life[f"{stage}_p50_ms"] > 0
    labels = records["label_batch"]
    assert labels["pages"] == labels["n"] == 50
    assert labels["pdf_s"] > 0 and labels["zpl_s"] > 0 and labels["zpl_bytes"] > 0
