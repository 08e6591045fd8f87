"""What the recommendation engine learns from: the catalog and the shop's history.

Everything is addressed by *index*: item ``i`` is ``items[i]``, customer ``c`` is a number
in ``range(n_customers)``. The service layer maps product and customer ids to indices
(``ItemInfo.key`` keeps the product id so a saved model can be mapped back).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class ItemInfo:
    """One catalog entry as the engine sees it."""

    key: str          # the product id (opaque string)
    name: str
    category: str = ""   # category path, e.g. "Food > Dairy"
    brand: str = ""
    text: str = ""       # more words: attributes, description (content similarity)
    active: bool = True


class Baskets(Sequence[list[int]]):
    """Baskets kept as two arrays, not a Python list per basket: a million order lines take
    a few megabytes and reach the engine's compiled loops as they are.

    Basket ``b`` is ``items[bounds[b]:bounds[b + 1]]``. Reads like a list of lists of item
    indices (``len``, indexing, slicing, iteration).
    """

    __slots__ = ("items", "bounds")

    def __init__(self, items: np.ndarray, bounds: np.ndarray) -> None:
        self.items = np.asarray(items, dtype=np.int64)
        self.bounds = np.asarray(bounds, dtype=np.int64)
        if self.bounds.ndim != 1 or len(self.bounds) == 0 or self.bounds[0] != 0 \
                or self.bounds[-1] != len(self.items) or (np.diff(self.bounds) < 0).any():
            raise ValueError("basket bounds must rise from 0 to the number of items")

    @classmethod
    def of(cls, baskets: Iterable[Sequence[int]]) -> Baskets:
        if isinstance(baskets, Baskets):
            return baskets
        baskets = list(baskets)
        lengths = np.fromiter(map(len, baskets), dtype=np.int64, count=len(baskets))
        bounds = np.zeros(len(baskets) + 1, dtype=np.int64)
        np.cumsum(lengths, out=bounds[1:])
        items = np.fromiter((i for b in baskets for i in b), dtype=np.int64, count=int(bounds[-1]))
        return cls(items, bounds)

    @property
    def lines(self) -> int:
        return len(self.items)

    def __len__(self) -> int:
        return len(self.bounds) - 1

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("baskets can be sliced only in order")
            stop = max(start, stop)
            lo, hi = self.bounds[start], self.bounds[stop]
            return Baskets(self.items[lo:hi], self.bounds[start:stop + 1] - lo)
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("basket index out of range")
        return self.items[self.bounds[index]:self.bounds[index + 1]].tolist()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Baskets):
            return np.array_equal(self.items, other.items) and np.array_equal(self.bounds, other.bounds)
        if isinstance(other, Sequence):
            return list(self) == [list(b) for b in other]
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compared by content, like a list

    def __repr__(self) -> str:
        return f"Baskets({len(self)} baskets, {self.lines} lines)"

    def __iter__(self) -> Iterator[list[int]]:
        items, bounds = self.items.tolist(), self.bounds.tolist()
        return (items[bounds[b]:bounds[b + 1]] for b in range(len(bounds) - 1))


@dataclass
class TrainingData:
    """The history to learn from.

    ``baskets`` are lists of item indices bought together (one sale or one order), oldest
    first: the order matters for recency-weighted popularity and for the chronological
    hold-out used by :func:`~shopdesk.domain.recommend.engine.tune_weights`. Repeated
    items in one basket count once.
    """

    items: list[ItemInfo]                      # item index = position
    baskets: Sequence[Sequence[int]]           # item indices bought together, oldest first (Baskets)
    basket_customers: list[int] | None = None  # customer index per basket, -1 = unknown
    ratings: list[tuple[int, int, float]] = field(default_factory=list)  # (customer or -1, item, stars 1..5)
    n_customers: int = 0

    def __post_init__(self) -> None:
        self.baskets = Baskets.of(self.baskets)

    @property
    def n_items(self) -> int:
        return len(self.items)

    def head(self, n_baskets: int) -> TrainingData:
        """The same catalog with only the first ``n_baskets`` baskets (the older history).

        Ratings are kept whole: they carry no time, and a shop knows them at any moment.
        """
        customers = None if self.basket_customers is None else self.basket_customers[:n_baskets]
        return TrainingData(self.items, self.baskets[:n_baskets], customers,
                            self.ratings, self.n_customers)

    def customer_of(self, basket: int) -> int:
        """Customer index of basket ``basket``, or -1 when unknown."""
        if self.basket_customers is None:
            return -1
        c = self.basket_customers[basket]
        return c if 0 <= c < self.n_customers else -1
