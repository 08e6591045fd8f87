"""The hybrid against baselines on a realistic made-up history, and query work bounds."""

from __future__ import annotations

import json

import numpy as np
import pytest

from shopdesk.domain.recommend import Recommender, tune_weights
from shopdesk.domain.recommend import _kernels as K
from shopdesk.domain.recommend.engine import NEIGHBOURS
from shopdesk.domain.recommend.evaluate import evaluate
from shopdesk.domain.recommend.synthetic import synthetic_history


@pytest.fixture(scope="module")
def history():
    return synthetic_history(20_000, 2_000, 1_500, seed=0)


def test_synthetic_history_looks_like_a_shop(history):
    sizes = np.array([len(b) for b in history.baskets])
    assert np.mean(sizes <= 3) > 0.45            # many top-up shops
    assert sizes.max() >= 25                     # and some big weekly ones
    counts = np.bincount(np.concatenate(history.baskets), minlength=2_000)
    top = np.sort(counts)[::-1]
    assert top[:20].sum() > 8 * top[-200:].sum()  # long tail
    assert len(history.ratings) > 500
    assert {i.category.split(" > ")[0] for i in history.items} >= {"Food", "Baby", "Drinks"}
    assert synthetic_history(300, 50, 20, seed=3).baskets == \
        synthetic_history(300, 50, 20, seed=3).baskets


def test_hybrid_beats_both_baselines(history):
    report = evaluate(history, seed=0)
    json.dumps(report)                           # JSON-able for the CLI and bench
    hybrid, popular, cooc = report["hybrid"], report["popular"], report["cooccurrence"]
    for metric in ("hit_rate@10", "mrr@10"):
        assert hybrid[metric] > popular[metric], metric
        assert hybrid[metric] > cooc[metric], metric
    assert hybrid["hit_rate@5"] <= hybrid["hit_rate@10"]
    assert 0 < hybrid["coverage@10"] <= 1
    assert hybrid["queries"] > 1_000


def test_tuning_is_deterministic(history):
    small = history.head(6_000)
    assert tune_weights(small, seed=1) == tune_weights(small, seed=1)


def test_query_work_is_bounded_on_a_mid_size_model(history, monkeypatch):
    model = Recommender.train(history)
    seen = []
    real = K.gather

    def counting(indptr, rows):
        pos, owner = real(indptr, rows)
        seen.append(len(pos))
        return pos, owner

    monkeypatch.setattr(K, "gather", counting)
    rng = np.random.default_rng(0)
    for _ in range(50):
        cart = rng.choice(model.n_items, size=int(rng.integers(1, 11)), replace=False).tolist()
        got = model.recommend(cart, 10, customer=int(rng.integers(1_500)))
        assert len(got) == 10 and not set(s.item for s in got) & set(cart)
    # every read is a handful of precomputed, capped lists — never the catalog or history
    assert max(seen) < 10 * 300 * 40
    assert len(model.nb_indices) <= NEIGHBOURS * model.n_items
