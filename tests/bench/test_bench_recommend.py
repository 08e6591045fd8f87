"""``python -m bench recommend --quick`` stays runnable: train against implicit's cosine,
query times, and the held-out comparison with both baselines."""

from __future__ import annotations

from bench.recommend import PARTS
from tests.bench.records import run_quick


def test_recommend_quick_prints_train_query_and_evaluate():
    records = {r["bench"]: r for r in run_quick("recommend")}
    assert set(records) == set(PARTS)
    train = records["recommend_train"]
    assert train["train_s"] > 0 and train["baseline_s"] > 0 and train["ratio"] > 0 and train["lines"] > 10_000
    query = records["recommend_query"]
    assert query["p95_ms"] >= query["p50_ms"] > 0
    methods = records["recommend_evaluate"]["methods"]
    assert set(methods) >= {"hybrid", "popular", "cooccurrence"}
    for figures in methods.values():
        assert 0 <= figures["hit_rate@5"] <= figures["hit_rate@10"] <= 1
        assert 0 <= figures["mrr@10"] <= 1 and figures["queries"] > 100
