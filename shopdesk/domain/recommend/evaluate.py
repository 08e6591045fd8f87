"""Offline evaluation: does the hybrid beat simple baselines on the shop's own history?

Protocol (leave-one-out on a chronological split): the last ``test_fraction`` of baskets
is the test part; everything is learned from the older part only (the hybrid's weights
too, by :func:`~.engine.tune_weights` on the training part's own last 10 %). In each test
basket with ≥ 2 distinct items one item (seeded) is hidden and the rest is the cart; the
basket's customer, when known, is passed along. A hit is the hidden item in the top k.

Methods measured in the same run, on the same queries:

``hybrid``        :class:`~.engine.Recommender` with tuned weights.
``popular``       the most bought items of the training part.
``cooccurrence``  plain item co-occurrence cosine ``C_ij / sqrt(n_i n_j)`` summed over the
                  cart (full rows, no shrinkage, no pruning, no content, no customers),
                  topped up with popular items when it has fewer than k candidates.

All methods get the same filters (never cart items, never inactive items).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from . import _kernels as K
from .data import TrainingData
from .engine import Recommender, holdout_queries, tune_weights

METHODS = ("hybrid", "popular", "cooccurrence")


class PopularBaseline:
    """Most bought items (training part), whatever the cart."""

    def __init__(self, data: TrainingData):
        n = len(data.items)
        x = K.basket_matrix(data.baskets, n)
        counts = np.diff(x.T.tocsr().indptr).astype(np.float64)
        active = np.array([it.active for it in data.items], dtype=bool)
        order = np.lexsort((np.arange(n), -counts))
        self.ranked = order[active[order]]

    def recommend(self, cart: Sequence[int], k: int = 10, customer: int | None = None) -> list[int]:
        cart_set = set(cart)
        out: list[int] = []
        for i in self.ranked:
            if int(i) not in cart_set:
                out.append(int(i))
                if len(out) == k:
                    break
        return out


class CooccurrenceBaseline:
    """Plain co-occurrence cosine, summed over the cart items."""

    def __init__(self, data: TrainingData):
        n = len(data.items)
        x = K.basket_matrix(data.baskets, n)
        c = (x.T.tocsr() @ x).tocsr()
        nn = c.diagonal().astype(np.float64)
        c.setdiag(0)
        c.eliminate_zeros()
        rows = K.row_ids(c.indptr)
        c.data = c.data / np.sqrt(nn[rows] * nn[c.indices])
        self.c = c
        self.active = np.array([it.active for it in data.items], dtype=bool)
        self.popular = PopularBaseline(data)

    def recommend(self, cart: Sequence[int], k: int = 10, customer: int | None = None) -> list[int]:
        cart_a = np.unique(np.asarray(list(cart), dtype=np.int64))
        pos, _ = K.gather(self.c.indptr, cart_a)
        items = self.c.indices[pos].astype(np.int64)
        out: list[int] = []
        if items.size:
            u, inv = np.unique(items, return_inverse=True)
            s = np.bincount(inv, weights=self.c.data[pos], minlength=len(u))
            ok = self.active[u] & ~np.isin(u, cart_a)
            u, s = u[ok], s[ok]
            out = [int(i) for i in u[np.lexsort((u, -s))][:k]]
        if len(out) < k:
            taken = set(out) | set(cart_a.tolist())
            for i in self.popular.recommend([], k + len(taken)):
                if i not in taken:
                    out.append(i)
                    if len(out) == k:
                        break
        return out


class _HybridAdapter:
    def __init__(self, model: Recommender):
        self.model = model

    def recommend(self, cart: Sequence[int], k: int = 10, customer: int | None = None) -> list[int]:
        return [s.item for s in self.model.recommend(cart, k, customer=customer)]


def evaluate(data: TrainingData, *, test_fraction: float = 0.2, k: Sequence[int] = (5, 10),
             seed: int = 0, recommenders: Sequence[str] = METHODS,
             max_queries: int | None = None) -> dict[str, dict]:
    """Compare ``recommenders`` (names from :data:`METHODS`) on a chronological split.

    Returns ``{method: {"hit_rate@5": …, "hit_rate@10": …, "mrr@10": …,
    "coverage@10": …, "train_s": …, "p50_ms": …, "p95_ms": …, "queries": …}}``
    (the hybrid also reports ``tune_s`` and its ``weights``); plain floats, JSON-able.
    """
    unknown = [r for r in recommenders if r not in METHODS]
    if unknown:
        raise ValueError(f"unknown recommender {unknown[0]!r}; choose from {', '.join(METHODS)}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    nb = len(data.baskets)
    split = nb - max(1, int(round(nb * test_fraction)))
    if split <= 0:
        raise ValueError(f"{nb} baskets are too few to split into training and test parts")
    train = data.head(split)
    queries = holdout_queries(data, split, seed=seed, limit=max_queries)
    if not queries:
        raise ValueError("no test basket has two or more items; nothing to evaluate")
    ks = sorted(set(int(x) for x in k) | {10})
    depth = max(ks)
    results: dict[str, dict] = {}
    for name in recommenders:
        extra: dict = {}
        if name == "hybrid":
            t0 = time.perf_counter()
            weights = tune_weights(train, seed=seed)
            extra["tune_s"] = time.perf_counter() - t0
            extra["weights"] = {f: float(v) for f, v in vars(weights).items()}
            t0 = time.perf_counter()
            model = _HybridAdapter(Recommender.train(train, weights=weights))
        elif name == "popular":
            t0 = time.perf_counter()
            model = PopularBaseline(train)
        else:
            t0 = time.perf_counter()
            model = CooccurrenceBaseline(train)
        train_s = time.perf_counter() - t0
        ranks = np.zeros(len(queries), dtype=np.int64)
        times = np.zeros(len(queries))
        seen: set[int] = set()
        for q, (cart, hidden, cust) in enumerate(queries):
            t0 = time.perf_counter()
            got = model.recommend(cart, depth, customer=cust if cust >= 0 else None)
            times[q] = time.perf_counter() - t0
            seen.update(got[:10])
            ranks[q] = got.index(hidden) + 1 if hidden in got else 0
        found = ranks > 0
        row = {f"hit_rate@{x}": float(np.mean(found & (ranks <= x))) for x in ks}
        row["mrr@10"] = float(np.mean(np.where(found & (ranks <= 10), 1.0 / np.maximum(ranks, 1),
                                               0.0)))
        row["coverage@10"] = len(seen) / max(1, len(data.items))
        row["train_s"] = train_s
        row["p50_ms"] = float(np.percentile(times, 50) * 1000)
        row["p95_ms"] = float(np.percentile(times, 95) * 1000)
        row["queries"] = len(queries)
        row.update(extra)
        results[name] = row
    return results
