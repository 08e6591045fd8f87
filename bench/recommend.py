"""The recommender: training on a million order lines, query time, and held-out quality.

* ``recommend_train``: :meth:`Recommender.train` on a synthetic shop history of about
  1,000,000 basket lines (``--quick``: 20,000), against the ``implicit`` library's
  item-item ``CosineRecommender.fit`` on the same basket × item matrix in the same run
  (target: ours ≤ 2× its time). Best of 3 for each, alternating, after one untimed
  training of ours (``first_train_s``: the first in a process also loads the compiled
  loops from numba's cache, or compiles them once after an install).
* ``recommend_query``: :meth:`Recommender.recommend` p50/p95 for carts of 1–10 items
  (some with a known customer) on that model (target p95 < 5 ms); the baseline is
  implicit's ``similar_items`` for one item of the same carts.
* ``recommend_evaluate``: :func:`evaluate` on a 40,000-basket history (``--quick``: 6,000):
  the last 20 % held out, one item of each basket hidden; HitRate@5/@10, MRR@10, coverage,
  train time and per-query time for the hybrid and the two baselines (most popular, plain
  co-occurrence cosine).

The history comes from :func:`synthetic_history` (categories and brands, Zipf popularity,
complementary groups bought together, customers with stable taste, drift).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp

from bench import environment, log, percentiles_ms
from shopdesk.domain.recommend.engine import Recommender
from shopdesk.domain.recommend.evaluate import evaluate
from shopdesk.domain.recommend.synthetic import synthetic_history

PARTS = ("recommend_train", "recommend_query", "recommend_evaluate")
SEED = 20261126
TRAIN_TARGET = 2.0
QUERY_TARGET_MS = 5.0
FULL = {"baskets": 300_000, "items": 20_000, "customers": 60_000, "eval_baskets": 40_000, "queries": 2_000}
QUICK = {"baskets": 6_000, "items": 1_500, "customers": 1_500, "eval_baskets": 6_000, "queries": 200}


def run(*, quick: bool = False, parts: frozenset[str] = frozenset(PARTS), profile: bool = False) -> Iterator[dict]:
    sizes = QUICK if quick else FULL
    if parts & {"recommend_train", "recommend_query"}:
        log(f"recommend: making a history of {sizes['baskets']:,} baskets")
        data = synthetic_history(sizes["baskets"], sizes["items"], sizes["customers"], seed=SEED)
        lines = data.baskets.lines
        matrix = _basket_matrix(data)
        model, record = _train(data, matrix, lines)
        if "recommend_train" in parts:
            yield record
        if "recommend_query" in parts:
            yield _query(model, data, matrix, sizes["queries"])
    if "recommend_evaluate" in parts:
        log(f"recommend: evaluating on {sizes['eval_baskets']:,} baskets")
        history = synthetic_history(sizes["eval_baskets"], min(sizes["items"], 4_000), sizes["customers"] // 4,
                                    seed=SEED + 1)
        report = evaluate(history, test_fraction=0.2, seed=SEED)
        record = {"bench": "recommend_evaluate", "baskets": len(history.baskets),
                  "lines": history.baskets.lines, "methods": report}
        record.update(environment())
        yield record


def _basket_matrix(data) -> sp.csr_matrix:
    """The baskets as implicit wants them (CSR baskets × items), from the same arrays."""
    baskets = data.baskets
    return sp.csr_matrix((np.ones(baskets.lines, dtype=np.float32), baskets.items, baskets.bounds),
                         shape=(len(baskets), len(data.items)))


def _train(data, matrix, lines: int) -> tuple[Recommender, dict]:
    from implicit.nearest_neighbours import CosineRecommender

    ours, theirs, model = [], [], None
    started = time.perf_counter()
    Recommender.train(data)  # the first in this process: loads (or compiles) the compiled loops
    first = time.perf_counter() - started
    for _ in range(3):
        started = time.perf_counter()
        model = Recommender.train(data)
        ours.append(time.perf_counter() - started)
        baseline = CosineRecommender(K=50)
        started = time.perf_counter()
        baseline.fit(matrix, show_progress=False)
        theirs.append(time.perf_counter() - started)
    record = {"bench": "recommend_train", "lines": lines, "baskets": len(data.baskets), "items": len(data.items),
              "customers": data.n_customers, "train_s": round(min(ours), 3),
              "baseline": "implicit CosineRecommender(K=50).fit on the same basket x item matrix",
              "baseline_s": round(min(theirs), 3), "ratio": round(min(ours) / min(theirs), 3),
              "target_ratio": TRAIN_TARGET, "runs": 3,
              "first_train_s": round(first, 3)}  # incl. loading numba's cached machine code
    record.update(environment())
    return model, record


def _query(model: Recommender, data, matrix, n: int) -> dict:
    from implicit.nearest_neighbours import CosineRecommender

    rng = np.random.default_rng(SEED)
    baseline = CosineRecommender(K=50)
    baseline.fit(matrix, show_progress=False)
    ours, theirs = [], []
    for q in range(n):
        basket = data.baskets[int(rng.integers(len(data.baskets)))]
        size = int(min(len(basket), rng.integers(1, 11)))
        cart = list(rng.choice(basket, size=size, replace=False))
        customer = int(rng.integers(data.n_customers)) if q % 2 and data.n_customers else None
        started = time.perf_counter_ns()
        model.recommend(cart, k=10, customer=customer)
        ours.append(time.perf_counter_ns() - started)
        started = time.perf_counter_ns()
        baseline.similar_items(int(cart[0]), N=11)
        theirs.append(time.perf_counter_ns() - started)
    p50, p95 = percentiles_ms(ours)
    b50, b95 = percentiles_ms(theirs)
    record = {"bench": "recommend_query", "n": n, "cart_items": "1-10", "p50_ms": p50, "p95_ms": p95,
              "target_p95_ms": QUERY_TARGET_MS, "baseline": "implicit CosineRecommender.similar_items(one item)",
              "baseline_p50_ms": b50, "baseline_p95_ms": b95}
    record.update(environment())
    return record
