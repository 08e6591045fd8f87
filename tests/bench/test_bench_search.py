"""``python -m bench search --quick`` stays runnable and prints one well-formed record per
query length and one for barcode lookup. No timing is asserted here."""

from __future__ import annotations

from bench.search import PARTS, floor_sql
from tests.bench.records import check_comparison, run_quick


def test_search_quick_prints_one_record_per_part():
    records = run_quick("search")

    assert [r["bench"] for r in records] == list(PARTS)
    for record in records:
        check_comparison(record)
        assert record["target_ratio"] == 3.0
        assert record["products"] == 20_000


def test_floor_runs_the_services_match_expression():
    assert floor_sql("牛奶") == (
        'SELECT rowid FROM product_words WHERE product_words MATCH ? ORDER BY rank LIMIT 50',
        ('"牛奶"*',),
    )
    sql, params = floor_sql("milk 1")
    assert "product_search" in sql and "product_words" in sql and params == ('"milk"', '"1"*')
