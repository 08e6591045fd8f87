"""The recommender on hand-made histories where the right answer is obvious."""

from __future__ import annotations

import numpy as np
import pytest

from shopdesk.domain.recommend import ItemInfo, Recommender, TrainingData, Weights
from shopdesk.domain.recommend import _kernels as K

MILK, BREAD, BUTTER, JAM, PASTA, SAUCE, PARMESAN, NAPPIES, WIPES, SOAP, OLD, CHEDDAR = range(12)

ITEMS = [
    ItemInfo("milk", "Daisy whole milk 1 l", "Food > Dairy", "Daisy", "milk"),
    ItemInfo("bread", "Baker white bread", "Food > Bakery", "Baker", "bread loaf"),
    ItemInfo("butter", "Daisy salted butter", "Food > Dairy", "Daisy", "butter"),
    ItemInfo("jam", "Berry strawberry jam", "Food > Breakfast", "Berry", "jam"),
    ItemInfo("pasta", "Roma spaghetti 500 g", "Food > Pasta", "Roma", "pasta"),
    ItemInfo("sauce", "Roma tomato sauce", "Food > Sauces", "Roma", "tomato pasta sauce"),
    ItemInfo("parmesan", "Roma parmesan", "Food > Cheese", "Roma", "cheese"),
    ItemInfo("nappies", "Tiny nappies size 3", "Baby > Nappies", "Tiny", "nappies"),
    ItemInfo("wipes", "Tiny baby wipes", "Baby > Wipes", "Tiny", "wipes"),
    ItemInfo("soap", "Clean soap bar", "Personal care > Bath", "Clean", "soap"),
    ItemInfo("old", "Retired bread", "Food > Bakery", "Baker", "bread", active=False),
    ItemInfo("cheddar", "Daisy mature cheddar", "Food > Cheese", "Daisy", "cheese"),
]


def shop(customers: bool = False) -> TrainingData:
    baskets = (
        [[MILK, BREAD]] * 30 + [[MILK, BREAD, BUTTER]] * 10 + [[BREAD, JAM]] * 8
        + [[PASTA, SAUCE, PARMESAN]] * 12 + [[PASTA, SAUCE]] * 6
        + [[NAPPIES, WIPES]] * 9 + [[SOAP]] * 5 + [[MILK]] * 20 + [[OLD, MILK]] * 15
    )
    who = None
    if customers:
        # customers 0 and 1 share a taste for pasta; customer 2 buys baby things
        who = [-1] * len(baskets)
        baskets = baskets + [[PASTA, SAUCE, CHEDDAR]] * 4 + [[PASTA, SAUCE]] * 3 \
            + [[NAPPIES, SOAP]] * 3
        who += [0] * 4 + [1] * 3 + [2] * 3
    ratings = [(-1, JAM, 5.0)] * 12 + [(-1, SOAP, 1.0)] * 3
    return TrainingData(ITEMS, baskets, who, ratings, n_customers=3 if customers else 0)


@pytest.fixture(scope="module")
def model() -> Recommender:
    return Recommender.train(shop())


def items(suggestions) -> list[int]:
    return [s.item for s in suggestions]


def test_milk_suggests_bread_first_with_the_basket_count(model):
    top = model.recommend([MILK], k=3)[0]
    assert top.item == BREAD
    assert top.reason.kind == "bought_with"
    assert top.reason.item == MILK
    assert top.reason.count == 40          # 30 milk+bread, 10 milk+bread+butter


def test_pasta_and_sauce_suggest_parmesan(model):
    assert model.recommend([PASTA, SAUCE], k=1)[0].item == PARMESAN


def test_bought_together_counts_baskets_with_both(model):
    got = {s.item: s.reason.count for s in model.bought_together(NAPPIES)}
    assert got == {WIPES: 9}


def test_filters_never_return_cart_excluded_inactive_or_unavailable(model):
    available = np.ones(model.n_items, dtype=bool)
    available[BUTTER] = False
    got = items(model.recommend([MILK], k=model.n_items, exclude=[JAM], available=available))
    assert MILK not in got and JAM not in got and BUTTER not in got
    assert OLD not in got                 # inactive although bought with milk 15 times
    assert BREAD in got
    assert OLD not in items(model.bought_together(MILK, k=20))
    assert BUTTER not in items(model.bought_together(MILK, k=20, available=available))


def test_empty_cart_falls_back_to_popular_items(model):
    got = model.recommend([], k=3)
    assert got[0].item == MILK            # bought in 75 baskets
    assert got[0].reason.kind == "popular"
    assert got[0].reason.count == 75


def test_an_item_never_sold_gets_popular_items_of_its_category():
    data = shop()
    data.items = [*ITEMS, ItemInfo("new", "Brand new thing", "Baby > Wipes", "Other", "")]
    model = Recommender.train(data)
    got = items(model.recommend([len(ITEMS)], k=2))
    assert got[0] == WIPES                # only other item of the same category
    assert NAPPIES in got                 # same department


def test_well_rated_items_carry_their_rating_as_reason():
    model = Recommender.train(shop(), weights=Weights(cf=0, content=0, user=0, history=0,
                                                      pop=1, catpop=0, rating=1))
    by_item = {s.item: s for s in model.recommend([], k=12)}
    assert by_item[JAM].reason.kind == "rated"
    assert by_item[JAM].reason.reviews == 12
    assert by_item[JAM].reason.rating == 5.0


def test_content_similarity_finds_same_brand_and_category():
    model = Recommender.train(shop())
    sim = items(model.similar_items(PARMESAN, k=3))
    assert sim[0] == CHEDDAR              # same category "Food > Cheese"
    assert set(sim[1:]) == {PASTA, SAUCE}  # same brand "Roma"
    assert all(s.reason.kind == "similar" and s.reason.item == PARMESAN
               for s in model.similar_items(PARMESAN, k=3))


def test_similar_items_are_suggested_when_nothing_was_bought_together():
    model = Recommender.train(shop(), weights=Weights(cf=1, content=1, user=0, history=0,
                                                      pop=0, catpop=0, rating=0))
    top = model.recommend([CHEDDAR], k=1)[0]    # cheddar never sold
    assert top.item == PARMESAN
    assert top.reason == top.reason.__class__("similar", CHEDDAR)


def test_user_based_cf_suggests_what_similar_customers_bought():
    model = Recommender.train(shop(customers=True), weights=Weights(
        cf=0, content=0, user=1, history=0, pop=0, catpop=0, rating=0))
    # customer 1 bought pasta and sauce, like customer 0, who also bought cheddar
    top = model.recommend([PASTA, SAUCE], k=1, customer=1)[0]
    assert top.item == CHEDDAR
    assert top.reason.kind == "customers_like"
    assert top.reason.count == 1
    # an unknown customer is anonymous, not an error
    assert model.recommend([], k=1, customer=99)


def test_history_suggests_what_the_customer_bought_before():
    model = Recommender.train(shop(customers=True), weights=Weights(
        cf=0, content=0, user=0, history=1, pop=0, catpop=0, rating=0))
    top = model.recommend([NAPPIES], k=1, customer=2)[0]
    assert top.item == SOAP
    assert top.reason.kind == "bought_before" and top.reason.count == 3


def test_diversity_caps_one_category():
    model = Recommender.train(shop())
    got = model.recommend([PASTA], k=4, max_per_category=1)
    cats = [ITEMS[s.item].category for s in got]
    assert len(cats) == len(set(cats))


def test_save_and_load_give_identical_results(tmp_path, model):
    path = tmp_path / "model.npz"
    model.save(path)
    again = Recommender.load(path)
    assert again.weights == model.weights
    for cart in ([], [MILK], [PASTA, SAUCE], [NAPPIES, SOAP]):
        assert again.recommend(cart) == model.recommend(cart)
    assert again.similar_items(PARMESAN) == model.similar_items(PARMESAN)
    assert again.key_of(BREAD) == "bread"


def test_load_rejects_a_file_that_is_not_a_model(tmp_path):
    bad = tmp_path / "x.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable recommender model"):
        Recommender.load(bad)


def test_bad_indices_are_named():
    with pytest.raises(ValueError, match="basket 1 refers to item 99"):
        Recommender.train(TrainingData(ITEMS, [[0], [1, 99]]))
    with pytest.raises(ValueError, match="the cart refers to item 42"):
        Recommender.train(shop()).recommend([42])


def test_training_is_deterministic():
    a, b = Recommender.train(shop(customers=True)), Recommender.train(shop(customers=True))
    for name in Recommender._ARRAYS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_top_n_mask_keeps_the_n_largest_per_row():
    rng = np.random.default_rng(1)
    rows = np.sort(rng.integers(0, 30, 3000)).astype(np.int32)
    vals = rng.random(3000)
    keep = K.top_n_mask(rows, vals, 30, 7)
    for r in range(30):
        mine = vals[rows == r]
        kept = np.sort(vals[(rows == r) & keep])[::-1]
        np.testing.assert_array_equal(kept, np.sort(mine)[::-1][:7])


def test_top_n_mask_breaks_ties_by_storage_order():
    rows = np.array([0, 0, 0, 0, 0, 1, 1], dtype=np.int32)
    vals = np.array([0.5, 0.9, 0.5, 0.5, 0.1, 2.0, 2.0])
    keep = K.top_n_mask(rows, vals, 2, 3)
    assert keep.tolist() == [True, True, True, False, False, True, True]
