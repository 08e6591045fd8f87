"""``python -m bench search --quick`` stays runnable and prints one well-formed record per
query length and one for barcode lookup. No timing is asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.search import PARTS, floor_sql

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
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def test_search_quick_prints_one_record_per_part():
    records = run_quick("search")

    assert [r["bench"] for r in records] == list(PARTS)
    for record in records:
        missing = COMPARISON_KEYS - record.keys()
        assert not missing, f"{record['bench']} lacks {sorted(missing)}"
        for key in POSITIVE_NUMBERS:
            value = record[key]
            assert isinstance(value, int | float) and not isinstance(value, bool), (record["bench"], key)
            assert value > 0, (record["bench"], key, value)
        assert record["p95_ms"] >= record["p50_ms"]
        assert record["target_ratio"] == 3.0
        assert record["products"] == 20_000


def test_floor_runs_the_services_match_expression():
    assert floor_sql("牛奶") == (
        'SELECT rowid FROM product_words WHERE product_words MATCH ? ORDER BY rank LIMIT 50',
        ('"牛奶"*',),
    )
    sql, params = floor_sql("milk 1")
    assert "product_search" in sql and "product_words" in sql and params == ('"milk"', '"1"*')
