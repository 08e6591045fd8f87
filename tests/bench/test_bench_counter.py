"""``python -m bench counter --quick`` stays runnable and prints one well-formed comparison
record per part (split-tender sale, scan typed into the checkout window, Z report). No timing is
asserted here."""

from __future__ import annotations

from bench.counter import PARTS, QUICK, SALE_LINES, Z_REPS, Z_SALES
from tests.bench.records import check_comparison, run_quick


def test_counter_quick_prints_one_record_per_part():
    records = run_quick("counter")

    assert [r["bench"] for r in records] == list(PARTS)
    sale, widget, z_report = records
    for record in (sale, widget):
        check_comparison(record)
        assert record["products"] == QUICK.products
        assert "synchronous=2" in record["pragmas"] and "journal_mode=wal" in record["pragmas"]

    assert z_report["n"] == Z_REPS and z_report["sales"] == Z_SALES[True]
    assert z_report["p50_ms"] > 0 and z_report["baseline_p50_ms"] > 0 and z_report["close_z_ms"] > 0
    assert "GROUP BY" in z_report["baseline"]

    assert sale["n"] == QUICK.sales
    assert sale["lines"] == SALE_LINES
    assert sale["target_ratio"] == 2.0
    assert "card + cash" in sale["baseline"]

    assert widget["n"] == QUICK.scans
    assert widget["target_ratio"] == 3.0
    assert "lookup" in widget["baseline"]
    for key in ("baseline_write_p50_ms", "baseline_write_p95_ms", "ratio_written_to_write_p95",
                "typing_p50_ms", "typing_p95_ms", "with_typing_p50_ms", "with_typing_p95_ms",
                "ratio_with_typing_p95", "written_p50_ms", "written_p95_ms"):
        assert isinstance(widget[key], int | float) and widget[key] > 0, (key, widget[key])
    # Measured from the Enter: the keystrokes are reported beside it, and the write comes after the line shows.
    assert widget["with_typing_p50_ms"] > widget["p50_ms"]
    assert widget["written_p50_ms"] > widget["p50_ms"]
