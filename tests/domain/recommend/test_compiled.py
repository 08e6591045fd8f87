"""The compiled training loops agree with plain numpy/scipy on random histories."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from shopdesk.domain.recommend import _compiled
from shopdesk.domain.recommend import _kernels as K
from shopdesk.domain.recommend.data import Baskets


def random_baskets(seed: int, n_baskets: int = 400, n_items: int = 60) -> Baskets:
    rng = np.random.default_rng(seed)
    popularity = rng.zipf(1.6, n_items).astype(np.float64)
    popularity /= popularity.sum()
    lists = [list(rng.choice(n_items, size=int(rng.integers(1, 9)), p=popularity)) for _ in range(n_baskets)]
    return Baskets.of(lists)  # repeats inside a basket on purpose


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_basket_matrix_merges_repeats_and_keeps_the_first_order(seed):
    baskets = random_baskets(seed)
    x = K.basket_matrix(baskets, 60)
    for b, items in enumerate(baskets):
        row = x.indices[x.indptr[b]:x.indptr[b + 1]].tolist()
        assert row == list(dict.fromkeys(items))
    assert (x.data == 1).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("top_n", [3, 10, 100])
def test_neighbours_are_the_best_by_shrunk_cosine_with_the_true_counts(seed, top_n):
    x = K.basket_matrix(random_baskets(seed), 60)
    indptr, cols, sim, count, n = K.item_neighbours(x, 3.0, top_n)
    c = (x.T @ x).toarray().astype(np.int64)
    np.testing.assert_array_equal(n, np.diag(c))
    for i in range(60):
        mine = cols[indptr[i]:indptr[i + 1]]
        candidates = [j for j in range(60) if j != i and c[i, j] > 0]
        assert len(mine) == min(top_n, len(candidates))
        assert len(set(mine.tolist())) == len(mine) and i not in mine
        np.testing.assert_array_equal(count[indptr[i]:indptr[i + 1]], c[i, mine])
        exact = {j: c[i, j] / np.sqrt(c[i, i] * c[j, j]) * c[i, j] / (c[i, j] + 3.0) for j in candidates}
        np.testing.assert_allclose(sim[indptr[i]:indptr[i + 1]], [exact[j] for j in mine], rtol=1e-6)
        dropped = [exact[j] for j in candidates if j not in set(mine.tolist())]
        if dropped:
            assert min(exact[j] for j in mine) >= max(dropped) - 1e-12


def test_customer_items_match_a_sparse_sum_and_skip_unknown_customers():
    baskets = random_baskets(5)
    x = K.basket_matrix(baskets, 60)
    owner = np.random.default_rng(5).integers(-1, 25, len(baskets))
    owner[3] = 99  # outside the customers: left out like -1
    indptr, items, counts = K.customer_items(owner, x, 25)
    known = (owner >= 0) & (owner < 25)
    expected = sp.csr_matrix((np.ones(known.sum()), (owner[known], np.arange(len(owner))[known])),
                             shape=(25, len(owner))) @ x
    expected.sort_indices()
    np.testing.assert_array_equal(indptr, expected.indptr)
    np.testing.assert_array_equal(items, expected.indices)
    np.testing.assert_array_equal(counts, expected.data)


def test_top_n_per_row_keeps_all_of_short_rows_and_the_largest_of_long_ones():
    rng = np.random.default_rng(7)
    lengths = rng.integers(0, 20, 50)
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    values = rng.integers(0, 6, indptr[-1]).astype(np.float64)  # many ties
    keep = _compiled.top_n_per_row(indptr, values, 5)
    for r in range(50):
        row, kept = values[indptr[r]:indptr[r + 1]], keep[indptr[r]:indptr[r + 1]]
        assert kept.sum() == min(5, len(row))
        if len(row) > 5:
            assert row[kept].min() >= row[~kept].max()
            threshold = row[kept].min()  # of the tied values, the first ones are kept
            tied = np.flatnonzero(row == threshold)
            assert kept[tied].tolist() == sorted(kept[tied].tolist(), reverse=True)


def test_the_same_history_trains_the_same_neighbours_every_time():
    x = K.basket_matrix(random_baskets(11, 2_000, 300), 300)
    first, second = K.item_neighbours(x, 3.0, 20), K.item_neighbours(x, 3.0, 20)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_kernel_is_still_compiled_where_no_cache_can_be_kept():
    namespace: dict = {}
    exec("def add_one(a):\n    return a + 1\n", namespace)  # no source file: numba cannot cache it
    assert _compiled._compile()(namespace["add_one"])(41) == 42


def test_baskets_read_like_lists_and_slice_in_order():
    baskets = Baskets.of([[1, 2], [], [3, 3, 4]])
    assert len(baskets) == 3 and baskets.lines == 5
    assert list(baskets) == [[1, 2], [], [3, 3, 4]] and baskets[-1] == [3, 3, 4]
    assert baskets[1:] == [[], [3, 3, 4]] and baskets[:1].lines == 2
    with pytest.raises(IndexError):
        baskets[3]
    with pytest.raises(ValueError, match="bounds"):
        Baskets(np.array([1, 2]), np.array([0, 3]))
