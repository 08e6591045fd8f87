"""Rating maths: counts, averages, star histograms and a Bayesian average to rank by.

A plain average ranks a product with one 1-star review below one with two hundred reviews
averaging 1.6, which is not what a manager looking for "what customers dislike" wants. The
*Bayesian average* starts every product at the store-wide mean ``m`` with the weight of
``C`` imaginary reviews and lets its own reviews pull it away:

    bayesian = (C · m + Σ ratings) / (C + n)

- with no reviews it is ``m``; as ``n`` grows it tends to the product's own average;
- it always lies between ``m`` and the raw average (inclusive);
- ``C`` is :data:`CONFIDENCE` = 5: a shop's products have few reviews each (tens, not
  thousands), so five imaginary reviews are enough to keep one angry review from topping
  the "lowest rated" list, yet a product with twenty real reviews is ranked by them (they
  weigh 80 %).

``m`` is the mean of every published review in the store (:func:`prior_mean`); a store
with no reviews yet uses the middle of the scale, 3.

Averages are floats: they are shown with one decimal and used for ordering, never summed
into money. Pure Python, no Qt, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP

MIN_RATING = 1
MAX_RATING = 5
STARS = tuple(range(MIN_RATING, MAX_RATING + 1))
CONFIDENCE = 5  # C: how many imaginary reviews at the store's mean every product starts with
NEUTRAL_MEAN = 3.0  # m when the store has no reviews at all: the middle of the scale


@dataclass(frozen=True)
class RatingSummary:
    """What the reviews of one product say: ``histogram[0]`` counts 1-star reviews,
    ``histogram[4]`` 5-star ones (see :meth:`stars`)."""

    count: int
    average: float | None  # None without reviews
    histogram: tuple[int, int, int, int, int]
    bayesian: float  # the prior mean when there are no reviews

    def stars(self, star: int) -> int:
        """How many reviews gave ``star`` (1..5) stars."""
        return self.histogram[check_rating(star) - 1]

    @property
    def total(self) -> int:
        """The ratings summed."""
        return sum(star * n for star, n in zip(STARS, self.histogram, strict=True))


def check_rating(value: object, field: str = "rating") -> int:
    """A rating as a whole number of stars from 1 to 5, or a ValidationError naming ``field``."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not MIN_RATING <= value <= MAX_RATING:
        raise ValidationError(field, QT_TRANSLATE_NOOP(
            "errors", "The rating must be a whole number of stars from 1 to 5, not '{value}'."), value=value)
    return value


def bayesian_average(count: int, total: int | float, prior_mean: float, confidence: float = CONFIDENCE) -> float:
    """(C·m + Σ ratings) / (C + n): see the module's notes."""
    if count < 0 or confidence < 0 or count + confidence == 0:
        raise ValueError("count and confidence must be >= 0 and not both 0")
    return (confidence * prior_mean + total) / (confidence + count)


def histogram_of(counts: Mapping[int, int] | Sequence[int]) -> tuple[int, int, int, int, int]:
    """Five counts (1..5 stars) from a mapping star → count or a sequence of five counts."""
    if isinstance(counts, Mapping):
        for star in counts:
            check_rating(star, "histogram")
        values = tuple(int(counts.get(star, 0) or 0) for star in STARS)
    else:
        values = tuple(int(n or 0) for n in counts)
        if len(values) != len(STARS):
            raise ValueError("a histogram has exactly five counts, for 1 to 5 stars")
    if any(n < 0 for n in values):
        raise ValueError("a count of reviews cannot be negative")
    return values  # type: ignore[return-value]


def summary_from_counts(counts: Mapping[int, int] | Sequence[int], prior_mean: float = NEUTRAL_MEAN,
                        confidence: float = CONFIDENCE) -> RatingSummary:
    """The summary of a product whose reviews gave ``counts`` (star → number of reviews)."""
    histogram = histogram_of(counts)
    count = sum(histogram)
    total = sum(star * n for star, n in zip(STARS, histogram, strict=True))
    average = total / count if count else None
    return RatingSummary(count, average, histogram, bayesian_average(count, total, prior_mean, confidence))


def summary_from_ratings(ratings: Iterable[int], prior_mean: float = NEUTRAL_MEAN,
                         confidence: float = CONFIDENCE) -> RatingSummary:
    counts = dict.fromkeys(STARS, 0)
    for rating in ratings:
        counts[check_rating(rating)] += 1
    return summary_from_counts(counts, prior_mean, confidence)


def prior_mean(count: int, total: int | float) -> float:
    """The store-wide mean rating ``m`` from all published reviews (count, ratings summed)."""
    return total / count if count > 0 else NEUTRAL_MEAN


def empty_summary(prior: float = NEUTRAL_MEAN) -> RatingSummary:
    return summary_from_counts((0, 0, 0, 0, 0), prior)


def stars_text(count: int, average: float | None) -> str:
    """``★ 4.6 (38)``; empty without reviews (the catalog's column)."""
    if not count or average is None:
        return ""
    return f"★ {average:.1f} ({count})"
