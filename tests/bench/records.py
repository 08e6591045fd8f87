"""Running a benchmark in --quick mode and checking its JSON records (no timing asserted)."""

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


def check_comparison(record: dict) -> None:
    """A record that compares a subject with a baseline has every field, all positive."""
    missing = COMPARISON_KEYS - record.keys()
    assert not missing, f"{record['bench']} lacks {sorted(missing)}"
    for key in POSITIVE_NUMBERS:
        value = record[key]
        assert isinstance(value, int | float) and not isinstance(value, bool), (record["bench"], key, value)
        assert value > 0, (record["bench"], key, value)
    assert record["p95_ms"] >= record["p50_ms"]
