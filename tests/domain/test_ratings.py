"""Rating maths: histograms, averages, and the Bayesian average that ranks "lowest rated"."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.ratings import (
    CONFIDENCE,
    NEUTRAL_MEAN,
    bayesian_average,
    check_rating,
    empty_summary,
    prior_mean,
    stars_text,
    summary_from_counts,
    summary_from_ratings,
)

EPS = 1e-9
ratings_lists = st.lists(st.integers(1, 5), min_size=1, max_size=200)
means = st.floats(1.0, 5.0)


def test_a_summary_counts_each_star_and_averages():
    s = summary_from_counts({5: 3, 4: 1, 1: 1}, prior_mean=4.0)
    assert s.count == 5 and s.histogram == (1, 0, 0, 1, 3)
    assert s.stars(5) == 3 and s.stars(2) == 0
    assert s.average == pytest.approx((15 + 4 + 1) / 5)
    assert s.bayesian == pytest.approx((CONFIDENCE * 4.0 + 20) / (CONFIDENCE + 5))
    assert summary_from_ratings([5, 5, 5, 4, 1], prior_mean=4.0) == s


def test_no_reviews_means_the_prior_and_no_average():
    s = summary_from_counts((0, 0, 0, 0, 0), prior_mean=4.2)
    assert s.count == 0 and s.average is None and s.bayesian == pytest.approx(4.2)
    assert empty_summary().bayesian == NEUTRAL_MEAN
    assert prior_mean(0, 0) == NEUTRAL_MEAN and prior_mean(4, 14) == 3.5
    assert stars_text(0, None) == ""


def test_one_angry_review_does_not_rank_below_many_poor_ones():
    one_star_once = summary_from_ratings([1], prior_mean=4.0)
    poor_many = summary_from_ratings([1, 2] * 100, prior_mean=4.0)
    assert one_star_once.average < poor_many.average
    assert one_star_once.bayesian > poor_many.bayesian


@pytest.mark.parametrize("bad", [0, 6, -1, 2.5, "five", None, True, "", "4.5"])
def test_a_rating_outside_1_to_5_is_refused_naming_the_field(bad):
    with pytest.raises(ValidationError) as err:
        check_rating(bad)
    assert err.value.field == "rating"


def test_ratings_as_text_or_whole_floats_are_accepted():
    assert check_rating("4") == 4 and check_rating(3.0) == 3 and check_rating(" 5 ") == 5


def test_stars_text_for_the_catalog():
    assert stars_text(38, 4.5789) == "★ 4.6 (38)"


@given(ratings_lists, means)
def test_bayesian_lies_between_the_prior_and_the_raw_average(ratings, m):
    s = summary_from_ratings(ratings, prior_mean=m)
    low, high = min(m, s.average), max(m, s.average)
    assert low - EPS <= s.bayesian <= high + EPS


@given(ratings_lists, means, st.integers(1, 50))
def test_more_reviews_of_the_same_kind_pull_toward_the_raw_average(ratings, m, times):
    few = summary_from_ratings(ratings, prior_mean=m)
    many = summary_from_ratings(ratings * (times + 1), prior_mean=m)
    assert many.average == pytest.approx(few.average)
    assert abs(many.bayesian - many.average) <= abs(few.bayesian - few.average) + EPS


@given(ratings_lists, means)
def test_histogram_and_count_agree(ratings, m):
    s = summary_from_ratings(ratings, prior_mean=m)
    assert s.count == len(ratings) == sum(s.histogram)
    assert s.total == sum(ratings)
    assert s.bayesian == pytest.approx(bayesian_average(len(ratings), sum(ratings), m))
