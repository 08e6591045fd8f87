"""Catalog search: exact barcode/SKU first, substring and short (1–2 character) text
matches, pinyin, filters, and any typed text searched literally without error."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import update

from shopdesk.domain.gtin import make_gtin
from shopdesk.services.catalog import CatalogService, ProductDraft
from shopdesk.services.catalog_search import (
    MAX_QUERY_CHARS,
    CatalogSearch,
    SearchHit,
    clean_query,
    match_expressions,
    search_products,
)
from shopdesk.store import search_index
from shopdesk.store.database import dbapi_connection
from shopdesk.store.models import Product

# sku, name, category, brand, active
ITEMS = [
    ("MILK-1L", "Whole milk 1 L", "Dairy", "Alpine", True),
    ("MILK-2L", "Skimmed milk 2 L", "Dairy", "Meadow", True),
    ("OAT-1", "Oatmilk barista", "Dairy", "Meadow", True),
    ("NIUNAI", "牛奶 1L", "Dairy", "蒙牛", True),
    ("QZNN", "全脂牛奶 500ml", "Dairy", "伊利", True),
    ("NRG", "牛肉干 100g", "Snacks", "伊利", True),
    ("BUTTER", "O'Neil's Irish butter", "Dairy", "Harbor", True),
    ("OJ-100", "100% Orange juice", "Beverages", "Sunrise", True),
    ("CABLE", "Cable a-b adapter", "Household", "Harbor", True),
    ("ABC:1", "Name:abc label tape", "Stationery", "Blue Sky", True),
    ("OLDMILK", "Expired milk drink", "Dairy", "Alpine", False),
    ("BREAD", "Sourdough bread 800 g", "Bakery", "Sunrise", True),
    ("Ｗ-ＷＩＤＥ", "ＷＩＤＥ Ｔｏｗｅｌ", "Household", "Harbor", True),
]
BARCODES = {sku: make_gtin(f"400{n:09d}") for n, (sku, *_rest) in enumerate(ITEMS)}


@pytest.fixture
def catalog(store, owner):
    """SKU → product id of the small catalog above (brands set, search index updated)."""
    service = CatalogService(store)
    ids = {}
    for sku, name, category, _brand, active in ITEMS:
        ids[sku] = service.create_product(owner, ProductDraft(
            sku=sku, name=name, price=199, tax_code="STD", barcodes=(BARCODES[sku],),
            category=category, active=active,
        ))
    with store.unit_of_work() as s:
        for sku, _name, _category, brand, _active in ITEMS:
            s.execute(update(Product).where(Product.id == ids[sku]).values(brand=brand))
        search_index.index_products(dbapi_connection(s), list(ids.values()))
    return ids


@pytest.fixture
def search(store, catalog):
    return CatalogSearch(store)


def skus(hits: list[SearchHit]) -> list[str]:
    return [h.sku for h in hits]


def category_of(store, pid: str) -> str:
    with store.reader() as s:
        return s.get(Product, pid).category_id


# -- exact hits --------------------------------------------------------------------------


def test_exact_barcode_comes_first_and_is_marked_exact(search, catalog):
    hits = search.search(BARCODES["OAT-1"])
    assert hits[0].sku == "OAT-1" and hits[0].exact
    assert hits[0].product_id == catalog["OAT-1"]
    assert hits[0].name == "Oatmilk barista" and hits[0].brand == "Meadow"
    assert hits[0].price == 199 and hits[0].unit == "piece" and hits[0].active


def test_barcode_found_however_the_scanner_sends_it(search):
    code = BARCODES["BREAD"]
    full_width = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for typed in (f" {code}\r", f"\x1d{code}", "0" + code, full_width):
        assert skus(search.search(typed))[:1] == ["BREAD"], typed


def test_exact_sku_first_any_case_then_text_matches(search):
    hits = search.search("milk-1l")
    assert hits[0].sku == "MILK-1L" and hits[0].exact
    assert all(not h.exact for h in hits[1:])


def test_exact_sku_with_fts_syntax_in_it(search):
    hits = search.search("ABC:1")
    assert hits[0].sku == "ABC:1" and hits[0].exact


def test_lookup_code_is_the_scan_field(search):
    assert search.lookup_code(BARCODES["NIUNAI"]).sku == "NIUNAI"
    assert search.lookup_code("butter").sku == "BUTTER"
    assert search.lookup_code("4000000000000") is None  # wrong check digit: no lookup
    assert search.lookup_code("  ") is None
    assert search.lookup_code("no such code") is None


# -- text matches ------------------------------------------------------------------------


def test_substring_in_the_middle_of_a_name(search):
    assert "OAT-1" in skus(search.search("tmil"))
    assert set(skus(search.search("milk"))) == {"MILK-1L", "MILK-2L", "OAT-1"}


def test_name_matches_rank_above_other_columns(search):
    # "harbor" is a brand of three products but in no name; "adapter" is in one name
    assert skus(search.search("adapter")) == ["CABLE"]
    assert set(skus(search.search("harbor"))) == {"BUTTER", "CABLE", "Ｗ-ＷＩＤＥ"}


def test_exact_product_name_returns_it_first(search):
    for _sku, name, *_rest in ITEMS[:-3]:
        hits = search.search(name)
        assert hits and hits[0].name == name, (name, skus(hits))


def test_chinese_two_characters(search):
    assert set(skus(search.search("牛奶"))) == {"NIUNAI", "QZNN"}


def test_chinese_one_character(search):
    assert set(skus(search.search("牛"))) == {"NIUNAI", "QZNN", "NRG"}  # 蒙牛 is NIUNAI's brand
    assert skus(search.search("肉")) == ["NRG"]


def test_chinese_three_characters_use_trigrams(search):
    assert skus(search.search("脂牛奶")) == ["QZNN"]


@pytest.mark.parametrize("typed", ["niunai", "nn", "NiuNai", "niu nai", "ｎｎ"])
def test_pinyin_and_initials_find_chinese_names(search, typed):
    assert {"NIUNAI", "QZNN"} <= set(skus(search.search(typed)))


def test_short_latin_prefixes(search):
    assert {"MILK-1L", "OLDMILK"} - set(skus(search.search("wh"))) == {"OLDMILK"}
    assert "BREAD" in skus(search.search("s"))
    assert "BREAD" in skus(search.search("so"))


def test_every_term_must_match(search):
    assert skus(search.search("milk whole")) == ["MILK-1L"]
    assert skus(search.search("milk 2")) == ["MILK-2L"]  # long term AND short term
    assert skus(search.search("sk 2")) == ["MILK-2L"]  # two short terms
    assert search.search("milk bread") == []


def test_case_and_full_width_are_folded(search):
    assert "MILK-1L" in skus(search.search("WHOLE MILK"))
    assert "MILK-1L" in skus(search.search("ＷＨＯＬＥ"))
    assert "Ｗ-ＷＩＤＥ" in skus(search.search("wide towel"))
    assert "Ｗ-ＷＩＤＥ" in skus(search.search("to"))


# -- filters and limits ------------------------------------------------------------------


def test_inactive_products_are_hidden_unless_asked(search):
    assert "OLDMILK" not in skus(search.search("milk"))
    assert "OLDMILK" not in skus(search.search(BARCODES["OLDMILK"]))
    assert "OLDMILK" in skus(search.search("milk", active_only=False))
    hit = search.search(BARCODES["OLDMILK"], active_only=False)[0]
    assert hit.sku == "OLDMILK" and hit.exact and not hit.active


def test_brand_and_category_filters(store, search, catalog):
    assert set(skus(search.search("milk", brand="Meadow"))) == {"MILK-2L", "OAT-1"}
    snacks = category_of(store, catalog["NRG"])
    assert skus(search.search("牛", category_id=snacks)) == ["NRG"]
    assert search.search(BARCODES["MILK-1L"], brand="Meadow") == []


def test_limit(search):
    assert len(search.search("milk", limit=2)) == 2
    assert search.search("milk", limit=0) == []
    hits = search.search("milk-1l", limit=1)
    assert skus(hits) == ["MILK-1L"]


@pytest.mark.parametrize("blank", ["", "   ", "\t\r\n", "\u200b", None])
def test_empty_query_finds_nothing(search, blank):
    assert search.search(blank) == []


def test_very_long_query_is_capped_and_quick(search):
    assert search.search("x" * 10_000) == []
    assert search.search("milk " * 2_000) != []
    assert len(clean_query("a" * 10_000)) == MAX_QUERY_CHARS


# -- typed text is always literal ---------------------------------------------------------

NASTY = [
    '"', '""', '"""', "'", "AND(", "AND", "OR", "NOT", "*", "**", "a*", "-", "a-b", "o'neil",
    "O'Neil's", "100%", "%", "abc:", ":", "name:abc", "sku:MILK", "NEAR(milk bread)",
    "NEAR(", "^abc", "^", "(", ")", "()", "{name sku}: milk", "milk OR bread", "milk NOT whole",
    "+", "\\", "'; DROP TABLE products; --", "\x00", "a\x00b", "\ud800", "milk\ud800",
    "🥛", "牛奶\"", "\u202e", "\ufeffmilk", "ｍｉｌｋ：", "?", "[", "]", "..", "...",
]


@pytest.mark.parametrize("typed", NASTY)
def test_fts_syntax_is_searched_literally_without_error(search, typed):
    hits = search.search(typed)
    assert isinstance(hits, list)


def test_fts_syntax_means_itself(search):
    assert skus(search.search("o'neil")) == ["BUTTER"]
    assert skus(search.search("100%")) == ["OJ-100"]
    assert skus(search.search("a-b")) == ["CABLE"]
    assert skus(search.search("name:abc"))[:1] == ["ABC:1"]
    assert search.search("milk OR bread") == []  # OR is a word here, not an operator
    assert search.search("NEAR(milk bread)") == []


def test_match_expressions_quote_every_term():
    assert match_expressions('say "hi" ok') == ('"say" AND """hi"""', '"ok"*')
    assert match_expressions("- %") == (None, None)
    assert match_expressions("x x x") == (None, '"x"*')


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_text_searches_without_error(search, typed):
    hits = search.search(typed)
    assert len(hits) <= 50
    assert all(isinstance(h, SearchHit) for h in hits)
    assert len({h.product_id for h in hits}) == len(hits)


NAME_CHARS = st.characters(
    categories=("Lu", "Ll", "Nd", "Po", "Pd", "Ps", "Pe", "Sm", "Sc", "Zs"),
    max_codepoint=0x2FFF,
) | st.sampled_from("牛奶全脂米饼酸面包")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(NAME_CHARS, min_size=1, max_size=30).filter(lambda t: any(c.isalnum() for c in t)))
def test_a_new_product_is_found_by_its_exact_name(store, owner, name):
    """Any name with a letter or digit: searching for it exactly finds it, first."""
    with store.unit_of_work() as s:
        existing = s.query(Product).filter(Product.name == name.strip()).count()
    if existing:
        return
    sku = f"H-{abs(hash(name)) % 10**12}"
    pid = CatalogService(store).create_product(owner, ProductDraft(sku=sku, name=name, price=1))
    hits = CatalogSearch(store).search(name)
    assert hits and hits[0].product_id == pid, (name, match_expressions(clean_query(name)))
    # and typing it in another case finds it too (where Unicode case mapping round-trips)
    if search_index.fold(name.upper()) == search_index.fold(name):
        assert pid in [h.product_id for h in CatalogSearch(store).search(name.upper())], name


def test_core_runs_on_a_bare_sqlite3_connection(store, catalog):
    conn = sqlite3.connect(store.path)
    try:
        assert skus(search_products(conn, "牛奶"))[:2] in (["NIUNAI", "QZNN"], ["QZNN", "NIUNAI"])
        assert search_products(conn, '"') == []
    finally:
        conn.close()
