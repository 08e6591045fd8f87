"""A shop's history made up, with the structure real ones have (for tests and benchmarks).

- A catalog of departments > subcategories with product nouns, brands per department
  (a few big ones, a long tail), sizes and attributes in the text.
- Zipf-like popularity (quality helps a little), drifting over time: some lines launch
  part-way through the history, some are seasonal.
- Complementary groups bought together with some probability: a pasta, a sauce and a
  parmesan; nappies, wipes and baby food; bread, butter and jam; beer and crisps.
- Customers with stable taste: favourite subcategories, loyal brands, a list of staples
  they buy again and again, different visit frequencies and basket sizes; about a quarter
  of baskets are anonymous.
- Basket sizes from a mixture: many 1–3 item top-up shops, weekly shops of 5–15, a tail of
  big ones up to 60.
- Star ratings from some buyers, driven by a hidden quality per item plus noise.

Deterministic for a given seed.
"""

from __future__ import annotations

import numpy as np

from .data import ItemInfo, TrainingData

CATALOG: dict[str, dict[str, list[str]]] = {
    "Food": {
        "Dairy": ["milk", "yogurt", "butter", "cream", "creme fraiche"],
        "Bakery": ["bread", "rolls", "bagels", "croissants", "wraps"],
        "Pasta": ["spaghetti", "penne", "fusilli", "lasagne sheets", "tagliatelle"],
        "Sauces": ["tomato sauce", "pesto", "bolognese sauce", "arrabbiata sauce"],
        "Cheese": ["parmesan", "mozzarella", "cheddar", "gouda", "feta"],
        "Breakfast": ["cereal", "muesli", "jam", "honey", "porridge oats"],
        "Snacks": ["crisps", "pretzels", "salted nuts", "popcorn", "tortilla chips"],
        "Meat": ["burgers", "sausages", "chicken breast", "beef mince", "bacon"],
        "Produce": ["bananas", "apples", "tomatoes", "onions", "lettuce", "potatoes"],
        "Condiments": ["ketchup", "mustard", "mayonnaise", "relish", "salsa dip"],
    },
    "Drinks": {
        "Soft drinks": ["cola", "lemonade", "orange juice", "sparkling water"],
        "Coffee & Tea": ["coffee beans", "ground coffee", "tea bags", "green tea"],
        "Beer & Wine": ["lager", "red wine", "white wine", "cider", "pale ale"],
    },
    "Baby": {
        "Nappies": ["nappies size 3", "nappies size 4", "pull-ups", "newborn nappies"],
        "Wipes": ["baby wipes", "sensitive wipes", "water wipes"],
        "Baby food": ["fruit puree", "baby porridge", "formula milk", "rice cakes"],
    },
    "Household": {
        "Laundry": ["laundry detergent", "fabric softener", "stain remover"],
        "Cleaning": ["washing-up liquid", "surface spray", "sponges", "bin bags"],
        "Paper": ["toilet roll", "kitchen roll", "tissues"],
    },
    "Personal care": {
        "Hair": ["shampoo", "conditioner", "hair gel"],
        "Oral care": ["toothpaste", "toothbrush", "mouthwash"],
        "Bath": ["shower gel", "soap bar", "bath foam"],
    },
    "Pets": {
        "Cat": ["cat food", "cat litter", "cat treats"],
        "Dog": ["dog food", "dog treats", "chew toy"],
    },
}

#: Subcategories shopped together: one item of each forms a complementary group.
COMPLEMENTS: list[tuple[str, ...]] = [
    ("Pasta", "Sauces", "Cheese"),
    ("Nappies", "Wipes", "Baby food"),
    ("Bakery", "Dairy", "Breakfast"),
    ("Snacks", "Soft drinks"),
    ("Meat", "Bakery", "Condiments"),
    ("Beer & Wine", "Snacks"),
    ("Coffee & Tea", "Dairy"),
    ("Hair", "Hair"),
    ("Laundry", "Laundry"),
    ("Cat", "Cat"),
    ("Produce", "Meat"),
]

_SYLL = ["ka", "lo", "mi", "ra", "ven", "tor", "sa", "bel", "du", "fi", "gro", "ne", "pa",
         "ri", "sol", "ta", "vi", "zo", "mar", "lu"]
_ADJ = ["classic", "organic", "light", "extra", "family", "premium", "value", "fresh",
        "original", "smooth", "crunchy", "mild", "rich", "wholegrain", "free-range"]
_SIZES = ["250 g", "500 g", "1 kg", "330 ml", "1 l", "2 l", "6 pack", "12 pack", "large",
          "small", "multipack", "refill"]
_ATTRS = ["vegan", "gluten free", "low sugar", "fairtrade", "recyclable pack", "local",
          "no added salt", "family size", "sensitive", "eco"]


def _brand_names(rng: np.random.Generator, n: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        k = int(rng.integers(2, 4))
        name = "".join(rng.choice(_SYLL, size=k)).capitalize()
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def synthetic_history(n_baskets: int = 20_000, n_items: int = 2_000, n_customers: int = 1_500,
                      seed: int = 0) -> TrainingData:
    """A made-up but realistically structured history (see the module docstring)."""
    rng = np.random.default_rng(seed)
    subcats = [(d, s) for d, subs in CATALOG.items() for s in subs]
    sub_index = {s: k for k, (_, s) in enumerate(subcats)}
    n_sub = len(subcats)
    dept_names = list(CATALOG)
    brands_by_dept = {d: _brand_names(rng, int(rng.integers(5, 12))) for d in dept_names}

    # ---- catalog
    share = rng.dirichlet(np.full(n_sub, 2.0)) * 0.7 + 0.3 / n_sub
    item_sub = np.sort(rng.choice(n_sub, size=n_items, p=share))
    quality = rng.normal(0.0, 1.0, n_items)
    brand_of = np.empty(n_items, dtype=np.int64)
    items: list[ItemInfo] = []
    for i in range(n_items):
        dept, sub = subcats[item_sub[i]]
        brands = brands_by_dept[dept]
        bp = 1.0 / np.arange(1, len(brands) + 1) ** 1.1
        b = int(rng.choice(len(brands), p=bp / bp.sum()))
        brand_of[i] = b
        noun = str(rng.choice(CATALOG[dept][sub]))
        adj = str(rng.choice(_ADJ))
        size = str(rng.choice(_SIZES))
        attrs = " ".join(rng.choice(_ATTRS, size=int(rng.integers(0, 3)), replace=False))
        items.append(ItemInfo(
            key=f"P{i:06d}", name=f"{brands[b]} {adj} {noun} {size}",
            category=f"{dept} > {sub}", brand=brands[b], text=f"{noun} {attrs}".strip(),
            active=bool(rng.random() > 0.01)))
    sub_lo = np.searchsorted(item_sub, np.arange(n_sub))
    sub_hi = np.searchsorted(item_sub, np.arange(n_sub), side="right")

    # ---- popularity (Zipf over a random order, nudged by quality) and its drift
    rank = rng.permutation(n_items) + 1
    base_pop = (1.0 / rank ** 0.95) * np.exp(0.25 * quality)
    launch = np.where(rng.random(n_items) < 0.08, rng.uniform(0.2, 0.9, n_items), -1.0)
    seasonal = rng.random(n_items) < 0.1
    phase = rng.uniform(0, 2 * np.pi, n_items)
    n_epochs = 50

    def epoch_weights(t: float) -> np.ndarray:
        w = base_pop.copy()
        w[(launch > t)] = 0.0
        fresh = (launch >= 0) & (launch <= t)
        w[fresh] *= 1.0 + 2.0 * np.exp(-(t - launch[fresh]) * 8.0)
        w[seasonal] *= 1.0 + 0.8 * np.sin(2 * np.pi * 2 * t + phase[seasonal])
        return np.maximum(w, 0.0)

    # ---- complementary groups
    groups_of: list[list[np.ndarray]] = [[] for _ in range(n_items)]
    n_groups = max(4, n_items // 12)
    for g in range(n_groups):
        tpl = COMPLEMENTS[g % len(COMPLEMENTS)]
        members: list[int] = []
        brand = -1
        for s in tpl:
            lo, hi = sub_lo[sub_index[s]], sub_hi[sub_index[s]]
            if hi <= lo:
                continue
            cand = np.arange(lo, hi)
            w = np.sqrt(base_pop[cand])
            if brand >= 0 and rng.random() < 0.6:
                w = w * np.where(brand_of[cand] == brand, 8.0, 1.0)
            pick = int(rng.choice(cand, p=w / w.sum()))
            if pick not in members:
                members.append(pick)
                brand = brand_of[pick]
        if len(members) >= 2:
            arr = np.array(members)
            for m in members:
                groups_of[m].append(arr[arr != m])
    complement_p = 0.5

    # ---- customers
    visits = rng.permutation(1.0 / (np.arange(1, n_customers + 1) ** 0.7))
    visit_p = visits / max(visits.sum(), 1e-12)
    family = rng.random(n_customers) < 0.3
    dept_of_sub = np.array([dept_names.index(d) for d, _ in subcats])
    item_dept = dept_of_sub[item_sub]
    loyal = np.array([[int(rng.integers(len(brands_by_dept[d]))) for d in dept_names]
                      for _c in range(n_customers)], dtype=np.int64).reshape(n_customers, -1)
    fav_subs: list[np.ndarray] = []
    fav_cdf: list[np.ndarray] = []
    staples: list[np.ndarray] = []
    for c in range(n_customers):
        k = int(rng.integers(3, 7))
        subs = rng.choice(n_sub, size=k, replace=False, p=share)
        fav_subs.append(subs)
        fav_cdf.append(np.cumsum(rng.dirichlet(np.ones(k))))
        pool = np.concatenate([np.arange(sub_lo[s], sub_hi[s]) for s in subs])
        if pool.size == 0:
            staples.append(np.zeros(0, dtype=np.int64))
            continue
        w = base_pop[pool] * np.exp(0.5 * quality[pool])
        w *= np.where(brand_of[pool] == loyal[c, item_dept[pool]], 4.0, 1.0)
        n_st = min(pool.size, int(rng.integers(6, 20)))
        staples.append(rng.choice(pool, size=n_st, replace=False, p=w / w.sum()))
    visit_cdf = np.cumsum(visit_p)
    share_cdf = np.cumsum(share)

    # ---- baskets
    baskets: list[list[int]] = []
    customers: list[int] = []
    ratings: list[tuple[int, int, float]] = []
    per_epoch = max(1, -(-n_baskets // n_epochs))
    cum = np.zeros(n_items)
    for b in range(n_baskets):
        if b % per_epoch == 0:
            cum = np.cumsum(epoch_weights(b / max(1, n_baskets)))
        known = n_customers > 0 and rng.random() < 0.75
        c = min(int(np.searchsorted(visit_cdf, rng.random() * visit_cdf[-1])), n_customers - 1) \
            if known else -1
        r = rng.random()
        if r < 0.6:
            size = int(rng.geometric(0.6))                 # top-up: 1-3 items
        elif r < 0.93:
            size = 2 + int(rng.geometric(0.25))            # a small shop
        else:
            size = 8 + int(rng.lognormal(2.0, 0.5))        # the weekly shop
        if known and family[c]:
            size = size + int(rng.integers(0, 4))
        size = min(size, 60)
        mission = min(int(np.searchsorted(share_cdf, rng.random() * share_cdf[-1])), n_sub - 1)
        basket: list[int] = []
        for _slot in range(size):
            u = rng.random()
            if known and u < 0.45 and staples[c].size:
                it = int(staples[c][rng.integers(staples[c].size)])
            elif (known and u < 0.75) or (not known and u < 0.35):
                if known:
                    j = int(np.searchsorted(fav_cdf[c], rng.random() * fav_cdf[c][-1]))
                    s = int(fav_subs[c][min(j, len(fav_subs[c]) - 1)])
                else:
                    s = mission
                lo, hi = sub_lo[s], sub_hi[s]
                if hi <= lo:
                    continue
                a = cum[lo - 1] if lo > 0 else 0.0
                z = cum[hi - 1]
                it = int(np.searchsorted(cum, a + rng.random() * (z - a), side="right"))
                it = min(max(it, lo), hi - 1)
            else:
                it = int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))
                it = min(it, n_items - 1)
            basket.append(it)
            if groups_of[it]:                              # one of its groups joins in
                grp = groups_of[it][int(rng.integers(len(groups_of[it])))]
                for m in grp:
                    if rng.random() < complement_p:
                        basket.append(int(m))
        basket = list(dict.fromkeys(basket))
        if not basket:
            basket = [int(np.searchsorted(cum, rng.random() * cum[-1], side="right"))
                      % n_items]
        baskets.append(basket)
        customers.append(c)
        if rng.random() < 0.08:
            it = basket[int(rng.integers(len(basket)))]
            stars = float(np.clip(np.rint(3.6 + 0.9 * quality[it] + rng.normal(0, 0.7)), 1, 5))
            ratings.append((c, it, stars))
    return TrainingData(items=items, baskets=baskets,
                        basket_customers=customers if n_customers else None,
                        ratings=ratings, n_customers=n_customers)
