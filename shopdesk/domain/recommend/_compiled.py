"""The recommender's loops over every order line, compiled with numba.

Training touches each of a million order lines a few times and each co-purchased pair of
items once: tens of millions of steps. Sparse matrix products and sorts (scipy) would write
whole intermediate matrices and prune them afterwards; these kernels count a row at a time
in a dense accumulator and keep only what is wanted, rows in parallel.

Compiled on first use and cached on disk where numba can write its cache (the package
folder, or ``NUMBA_CACHE_DIR``); where it cannot (a frozen bundle), compiled per process.
Every result is deterministic: rows are independent, and ties are broken by storage order.
"""

from __future__ import annotations

import os
import threading

import numba
import numpy as np


def _compile(**options):
    """``numba.njit`` with an on-disk cache when this install allows one."""
    def decorate(function):
        try:
            return numba.njit(cache=True, nogil=True, **options)(function)
        except RuntimeError:  # no writable cache folder beside the source, or no source
            return numba.njit(cache=False, nogil=True, **options)(function)
    return decorate


_LOCK = threading.Lock()  # numba's default thread pool serves one parallel call at a time


def threads() -> int:
    return max(1, min(numba.get_num_threads(), os.cpu_count() or 1))


def _blocks(work: np.ndarray, per_thread: int = 4) -> np.ndarray:
    """Row bounds splitting ``work`` (per row) into about ``per_thread × threads`` even blocks."""
    n_rows = len(work)
    total = np.cumsum(work, dtype=np.float64)
    n_blocks = max(1, min(n_rows, per_thread * threads()))
    cuts = (np.searchsorted(total, np.linspace(0, total[-1], n_blocks + 1)[1:-1])
            if n_rows and total[-1] > 0 else np.zeros(0, dtype=np.int64))
    return np.unique(np.concatenate(([0], cuts, [n_rows]))).astype(np.int64)


# -- keeping the n largest values of each row ------------------------------------------------

@_compile()
def _keep_top(values, lo, hi, n, keep):
    """Mark in ``keep[lo:hi]`` the ``n`` largest of ``values[lo:hi]`` (ties: first ones)."""
    m = hi - lo
    if m <= n:
        for t in range(lo, hi):
            keep[t] = True
        return
    threshold = np.partition(values[lo:hi], m - n)[m - n]  # the n-th largest
    ties = n
    for t in range(lo, hi):
        if values[t] > threshold:
            ties -= 1
    for t in range(lo, hi):
        v = values[t]
        if v > threshold:
            keep[t] = True
        elif v == threshold and ties > 0:
            keep[t] = True
            ties -= 1


@_compile(parallel=True)
def _top_n_rows(indptr, values, n, bounds, keep):
    for b in numba.prange(len(bounds) - 1):
        for r in range(bounds[b], bounds[b + 1]):
            _keep_top(values, indptr[r], indptr[r + 1], n, keep)


def top_n_per_row(indptr: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Mask keeping the ``n`` largest ``values`` of each CSR row (all of a shorter row)."""
    keep = np.zeros(len(values), dtype=np.bool_)
    indptr = np.asarray(indptr, dtype=np.int64)
    with _LOCK:
        _top_n_rows(indptr, np.asarray(values, dtype=np.float64), int(n), _blocks(np.diff(indptr)), keep)
    return keep


# -- merging repeated items of a basket -------------------------------------------------------

@_compile()
def _first_of_each(indptr, indices, n_cols, out_indptr, out_indices):
    last_row = np.full(n_cols, -1, dtype=np.int64)
    k = 0
    for r in range(len(indptr) - 1):
        for p in range(indptr[r], indptr[r + 1]):
            j = indices[p]
            if last_row[j] != r:
                last_row[j] = r
                out_indices[k] = j
                k += 1
        out_indptr[r + 1] = k
    return k


def first_of_each(indptr: np.ndarray, indices: np.ndarray, n_cols: int) -> tuple[np.ndarray, np.ndarray]:
    """CSR rows with repeated columns dropped (the first of each kept, order unchanged)."""
    out_indptr = np.zeros(len(indptr), dtype=np.int64)
    out_indices = np.empty(len(indices), dtype=np.int32)
    k = _first_of_each(np.asarray(indptr, dtype=np.int64), np.asarray(indices, dtype=np.int32), int(n_cols),
                       out_indptr, out_indices)
    return out_indptr, out_indices[:k]


# -- what each customer bought ---------------------------------------------------------------

@_compile(parallel=True)
def _group_counts(group_indptr, group_rows, x_indptr, x_indices, n_cols, bounds, starts, lengths,
                  out_cols, out_counts):
    for b in numba.prange(len(bounds) - 1):
        acc = np.zeros(n_cols, dtype=np.int64)
        touched = np.empty(n_cols, dtype=np.int64)
        for g in range(bounds[b], bounds[b + 1]):
            m = 0
            for p in range(group_indptr[g], group_indptr[g + 1]):
                row = group_rows[p]
                for q in range(x_indptr[row], x_indptr[row + 1]):
                    j = x_indices[q]
                    if acc[j] == 0:
                        touched[m] = j
                        m += 1
                    acc[j] += 1
            touched[:m].sort()
            at = starts[g]
            for t in range(m):
                j = touched[t]
                out_cols[at + t] = j
                out_counts[at + t] = acc[j]
                acc[j] = 0
            lengths[g] = m


@_compile()
def _rows_by_group(owner, group_indptr):
    """Row numbers ordered by their group (a counting sort: stable, one pass)."""
    n_groups = len(group_indptr) - 1
    at = group_indptr[:-1].copy()
    rows = np.empty(group_indptr[-1], dtype=np.int64)
    for r in range(len(owner)):
        g = owner[r]
        if 0 <= g < n_groups:
            rows[at[g]] = r
            at[g] += 1
    return rows


def group_counts(owner: np.ndarray, x_indptr: np.ndarray, x_indices: np.ndarray, n_groups: int,
                 n_cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of ``x`` summed by ``owner`` (one per row; outside ``0..n_groups-1`` left out):
    CSR parts ``(indptr, indices sorted per row, counts)`` of the groups × columns matrix."""
    owner = np.asarray(owner, dtype=np.int64)
    x_indptr = np.asarray(x_indptr, dtype=np.int64)
    ok = (owner >= 0) & (owner < n_groups)
    known, lines = owner[ok], np.diff(x_indptr)[ok]
    group_indptr = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(known, minlength=n_groups), out=group_indptr[1:])
    order = _rows_by_group(owner, group_indptr)
    room = np.bincount(known, weights=lines, minlength=n_groups).astype(np.int64)
    starts = np.zeros(n_groups + 1, dtype=np.int64)
    np.cumsum(room, out=starts[1:])
    cols = np.empty(int(starts[-1]), dtype=np.int32)
    counts = np.empty(int(starts[-1]), dtype=np.int64)
    lengths = np.zeros(n_groups, dtype=np.int64)
    with _LOCK:
        _group_counts(group_indptr, order, x_indptr, np.asarray(x_indices, dtype=np.int32),
                      int(n_cols), _blocks(room), starts, lengths, cols, counts)
    return _compact(starts, lengths, cols, counts)


# -- co-purchase neighbours -------------------------------------------------------------------

@_compile()
def _neighbour_row(i, acc, touched, sims, xt_indptr, xt_indices, x_indptr, x_indices, inv_sqrt_n, shrink, top_n,
                   out_cols, out_sim, out_count, at):
    """Neighbours of item ``i`` into ``out_*[at:]``; returns how many were written."""
    m = 0
    for p in range(xt_indptr[i], xt_indptr[i + 1]):
        basket = xt_indices[p]
        for q in range(x_indptr[basket], x_indptr[basket + 1]):
            j = x_indices[q]
            seen = acc[j]
            touched[m] = j  # kept (m moves on) only when j is new: no branch to mispredict
            m += 1 if seen == 0 else 0
            acc[j] = seen + 1
    k = 0
    scale = inv_sqrt_n[i]
    for t in range(m):
        j = touched[t]
        if j == i:
            acc[j] = 0
            continue
        c = acc[j]
        touched[k] = j
        sims[k] = c * scale * inv_sqrt_n[j] * (c / (c + shrink))
        k += 1
    m = k
    threshold = -1.0
    ties = 0
    if m > top_n:
        threshold = np.partition(sims[:m], m - top_n)[m - top_n]  # the top_n-th largest
        ties = top_n
        for t in range(m):
            if sims[t] > threshold:
                ties -= 1  # what is left is taken from the values equal to it, first met first
    k = 0
    for t in range(m):
        j = touched[t]
        s = sims[t]
        if s > threshold or (s == threshold and ties > 0):
            if s == threshold:
                ties -= 1
            out_cols[at + k] = j
            out_sim[at + k] = s
            out_count[at + k] = acc[j]
            k += 1
        acc[j] = 0
    return k


@_compile(parallel=True)
def _neighbour_rows(starts, xt_indptr, xt_indices, x_indptr, x_indices, inv_sqrt_n, shrink, top_n, bounds, lengths,
                    out_cols, out_sim, out_count):
    n_items = len(xt_indptr) - 1
    for b in numba.prange(len(bounds) - 1):
        acc = np.zeros(n_items, dtype=np.int32)
        touched = np.empty(n_items + 1, dtype=np.int64)
        sims = np.empty(n_items, dtype=np.float64)
        for i in range(bounds[b], bounds[b + 1]):
            lengths[i] = _neighbour_row(i, acc, touched, sims, xt_indptr, xt_indices, x_indptr, x_indices,
                                        inv_sqrt_n, shrink, top_n, out_cols, out_sim, out_count, starts[i])


def neighbours(xt_indptr: np.ndarray, xt_indices: np.ndarray, x_indptr: np.ndarray, x_indices: np.ndarray,
               n: np.ndarray, shrink: float, top_n: int, room: np.ndarray, work: np.ndarray):
    """For every item ``i``: at most ``top_n`` items ``j != i`` with the highest
    ``C_ij / sqrt(n_i n_j) · C_ij / (C_ij + shrink)`` (ties: first met), ``room[i]`` being
    the most it can have. CSR parts ``(indptr, cols, sim float64, count int32)``."""
    starts = np.zeros(len(room) + 1, dtype=np.int64)
    np.cumsum(room, out=starts[1:])
    total = int(starts[-1])
    cols = np.empty(total, dtype=np.int32)
    sim = np.empty(total, dtype=np.float64)
    count = np.empty(total, dtype=np.int32)
    lengths = np.zeros(len(room), dtype=np.int64)
    inv_sqrt_n = np.zeros(len(n), dtype=np.float64)
    np.divide(1.0, np.sqrt(n), out=inv_sqrt_n, where=n > 0)
    with _LOCK:
        _neighbour_rows(starts, np.asarray(xt_indptr, dtype=np.int64), np.asarray(xt_indices, dtype=np.int32),
                        np.asarray(x_indptr, dtype=np.int64), np.asarray(x_indices, dtype=np.int32), inv_sqrt_n,
                        float(shrink), int(top_n), _blocks(work), lengths, cols, sim, count)
    return _compact(starts, lengths, cols, sim, count)


# -- packing rows written with room to spare ------------------------------------------------

@_compile(parallel=True)
def _pack(starts, indptr, bounds, source, target):
    for b in numba.prange(len(bounds) - 1):
        for r in range(bounds[b], bounds[b + 1]):
            at = starts[r]
            to = indptr[r]
            for t in range(indptr[r + 1] - to):
                target[to + t] = source[at + t]


def _compact(starts: np.ndarray, lengths: np.ndarray, *columns: np.ndarray):
    """``(indptr, *columns)`` with each row's ``lengths[r]`` entries moved from ``starts[r]``
    to close the gaps."""
    indptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    bounds = _blocks(lengths)
    packed = []
    with _LOCK:
        for column in columns:
            target = np.empty(int(indptr[-1]), dtype=column.dtype)
            _pack(starts, indptr, bounds, column, target)
            packed.append(target)
    return (indptr, *packed)
