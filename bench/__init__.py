"""Repeatable ShopDesk benchmarks: ``python -m bench NAME [--quick]``.

Each benchmark prints one JSON object per line on stdout (progress goes to stderr). A
figure is only meaningful next to a baseline measured in the same run on the same
machine, so every record carries the subject's and the baseline's percentiles and their
ratio; subject and baseline calls are interleaved so that a noisy machine slows both.

This module holds what all benchmarks share: percentiles, the comparison record, the
environment stamp and a small profiler helper.
"""

from __future__ import annotations

import cProfile
import io
import json
import platform
import pstats
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy


def environment() -> dict[str, str]:
    """Versions stamped on every record, so figures from different runs can be compared."""
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
    }


def percentiles_ms(samples_ns: Sequence[int]) -> tuple[float, float]:
    """(p50, p95) in milliseconds, rounded to 3 decimals (inclusive quantile method)."""
    if len(samples_ns) < 2:
        raise ValueError("need at least two samples for percentiles")
    cuts = statistics.quantiles(samples_ns, n=100, method="inclusive")
    return round(cuts[49] / 1e6, 3), round(cuts[94] / 1e6, 3)


def comparison(
    bench: str,
    *,
    subject_ns: Sequence[int],
    baseline_ns: Sequence[int],
    baseline: str,
    target_ratio: float,
    **extra: Any,
) -> dict[str, Any]:
    """One output record: subject vs baseline percentiles and their ratios."""
    if len(subject_ns) != len(baseline_ns):
        raise ValueError("subject and baseline must have the same number of samples")
    p50, p95 = percentiles_ms(subject_ns)
    b50, b95 = percentiles_ms(baseline_ns)
    record: dict[str, Any] = {"bench": bench, "n": len(subject_ns)}
    record.update(extra)
    record.update({
        "p50_ms": p50,
        "p95_ms": p95,
        "baseline": baseline,
        "baseline_p50_ms": b50,
        "baseline_p95_ms": b95,
        "ratio_p50": round(p50 / b50, 3) if b50 else None,
        "ratio_p95": round(p95 / b95, 3) if b95 else None,
        "target_ratio": target_ratio,
    })
    record.update(environment())
    return record


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def timed(call: Callable[[], Any]) -> tuple[int, Any]:
    """(elapsed nanoseconds, result) of one call."""
    start = time.perf_counter_ns()
    result = call()
    return time.perf_counter_ns() - start, result


class Profiler:
    """cProfile switched on only around the calls under study."""

    def __init__(self) -> None:
        self._profile = cProfile.Profile()

    def call(self, fn: Callable[[], Any]) -> Any:
        self._profile.enable()
        try:
            return fn()
        finally:
            self._profile.disable()

    def report(self, title: str, limit: int = 30) -> str:
        out = io.StringIO()
        out.write(f"===== profile: {title} =====\n")
        stats = pstats.Stats(self._profile, stream=out)
        stats.strip_dirs().sort_stats("cumulative").print_stats(limit)
        stats.sort_stats("tottime").print_stats(limit)
        return out.getvalue()
