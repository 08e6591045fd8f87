"""The benchmarks themselves stay runnable: ``python -m bench all --quick`` prints well-formed
JSON records. No timing is asserted here; figures live in ``bench/``, not in unit tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

COMPARISON_KEYS = {
    "bench", "n", "products", "p50_ms", "p95_ms", "baseline", "baseline_p50_ms",
    "baseline_p95_ms", "ratio_p50", "ratio_p95", "target_ratio", "python", "sqlite",
}
POSITIVE_NUMBERS = (
    "n", "products", "p50_ms", "p95_ms", "baseline_p50_ms", "baseline_p95_ms",
    "ratio_p50", "ratio_p95", "target_ratio",
)


def run_quick(*args: str) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-m", "bench", *args, "--quick"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines, f"no output; stderr:\n{done.stderr}"
    return [json.loads(line) for line in lines]


def test_all_quick_prints_one_json_record_per_benchmark():
    records = run_quick("all")

    names = [r["bench"] for r in records]
    assert {"scan_to_line", "complete_sale"} <= set(names) and len(names) == len(set(names))
    records = [r for r in records if r["bench"] in ("scan_to_line", "complete_sale")]  # others: own tests
    for record in records:
        missing = COMPARISON_KEYS - record.keys()
        assert not missing, f"{record['bench']} lacks {sorted(missing)}"
        for key in POSITIVE_NUMBERS:
            value = record[key]
            assert isinstance(value, int | float) and not isinstance(value, bool), (record["bench"], key, value)
            assert value > 0, (record["bench"], key, value)
        assert record["p95_ms"] >= record["p50_ms"]
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
