"""Sparse building blocks for the recommender (numpy and scipy.sparse; the loops over every
order line are compiled, in :mod:`._compiled`, imported only by training: answering a
query never loads the compiler).

Nothing here loops in Python over baskets, items or matrix entries, except over the words
of product names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain

import numpy as np
import scipy.sparse as sp

from .data import Baskets, ItemInfo


def gather(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of all entries of CSR rows ``rows`` and, for each, which of ``rows`` owns it."""
    rows = np.asarray(rows, dtype=np.int64)
    starts = indptr[rows].astype(np.int64)
    lens = indptr[rows + 1].astype(np.int64) - starts
    total = int(lens.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), lens)
    shift = starts - (np.cumsum(lens) - lens)
    return np.arange(total, dtype=np.int64) + shift[owner], owner


def basket_matrix(baskets: Sequence[Sequence[int]], n_items: int) -> sp.csr_matrix:
    """Binary baskets × items CSR matrix (float32 ones, duplicates in a basket merged)."""
    from . import _compiled

    baskets = Baskets.of(baskets)
    flat = baskets.items
    if len(flat) and (flat.min() < 0 or flat.max() >= n_items):
        bad = int(np.flatnonzero((flat < 0) | (flat >= n_items))[0])
        basket = int(np.searchsorted(baskets.bounds, bad, side="right")) - 1
        raise ValueError(f"basket {basket} refers to item {int(flat[bad])}, "
                         f"but the catalog has items 0..{n_items - 1}")
    indptr, indices = _compiled.first_of_each(baskets.bounds, flat, n_items)
    return sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(baskets), n_items))


def customer_items(basket_customers: np.ndarray, x: sp.csr_matrix, n_customers: int):
    """How many of their baskets held each item, per customer: CSR parts ``(indptr, items
    sorted per customer, counts)``; baskets of no known customer (-1) left out."""
    from . import _compiled

    return _compiled.group_counts(basket_customers, x.indptr, x.indices, n_customers, x.shape[1])


def row_ids(indptr: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(indptr) - 1, dtype=np.int32), np.diff(indptr))


def top_n_mask(rows: np.ndarray, values: np.ndarray, n_rows: int, n: int) -> np.ndarray:
    """Mask keeping the ``n`` largest ``values`` of each row (all of a row with fewer);
    ``rows`` sorted (CSR order). Ties go to the entries stored first."""
    from . import _compiled

    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_rows), out=indptr[1:])
    return _compiled.top_n_per_row(indptr, values, n)


def item_neighbours(x: sp.csr_matrix, shrink: float, top_n: int):
    """Top-``top_n`` co-purchase neighbours of every item.

    ``C = Xᵀ X`` counts baskets holding both items (diagonal: baskets holding the item).
    Similarity is cosine with significance shrinkage:

        s(i, j) = C_ij / sqrt(n_i n_j) · C_ij / (C_ij + shrink)

    Cosine divides by the geometric mean of both popularities, so milk (in every third
    basket) does not become everybody's neighbour, while a pair of rare items seen together
    once (cosine 1.0 on one observation) is damped by the shrinkage factor until the
    evidence grows. Each item's row of ``C`` is counted and cut to its best ``top_n`` at
    once, rows in parallel (:func:`._compiled.neighbours`), so the full ``C`` never exists.

    Returns CSR parts ``(indptr, indices, sim float32, count int32)`` plus ``n_i``.
    """
    from . import _compiled

    xt = x.T.tocsr()
    n = np.diff(xt.indptr).astype(np.float64)            # baskets holding each item
    basket_len = np.diff(x.indptr).astype(np.float64)
    reach = np.asarray(xt @ (basket_len - 1.0)).ravel()  # item pairs each row meets
    indptr, cols, sim, count = _compiled.neighbours(
        xt.indptr, xt.indices, x.indptr, x.indices, n, shrink, top_n,
        room=np.minimum(reach, top_n).astype(np.int64), work=reach + n)
    return indptr, cols, sim.astype(np.float32), count, n


_WORD = re.compile(r"\w\w+")
# field weights: the leaf category says most, then brand, then name words, then the text
_W_LEAF, _W_PARENT, _W_BRAND, _W_NAME, _W_TEXT = 2.0, 1.0, 1.5, 1.0, 0.5


def category_parts(category: str) -> list[str]:
    return [p.strip().lower() for p in category.split(">") if p.strip()]


def content_matrix(items: Sequence[ItemInfo]) -> sp.csr_matrix:
    """TF-IDF item × term matrix, rows L2-normalised (cosine = row dot product).

    Terms are namespaced so a brand called "Milk" does not match the word milk: ``c:`` every
    prefix of the category path (leaf weighted 2, parents 1), ``b:`` brand (1.5), ``w:``
    words of the name (1) and of the text (0.5). Term frequency is ``log(1 + weighted tf)``,
    inverse document frequency the smoothed ``1 + log((1 + N) / (1 + df))``.
    """
    n_items = len(items)
    vocab: dict[str, int] = {}
    term = vocab.setdefault
    # category path and brand: worked out once per distinct pair, then given to its items
    head_of: dict[tuple[str, str], int] = {}
    head = np.fromiter((head_of.setdefault((it.category, it.brand), len(head_of)) for it in items),
                       dtype=np.int64, count=n_items)
    head_cols: list[int] = []
    head_vals: list[float] = []
    head_indptr = [0]
    for category, brand in head_of:
        parts = category_parts(category)
        for d in range(len(parts)):
            head_cols.append(term("c:" + ">".join(parts[: d + 1]), len(vocab)))
            head_vals.append(_W_LEAF if d == len(parts) - 1 else _W_PARENT)
        if brand:
            head_cols.append(term("b:" + brand.strip().lower(), len(vocab)))
            head_vals.append(_W_BRAND)
        head_indptr.append(len(head_cols))
    at, head_rows = gather(np.asarray(head_indptr, dtype=np.int64), head)
    # words of names and texts: found for all items at once, numbered once per distinct word
    findall = _WORD.findall
    name_words = list(map(findall, [it.name.lower() for it in items]))
    text_words = list(map(findall, [it.text.lower() for it in items]))
    name_flat = list(chain.from_iterable(name_words))
    text_flat = list(chain.from_iterable(text_words))
    word_id = {w: term("w:" + w, len(vocab)) for w in dict.fromkeys(chain(name_flat, text_flat))}
    every = np.arange(n_items, dtype=np.int64)
    rows = np.concatenate((
        head_rows,
        np.repeat(every, np.fromiter(map(len, name_words), dtype=np.int64, count=n_items)),
        np.repeat(every, np.fromiter(map(len, text_words), dtype=np.int64, count=n_items))))
    cols = np.concatenate((
        np.asarray(head_cols, dtype=np.int64)[at],
        np.fromiter(map(word_id.__getitem__, name_flat), dtype=np.int64, count=len(name_flat)),
        np.fromiter(map(word_id.__getitem__, text_flat), dtype=np.int64, count=len(text_flat))))
    vals = np.concatenate((np.asarray(head_vals, dtype=np.float64)[at],
                           np.full(len(name_flat), _W_NAME), np.full(len(text_flat), _W_TEXT)))
    a = sp.csr_matrix((vals, (rows, cols)), shape=(n_items, max(1, len(vocab))))
    a.sum_duplicates()                                    # repeated words add up their weights
    a.data = np.log1p(a.data)                             # sublinear term frequency
    df = np.bincount(a.indices, minlength=a.shape[1]).astype(np.float64)
    idf = 1.0 + np.log((1.0 + n_items) / (1.0 + df))
    a.data = a.data * idf[a.indices]
    norms = np.sqrt(np.bincount(row_ids(a.indptr), weights=a.data**2, minlength=n_items))
    a.data = a.data / np.maximum(norms, 1e-12)[row_ids(a.indptr)]
    a.data = a.data.astype(np.float32)
    return a


def capped_postings(m: sp.csr_matrix, priority: np.ndarray | None, cap: int, min_len: int = 1):
    """Transpose of ``m`` (columns become rows), each row cut to its ``cap`` entries of highest
    ``priority[col]`` (or highest value when ``priority`` is None); rows shorter than
    ``min_len`` are emptied. Bounds query work whatever the catalog size."""
    t = m.T.tocsr()
    rows = row_ids(t.indptr)
    pr = t.data if priority is None else priority[t.indices] + 1e-9
    keep = top_n_mask(rows, pr, t.shape[0], cap)
    lens = np.diff(t.indptr)
    keep &= lens[rows] >= min_len
    counts = np.bincount(rows[keep], minlength=t.shape[0])
    indptr = np.zeros(t.shape[0] + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return indptr, t.indices[keep].astype(np.int32), t.data[keep].astype(np.float32)
