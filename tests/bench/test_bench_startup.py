"""``python -m bench startup --quick`` stays runnable and prints one well-formed record per
window (catalog, checkout). No timing is asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.startup import PARTS

REPO = Path(__file__).resolve().parents[2]
KEYS = {
    "bench", "n", "products", "p50_ms", "baseline", "baseline_p50_ms", "ratio", "rss_mb",
    "baseline_rss_mb", "rss_delta_mb", "target_ratio", "target_rss_delta_mb", "index_rebuilt",
    "python", "sqlite", "qt",
}
POSITIVE_NUMBERS = (
    "n", "products", "p50_ms", "baseline_p50_ms", "ratio", "rss_mb", "baseline_rss_mb",
    "target_ratio", "target_rss_delta_mb",
)


def test_startup_quick_prints_one_record_per_window():
    done = subprocess.run(
        [sys.executable, "-m", "bench", "startup", "--quick"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]

    assert [r["bench"] for r in records] == list(PARTS)
    for record in records:
        missing = KEYS - record.keys()
        assert not missing, f"{record['bench']} lacks {sorted(missing)}"
        for key in POSITIVE_NUMBERS:
            value = record[key]
            assert isinstance(value, int | float) and not isinstance(value, bool), (record["bench"], key)
            assert value > 0, (record["bench"], key, value)
        assert isinstance(record["rss_delta_mb"], int | float)
        assert record["products"] == 20_000
        assert record["baseline_products"] == 0
        assert record["index_rebuilt"] is False
        assert record["catalog_rows_loaded"] > 0
        assert record["target_ratio"] == 1.5
        assert record["target_rss_delta_mb"] == 150
