"""What the recommendation engine learns from: the catalog and the shop's history.

Everything is addressed by *index*: item ``i`` is ``items[i]``, customer ``c`` is a number
in ``range(n_customers)``. The service layer maps product and customer ids to indices
(``ItemInfo.key`` keeps the product id so a saved model can be mapped back).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ItemInfo:
    """One catalog entry as the engine sees it."""

    key: str          # the product id (opaque string)
    name: str
    category: str = ""   # category path, e.g. "Food > Dairy"
    brand: str = ""
    text: str = ""       # more words: attributes, description (content similarity)
    active: bool = True


@dataclass
class TrainingData:
    """The history to learn from.

    ``baskets`` are lists of item indices bought together (one sale or one order), oldest
    first: the order matters for recency-weighted popularity and for the chronological
    hold-out used by :func:`~shopdesk.domain.recommend.engine.tune_weights`. Repeated
    items in one basket count once.
    """

    items: list[ItemInfo]                      # item index = position
    baskets: list[list[int]]                   # item indices bought together, oldest first
    basket_customers: list[int] | None = None  # customer index per basket, -1 = unknown
    ratings: list[tuple[int, int, float]] = field(default_factory=list)  # (customer or -1, item, stars 1..5)
    n_customers: int = 0

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
