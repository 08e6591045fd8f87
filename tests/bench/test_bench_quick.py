"""The benchmarks themselves stay runnable: ``python -m bench all --quick`` prints well-formed
JSON records. No timing is asserted here; figures live in ``bench/``, not in unit tests."""

from __future__ import annotations

import subprocess
import sys

from tests.bench.records import REPO, check_comparison, run_quick


def test_all_quick_prints_one_json_record_per_benchmark():
    records = run_quick("all")

    names = [r["bench"] for r in records]
    assert {"scan_to_line", "complete_sale"} <= set(names) and len(names) == len(set(names))
    records = [r for r in records if r["bench"] in ("scan_to_line", "complete_sale")]  # others: own tests
    for record in records:
        check_comparison(record)
        assert record["baseline_p95_ms"] >= record["baseline_p50_ms"]
        assert record["baseline"].strip()
        assert record["python"].count(".") == 2 and record["sqlite"].count(".") >= 2
    assert {r["target_ratio"] for r in records} == {3.0, 2.0}


def test_unknown_benchmark_is_refused_with_a_message():
    done = subprocess.run(
        [sys.executable, "-m", "bench", "no_such_bench", "--quick"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode != 0
    assert "no_such_bench" in done.stderr and "scan_to_line" in done.stderr
    assert done.stdout == ""
