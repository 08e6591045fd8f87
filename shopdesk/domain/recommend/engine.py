"""The hybrid recommender: "customers who bought this also bought", for a till and a shop.

Signals, each scored over a small candidate set (never over the whole catalog):

``cf`` (item-to-item collaborative filtering)
    Co-purchase cosine with significance shrinkage, ``s(i, j) = C_ij / sqrt(n_i n_j) ·
    C_ij / (C_ij + 3)`` where ``C_ij`` is the number of baskets holding both items and
    ``n_i`` the baskets holding ``i``. Cosine (not raw counts, not plain confidence
    ``C_ij / n_i``) because confidence ranks bread and milk first for every item; cosine
    divides by the popularity of the *suggested* item too. Raw cosine over-trusts rare
    pairs (two items seen once, together: cosine 1); the shrinkage factor halves that
    evidence at three shared baskets and fades as counts grow (Koren's shrunk correlation;
    3 and 100 neighbours did best on held-out history, with and without customers). The
    top ``neighbours`` per item are kept in CSR form with their counts, so a query reads
    at most ``len(cart) × neighbours`` entries, and the count is the number a cashier can
    say: "bought together in 37 baskets". Score = Σ over cart items of s(cart item, i).
``content``
    TF-IDF cosine over category path, brand, name and text words (see
    :func:`._kernels.content_matrix`); score = Σ over cart items of sim(cart item, i).
    Query work is bounded: each term's posting list keeps its most popular items only.
``user`` (user-based CF, known customers)
    Customers are TF-IDF weighted relevance vectors (``log(1 + times bought)`` plus a
    little for good ratings, idf = ``log(customers / buyers)`` so everybody's milk does
    not make everybody similar), L2-normalised. For a customer ``u`` the most similar
    customers ``u'`` are found through capped posting lists (work bounded per query), and
    ``score(u, i) = Σ sim(u, u') · relevance(u', i)``.
``history``
    What this customer bought before (``log(1 + times)``): repeat purchases are the
    strongest single signal in a shop.
``pop`` / ``catpop``
    Recency-weighted popularity (a basket's weight halves every quarter of the history),
    ``log``-scaled to [0, 1]; ``catpop`` counts it only for items in the cart's categories
    (full weight for the same leaf category, half for the same department). These are the
    cold-start fallbacks: an empty cart or unknown items still get sensible suggestions.
``rating``
    Bayesian average ``(5·m + Σ stars) / (5 + n)`` (``m`` = shop-wide mean): an item needs
    several reviews to move away from the mean. The blended score is multiplied by
    ``1 + w_rating · (bayes - m) / 2``: a small boost, never a source of candidates.

Each signal is divided by its maximum over the candidates, then blended with
:class:`Weights` (chosen on held-out history by :func:`tune_weights`). Filters (cart,
``exclude``, inactive, unavailable) apply before ranking; ties break on the lower item
index, so results are deterministic. A per-category cap keeps the top ``k`` varied.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, fields
from itertools import chain
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from . import _kernels as K
from .data import TrainingData

FORMAT_VERSION = 1
COMPONENTS = ("cf", "content", "user", "history", "pop", "catpop")
SHRINK = 3.0               # co-purchase shrinkage (baskets): half the evidence at 3 shared baskets
NEIGHBOURS = 100           # co-purchase neighbours kept per item
CONTENT_POSTINGS = 300     # items kept per content term (most popular)
USER_ITEMS = 32            # items describing a customer in the similarity search
USER_POSTINGS = 200        # customers kept per item in the similarity search
USER_NEIGHBOURS = 30       # similar customers whose baskets are read
CAT_TOP = 30               # popular items kept per category / department
GLOBAL_TOP = 200
PER_SOURCE = 100           # candidates taken from each of content / user / history
RATING_PRIOR = 5.0         # pseudo-reviews at the shop mean (Bayesian average)


@dataclass
class Weights:
    """How much each signal counts in the blend (see the module docstring)."""

    cf: float = 1.0
    content: float = 0.15
    user: float = 0.4
    history: float = 0.5
    pop: float = 0.05
    catpop: float = 0.1
    rating: float = 0.1

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, c) for c in COMPONENTS], dtype=np.float64)

    def to_array(self) -> np.ndarray:
        return np.array([getattr(self, f.name) for f in fields(self)], dtype=np.float64)

    @classmethod
    def from_array(cls, values: np.ndarray) -> Weights:
        return cls(*(float(v) for v in values))


@dataclass(frozen=True)
class Reason:
    """Why an item is suggested, with numbers a cashier can say out loud.

    ``kind``: ``bought_with`` (``item`` = cart item, ``count`` = baskets that had both),
    ``similar`` (``item`` = the cart item it resembles), ``customers_like`` (``count`` =
    similar customers who bought it), ``bought_before`` (this customer bought it ``count``
    times), ``rated`` (``rating`` average stars from ``reviews`` reviews) or ``popular``
    (``count`` = baskets that had it).
    """

    kind: str
    item: int | None
    count: int = 0
    rating: float = 0.0
    reviews: int = 0


@dataclass(frozen=True)
class Suggestion:
    item: int
    score: float
    reason: Reason


@dataclass
class _Scored:
    """Candidates of one query with each signal's (normalised) score and reason data."""

    items: np.ndarray        # candidate item indices, ascending
    m: np.ndarray            # (len(items), len(COMPONENTS)) scores in [0, 1]
    cf_src: np.ndarray       # cart item giving the best co-purchase evidence, -1 none
    cf_count: np.ndarray     # baskets with both (for cf_src)
    ct_src: np.ndarray       # most similar cart item, -1 none
    user_count: np.ndarray   # similar customers who bought it
    hist_count: np.ndarray   # times this customer bought it


def _agg(items: np.ndarray, vals: np.ndarray, n: int, best: bool = True):
    """Group entries by key (``0 <= key < n``): sorted keys, summed values, and (``best``)
    the index of each group's largest entry (the first one on ties). Linear time: a dense
    scratch array when ``n`` is small next to the entries, ``np.unique`` otherwise."""
    if items.size == 0:
        e = np.zeros(0, dtype=np.int64)
        return e, np.zeros(0), e
    vals = np.asarray(vals, dtype=np.float64)
    if n <= 16 * items.size + 4096:
        present = np.bincount(items, minlength=n) > 0
        u = np.flatnonzero(present)
        inv = (np.cumsum(present) - 1)[items]
    else:
        u, inv = np.unique(items, return_inverse=True)
    s = np.bincount(inv, weights=vals, minlength=len(u))
    if not best:
        return u, s, None
    gmax = np.full(len(u), -np.inf)
    np.maximum.at(gmax, inv, vals)
    top = np.flatnonzero(vals == gmax[inv])[::-1]
    first = np.empty(len(u), dtype=np.int64)
    first[inv[top]] = top                 # written last = lowest entry index
    return u, s, first


def _lookup(keys: np.ndarray, vals: np.ndarray, at: np.ndarray, default=0):
    if keys.size == 0:
        return np.full(len(at), default, dtype=vals.dtype if vals.size else np.float64)
    pos = np.minimum(np.searchsorted(keys, at), len(keys) - 1)
    return np.where(keys[pos] == at, vals[pos], default)


def _top(items: np.ndarray, scores: np.ndarray, m: int) -> np.ndarray:
    if len(items) <= m:
        return items
    part = np.argpartition(-scores, m - 1)[:m]
    return items[part]


class Recommender:
    """A trained hybrid model. Build with :meth:`train` or :meth:`load`; query freely
    (read-only after construction, so one model may serve several threads)."""

    _ARRAYS = (
        "keys", "cat_id", "dept_id", "active",
        "nb_indptr", "nb_indices", "nb_sim", "nb_count", "item_baskets", "pop", "pop_raw",
        "cat_indptr", "cat_items", "dept_indptr", "dept_items", "global_top",
        "a_indptr", "a_indices", "a_data", "t_indptr", "t_indices", "t_data",
        "h_indptr", "h_indices", "h_data", "r_indptr", "r_indices", "r_data",
        "w_indptr", "w_indices", "w_data", "wt_indptr", "wt_indices", "wt_data",
        "rating_avg", "rating_n", "rating_boost",
    )

    def __init__(self, arrays: dict[str, np.ndarray], weights: Weights, n_customers: int):
        missing = [a for a in self._ARRAYS if a not in arrays]
        if missing:
            raise ValueError(f"recommender model is missing {', '.join(missing)}")
        for name in self._ARRAYS:
            setattr(self, name, arrays[name])
        self.weights = weights
        self.n_items = int(len(self.keys))
        self.n_customers = int(n_customers)

    # ------------------------------------------------------------------ training
    @classmethod
    def train(cls, data: TrainingData, *, weights: Weights | None = None,
              neighbours: int = NEIGHBOURS) -> Recommender:
        """Learn from ``data``. Cost is dominated by counting co-purchased pairs (``Xᵀ X``,
        compiled, rows in parallel); the rest is linear in the history and the catalog.
        (Running parts side by side on threads gained nothing on two cores.)"""
        items = data.items
        n = len(items)
        if n == 0:
            raise ValueError("cannot train a recommender on an empty catalog")
        x = K.basket_matrix(data.baskets, n)
        rat = _ratings_table(data, n)
        nb_indptr, nb_indices, nb_sim, nb_count, item_baskets = K.item_neighbours(x, SHRINK, neighbours)
        a = K.content_matrix(items)
        people = _customer_arrays(data, x, rat)

        # recency-weighted popularity
        nbk = x.shape[0]
        half = max(50.0, nbk / 4.0)
        bw = 0.5 ** ((nbk - 1 - np.arange(nbk, dtype=np.float64)) / half)
        pop_raw = np.asarray(x.T @ bw, dtype=np.float64).ravel()
        top = pop_raw.max() if n else 0.0
        pop = (np.log1p(pop_raw) / np.log1p(top)) if top > 0 else np.zeros(n)
        active = np.fromiter((it.active for it in items), dtype=bool, count=n)

        # categories: full path and department (first level)
        cats: dict[str, int] = {}
        depts: dict[str, int] = {}
        cat_id = np.empty(n, dtype=np.int32)
        dept_id = np.empty(n, dtype=np.int32)
        seen: dict[str, tuple[int, int]] = {}
        for i, it in enumerate(items):
            ids = seen.get(it.category)
            if ids is None:
                parts = K.category_parts(it.category)
                ids = seen[it.category] = (
                    cats.setdefault(">".join(parts), len(cats)),
                    depts.setdefault(parts[0] if parts else "", len(depts)))
            cat_id[i], dept_id[i] = ids
        rank_pop = np.where(active, pop_raw + 1e-9, 0.0)  # inactive never listed

        def per_group(gid: np.ndarray, n_groups: int):
            m = sp.csr_matrix((rank_pop, (gid, np.arange(n))), shape=(n_groups, n))
            m.eliminate_zeros()
            return K.capped_postings(m.T.tocsr(), None, CAT_TOP)[:2]

        cat_indptr, cat_items = per_group(cat_id, len(cats))
        dept_indptr, dept_items = per_group(dept_id, len(depts))
        order = np.lexsort((np.arange(n), -rank_pop))
        global_top = order[: GLOBAL_TOP][rank_pop[order[:GLOBAL_TOP]] > 0].astype(np.int32)

        # content
        t_indptr, t_indices, t_data = K.capped_postings(a, pop_raw, CONTENT_POSTINGS, min_len=2)

        # ratings
        r_avg = np.zeros(n, dtype=np.float32)
        r_n = np.zeros(n, dtype=np.int32)
        r_boost = np.zeros(n, dtype=np.float32)
        if len(rat):
            ri = rat[:, 1].astype(np.int64)
            stars = np.clip(rat[:, 2], 1.0, 5.0)
            cnt = np.bincount(ri, minlength=n)
            tot = np.bincount(ri, weights=stars, minlength=n)
            mean = float(stars.mean())
            bayes = (RATING_PRIOR * mean + tot) / (RATING_PRIOR + cnt)
            r_avg = np.where(cnt > 0, tot / np.maximum(cnt, 1), 0.0).astype(np.float32)
            r_n = cnt.astype(np.int32)
            r_boost = np.clip((bayes - mean) / 2.0, -1.0, 1.0).astype(np.float32)

        arrays = dict(
            keys=np.array([it.key for it in items], dtype=str),
            cat_id=cat_id, dept_id=dept_id, active=active,
            nb_indptr=nb_indptr, nb_indices=nb_indices, nb_sim=nb_sim, nb_count=nb_count,
            item_baskets=item_baskets.astype(np.int64), pop=pop.astype(np.float32),
            pop_raw=pop_raw, cat_indptr=cat_indptr, cat_items=cat_items,
            dept_indptr=dept_indptr, dept_items=dept_items, global_top=global_top,
            a_indptr=a.indptr.astype(np.int64), a_indices=a.indices, a_data=a.data,
            t_indptr=t_indptr, t_indices=t_indices, t_data=t_data,
            rating_avg=r_avg, rating_n=r_n, rating_boost=r_boost, **people,
        )
        return cls(arrays, weights or Weights(), int(data.n_customers))

    # ------------------------------------------------------------------ persistence
    def save(self, path) -> None:
        """Write the model to one ``.npz`` file (plain arrays, no pickle)."""
        meta = json.dumps({"format": FORMAT_VERSION, "n_customers": self.n_customers,
                           "weights": asdict(self.weights)})
        with open(path, "wb") as fh:
            np.savez_compressed(fh, meta=np.array(meta),
                                **{a: getattr(self, a) for a in self._ARRAYS})

    @classmethod
    def load(cls, path) -> Recommender:
        try:
            with np.load(Path(path), allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                if meta.get("format") != FORMAT_VERSION:
                    raise ValueError(f"{path}: recommender model format {meta.get('format')} "
                                     f"is not supported (expected {FORMAT_VERSION})")
                arrays = {a: z[a] for a in cls._ARRAYS if a in z}
        except (OSError, KeyError, ValueError, json.JSONDecodeError) as exc:
            if isinstance(exc, ValueError) and "format" in str(exc):
                raise
            raise ValueError(f"{path}: not a readable recommender model ({exc})") from exc
        return cls(arrays, Weights(**meta["weights"]), meta["n_customers"])

    # ------------------------------------------------------------------ queries
    def _items(self, values: Collection[int] | Sequence[int], what: str) -> np.ndarray:
        arr = np.unique(np.fromiter((int(v) for v in values), dtype=np.int64))
        if arr.size and (arr[0] < 0 or arr[-1] >= self.n_items):
            bad = arr[0] if arr[0] < 0 else arr[-1]
            raise ValueError(f"{what} refers to item {bad}, but the model knows items "
                             f"0..{self.n_items - 1}")
        return arr

    def _content_pairs(self, cart: np.ndarray):
        """(cart position, item, cosine) for items sharing a term with cart items."""
        tpos, towner = K.gather(self.a_indptr, cart)
        if tpos.size == 0:
            e = np.zeros(0, dtype=np.int64)
            return e, e, np.zeros(0)
        ppos, pown = K.gather(self.t_indptr, self.a_indices[tpos])
        if ppos.size == 0:
            e = np.zeros(0, dtype=np.int64)
            return e, e, np.zeros(0)
        n = self.n_items
        key = towner[pown] * n + self.t_indices[ppos]
        val = self.t_data[ppos].astype(np.float64) * self.a_data[tpos][pown]
        u, sims, _ = _agg(key, val, n * len(cart), best=False)
        src, item = u // n, u % n
        own = item != cart[src]
        return src[own], item[own], sims[own]

    def _neighbour_customers(self, customer: int):
        lo, hi = self.w_indptr[customer], self.w_indptr[customer + 1]
        its, wv = self.w_indices[lo:hi], self.w_data[lo:hi].astype(np.float64)
        ppos, pown = K.gather(self.wt_indptr, its)
        if ppos.size == 0:
            e = np.zeros(0, dtype=np.int64)
            return e, np.zeros(0)
        cu, s, _ = _agg(self.wt_indices[ppos].astype(np.int64), self.wt_data[ppos] * wv[pown],
                        self.n_customers, best=False)
        mine = cu != customer
        cu, s = cu[mine], s[mine]
        order = np.lexsort((cu, -s))[:USER_NEIGHBOURS]
        return cu[order], s[order]

    def _score(self, cart: np.ndarray, customer: int | None) -> _Scored:
        known = customer is not None and 0 <= customer < self.n_customers
        pools = [self.global_top[:50].astype(np.int64)]
        # item-to-item co-purchases
        pos, own = K.gather(self.nb_indptr, cart)
        cf_items = self.nb_indices[pos].astype(np.int64)
        cf_u, cf_s, cf_best = _agg(cf_items, self.nb_sim[pos], self.n_items)
        pools.append(cf_u)
        # content
        c_src, c_item, c_sim = self._content_pairs(cart)
        ct_u, ct_s, ct_best = _agg(c_item, c_sim, self.n_items)
        pools.append(_top(ct_u, ct_s, PER_SOURCE))
        # customers: similar ones, and this one's own history
        us_u = hs_u = np.zeros(0, dtype=np.int64)
        us_s = us_c = hs_s = hs_c = np.zeros(0)
        if known:
            nbrs, sims = self._neighbour_customers(int(customer))
            rpos, rown = K.gather(self.r_indptr, nbrs)
            if rpos.size:
                items_r = self.r_indices[rpos].astype(np.int64)
                us_u, us_s, _ = _agg(items_r, self.r_data[rpos] * sims[rown], self.n_items,
                                     best=False)
                us_c = np.bincount(np.searchsorted(us_u, items_r), minlength=len(us_u))
                pools.append(_top(us_u, us_s, PER_SOURCE))
            lo, hi = self.h_indptr[customer], self.h_indptr[customer + 1]
            hs_u = self.h_indices[lo:hi].astype(np.int64)
            hs_c = self.h_data[lo:hi].astype(np.float64)
            hs_s = np.log1p(hs_c)
            pools.append(_top(hs_u, hs_s, PER_SOURCE))
        # category fallbacks
        if cart.size:
            cats = np.unique(self.cat_id[cart])
            depts = np.unique(self.dept_id[cart])
            pools.append(self.cat_items[K.gather(self.cat_indptr, cats)[0]].astype(np.int64))
            pools.append(self.dept_items[K.gather(self.dept_indptr, depts)[0]].astype(np.int64))
        cands = np.unique(np.concatenate(pools))
        m = np.zeros((len(cands), len(COMPONENTS)))
        m[:, 0] = _lookup(cf_u, cf_s, cands)
        m[:, 1] = _lookup(ct_u, ct_s, cands)
        m[:, 2] = _lookup(us_u, us_s, cands)
        m[:, 3] = _lookup(hs_u, hs_s, cands)
        pop = self.pop[cands].astype(np.float64)
        m[:, 4] = pop
        if cart.size:
            same = np.isin(self.cat_id[cands], cats)
            dept = np.isin(self.dept_id[cands], depts)
            m[:, 5] = pop * np.where(same, 1.0, np.where(dept, 0.5, 0.0))
        peak = m[:, :4].max(axis=0)
        m[:, :4] /= np.where(peak > 0, peak, 1.0)
        cf_src_all = cart[own[cf_best]] if cf_best.size else np.zeros(0, np.int64)
        ct_src_all = cart[c_src[ct_best]] if ct_best.size else np.zeros(0, np.int64)
        return _Scored(
            items=cands, m=m,
            cf_src=_lookup(cf_u, cf_src_all, cands, -1),
            cf_count=_lookup(cf_u, self.nb_count[pos][cf_best] if cf_best.size
                             else np.zeros(0, np.int64), cands, 0),
            ct_src=_lookup(ct_u, ct_src_all, cands, -1),
            user_count=_lookup(us_u, us_c, cands, 0),
            hist_count=_lookup(hs_u, hs_c, cands, 0),
        )

    def _allowed(self, items: np.ndarray, cart: np.ndarray, exclude: np.ndarray,
                 available: np.ndarray | None) -> np.ndarray:
        ok = self.active[items] & ~np.isin(items, cart) & ~np.isin(items, exclude)
        if available is not None:
            av = np.asarray(available, dtype=bool)
            if av.shape != (self.n_items,):
                raise ValueError(f"available must have one flag per item ({self.n_items}), "
                                 f"got shape {av.shape}")
            ok &= av[items]
        return ok

    def _reason(self, sc: _Scored, row: int, contrib: np.ndarray, base: float) -> Reason:
        item = int(sc.items[row])
        best = int(np.argmax(contrib))
        kind = COMPONENTS[best] if contrib[best] > 0 else "pop"
        boost = float(self.rating_boost[item]) * self.weights.rating
        reviews = int(self.rating_n[item])
        rated = Reason("rated", None, rating=round(float(self.rating_avg[item]), 2),
                       reviews=reviews)
        if reviews and boost > 0 and (base * boost > contrib[best] or kind in ("pop", "catpop")):
            return rated
        if kind == "cf" and sc.cf_src[row] >= 0:
            return Reason("bought_with", int(sc.cf_src[row]), count=int(sc.cf_count[row]))
        if kind == "content" and sc.ct_src[row] >= 0:
            return Reason("similar", int(sc.ct_src[row]))
        if kind == "user":
            return Reason("customers_like", None, count=int(sc.user_count[row]))
        if kind == "history":
            return Reason("bought_before", None, count=int(sc.hist_count[row]))
        return Reason("popular", None, count=int(self.item_baskets[item]))

    def recommend(self, cart: Sequence[int], k: int = 10, *, customer: int | None = None,
                  exclude: Collection[int] = (), available: np.ndarray | None = None,
                  max_per_category: int | None = None) -> list[Suggestion]:
        """Up to ``k`` suggestions for a cart (item indices), best first.

        ``customer`` (index) adds the customer's own history and similar customers; an
        unknown or out-of-range customer is treated as anonymous. Never returns items in
        the cart or ``exclude``, inactive items, or items with ``available[item] == False``.
        At most ``max_per_category`` (default 40 % of ``k``, at least 2) come from one
        category while other candidates remain.
        """
        if k <= 0:
            return []
        cart_a = self._items(cart, "the cart")
        excl = self._items(exclude, "exclude")
        if customer is not None and not 0 <= customer < self.n_customers:
            customer = None
        sc = self._score(cart_a, customer)
        ok = self._allowed(sc.items, cart_a, excl, available)
        w = self.weights.vector()
        contrib = sc.m * w
        base = contrib.sum(axis=1)
        final = base * (1.0 + self.weights.rating * self.rating_boost[sc.items])
        rows = np.flatnonzero(ok)
        rows = rows[np.lexsort((sc.items[rows], -final[rows]))]
        cap = max_per_category or max(2, (4 * k + 9) // 10)
        chosen: list[int] = []
        deferred: list[int] = []
        per_cat: dict[int, int] = {}
        for r in rows:
            c = int(self.cat_id[sc.items[r]])
            if per_cat.get(c, 0) < cap:
                per_cat[c] = per_cat.get(c, 0) + 1
                chosen.append(int(r))
                if len(chosen) == k:
                    break
            else:
                deferred.append(int(r))
        if len(chosen) < k:
            chosen += deferred[: k - len(chosen)]
            chosen.sort(key=lambda r: (-final[r], sc.items[r]))
        return [Suggestion(int(sc.items[r]), float(final[r]),
                           self._reason(sc, r, contrib[r], float(base[r]))) for r in chosen]

    def bought_together(self, item: int, k: int = 10,
                        available: np.ndarray | None = None) -> list[Suggestion]:
        """Items most often bought with ``item`` (co-purchase cosine), with basket counts."""
        it = self._items([item], "item")
        lo, hi = self.nb_indptr[it[0]], self.nb_indptr[it[0] + 1]
        items = self.nb_indices[lo:hi].astype(np.int64)
        sims, counts = self.nb_sim[lo:hi], self.nb_count[lo:hi]
        ok = self._allowed(items, it, np.zeros(0, np.int64), available)
        order = np.flatnonzero(ok)
        order = order[np.lexsort((items[order], -sims[order]))][:k]
        return [Suggestion(int(items[r]), float(sims[r]),
                           Reason("bought_with", int(it[0]), count=int(counts[r])))
                for r in order]

    def similar_items(self, item: int, k: int = 10,
                      available: np.ndarray | None = None) -> list[Suggestion]:
        """Items whose category, brand and words resemble ``item`` (TF-IDF cosine)."""
        it = self._items([item], "item")
        _, items, sims = self._content_pairs(it)
        ok = self._allowed(items, it, np.zeros(0, np.int64), available)
        order = np.flatnonzero(ok)
        order = order[np.lexsort((items[order], -sims[order]))][:k]
        return [Suggestion(int(items[r]), float(sims[r]), Reason("similar", int(it[0])))
                for r in order]

    def key_of(self, item: int) -> str:
        return str(self.keys[item])


# ---------------------------------------------------------------------- tuning
def _ratings_table(data: TrainingData, n_items: int) -> np.ndarray:
    """The ratings as rows of (customer, item, stars), checked against the catalog."""
    rat = np.fromiter(chain.from_iterable(data.ratings), dtype=np.float64,
                      count=3 * len(data.ratings)).reshape(-1, 3)
    if len(rat):
        ri = rat[:, 1]
        if ri.min() < 0 or ri.max() >= n_items:
            raise ValueError("a rating refers to an item outside the catalog")
    return rat


def _customer_arrays(data: TrainingData, x: sp.csr_matrix, rat: np.ndarray) -> dict[str, np.ndarray]:
    """What each known customer bought (``h_*``), how much it tells about them (``r_*``: log
    counts moved by their ratings), and the TF-IDF profile used to find similar customers
    (``w_*``, its best items; ``wt_*``, per item the customers it describes best)."""
    nbk, n = x.shape
    nc = int(data.n_customers)
    hist = sp.csr_matrix((max(nc, 0), n), dtype=np.float32)
    rel = hist
    if nc > 0 and data.basket_customers is not None:
        bc = np.asarray(data.basket_customers, dtype=np.int64)
        if len(bc) != nbk:
            raise ValueError(f"{len(bc)} basket customers for {nbk} baskets")
        h_indptr, h_indices, h_counts = K.customer_items(bc, x, nc)
        hist = sp.csr_matrix((h_counts.astype(np.float32), h_indices, h_indptr), shape=(nc, n))
        rel = hist.copy()
        rel.data = np.log1p(rel.data)
        if len(rat):
            rc = rat[:, 0].astype(np.int64)
            okr = (rc >= 0) & (rc < nc)
            adj = sp.csr_matrix((0.25 * (np.clip(rat[okr, 2], 1, 5) - 3.0),
                                 (rc[okr], rat[okr, 1].astype(np.int64))), shape=(nc, n))
            rel = (rel + adj).tocsr()
            rel.data = np.maximum(rel.data, 0.0)
            rel.eliminate_zeros()
        rel.sort_indices()
    rel = rel.astype(np.float32).tocsr()
    hist = hist.tocsr()
    hist.sort_indices()
    buyers = np.bincount(rel.indices, minlength=n).astype(np.float64)
    idf = np.log(np.maximum(nc, 1) / np.maximum(buyers, 1.0))
    w = rel.copy().astype(np.float64)
    w.data = w.data * idf[w.indices]
    wrows = K.row_ids(w.indptr)
    norms = np.sqrt(np.bincount(wrows, weights=w.data**2, minlength=w.shape[0]))
    w.data = w.data / np.maximum(norms, 1e-12)[wrows]
    w.data[w.data <= 0] = 0.0
    w.eliminate_zeros()
    wrows = K.row_ids(w.indptr)
    keep = K.top_n_mask(wrows, w.data, w.shape[0], USER_ITEMS)
    w_indptr = np.zeros(w.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(wrows[keep], minlength=w.shape[0]), out=w_indptr[1:])
    wt_indptr, wt_indices, wt_data = K.capped_postings(w, None, USER_POSTINGS, min_len=2)

    return dict(
        h_indptr=hist.indptr.astype(np.int64), h_indices=hist.indices.astype(np.int32),
        h_data=hist.data.astype(np.float32),
        r_indptr=rel.indptr.astype(np.int64), r_indices=rel.indices.astype(np.int32),
        r_data=rel.data.astype(np.float32),
        w_indptr=w_indptr, w_indices=w.indices[keep].astype(np.int32),
        w_data=w.data[keep].astype(np.float32),
        wt_indptr=wt_indptr, wt_indices=wt_indices, wt_data=wt_data,
    )


def holdout_queries(data: TrainingData, start: int, *, seed: int = 0,
                    limit: int | None = None) -> list[tuple[list[int], int, int]]:
    """(cart, hidden item, customer) for every basket from ``start`` on with ≥ 2 items:
    one item (chosen by ``seed``) is hidden, the rest is the cart."""
    rng = np.random.default_rng(seed)
    out = []
    for b in range(start, len(data.baskets)):
        items = list(dict.fromkeys(data.baskets[b]))
        if len(items) < 2:
            continue
        h = int(rng.integers(len(items)))
        hidden = items.pop(h)
        out.append((items, hidden, data.customer_of(b)))
    if limit is not None and len(out) > limit:
        pick = np.sort(rng.choice(len(out), size=limit, replace=False))
        out = [out[i] for i in pick]
    return out


def _objective(parts, w: np.ndarray, rating: float) -> float:
    m, qid, boost, target_score_row, ids, nq = parts
    score = (m @ w) * (1.0 + rating * boost)
    has = target_score_row >= 0
    ts = np.full(nq, -np.inf)
    tid = np.full(nq, -1)
    ts[has] = score[target_score_row[has]]
    tid[has] = ids[target_score_row[has]]
    better = (score > ts[qid]) | ((score == ts[qid]) & (ids < tid[qid]))
    rank = 1 + np.bincount(qid, weights=better, minlength=nq)
    hit = has & (rank <= 10)
    return float(hit.mean() + np.where(hit, 1.0 / rank, 0.0).mean())


def tune_weights(data: TrainingData, *, holdout: float = 0.1, seed: int = 0,
                 max_queries: int = 1500) -> Weights:
    """Choose blend weights on the last ``holdout`` share of the history.

    Trains once on the older part, scores every hold-out query's candidates once, then
    runs three rounds of coordinate search (each weight ×0, ×¼ … ×4 of its current value)
    maximising HitRate@10 + MRR@10 — re-blending is a matrix-vector product, so the
    search costs milliseconds per setting. Returns the defaults when there is too little
    history to judge.
    """
    nb = len(data.baskets)
    start = nb - max(1, int(round(nb * holdout)))
    if start <= 0:
        return Weights()
    queries = holdout_queries(data, start, seed=seed, limit=max_queries)
    if len(queries) < 5:
        return Weights()
    model = Recommender.train(data.head(start))
    ms, qids, boosts, ids, trow = [], [], [], [], []
    offset = 0
    for q, (cart, hidden, cust) in enumerate(queries):
        cart_a = model._items(cart, "the cart")
        sc = model._score(cart_a, cust if cust >= 0 else None)
        ok = model._allowed(sc.items, cart_a, np.zeros(0, np.int64), None)
        items = sc.items[ok]
        ms.append(sc.m[ok])
        qids.append(np.full(len(items), q))
        boosts.append(model.rating_boost[items].astype(np.float64))
        ids.append(items)
        where = np.flatnonzero(items == hidden)
        trow.append(offset + int(where[0]) if where.size else -1)
        offset += len(items)
    parts = (np.concatenate(ms), np.concatenate(qids), np.concatenate(boosts),
             np.asarray(trow), np.concatenate(ids), len(queries))
    names = [f.name for f in fields(Weights)]
    current = Weights().to_array()
    blend = len(COMPONENTS)

    def value(vec: np.ndarray) -> float:
        return _objective(parts, vec[:blend], float(vec[blend]))

    best = value(current)
    for _ in range(3):
        for j, _name in enumerate(names):
            base = current[j] if current[j] > 0 else 0.1
            for factor in (0.0, 0.25, 0.5, 0.75, 1.5, 2.0, 4.0):
                trial = current.copy()
                trial[j] = base * factor
                if not trial[:blend].any():
                    continue
                v = value(trial)
                if v > best + 1e-12:
                    best, current = v, trial
    return Weights.from_array(current)
