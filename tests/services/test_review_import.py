"""Importing a web shop's reviews: CSV and JSON, all or nothing with every bad row named,
verified purchases linked to imported orders, customers found by e-mail, re-import skips."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from shopdesk.cli import main
from shopdesk.domain.order_flow import OrderState
from shopdesk.services.csv_files import ImportFileError
from shopdesk.services.customers import CustomerDraft, CustomerService
from shopdesk.services.orders import OrderService
from shopdesk.services.review_import import ReviewFileRejected, ReviewImportService, parse_reviews
from shopdesk.services.reviews import ReviewFilter, ReviewService
from shopdesk.store.review_models import Review
from tests.services.test_reviews import delivered_order

CSV = """review_id;sku;barcode;rating;title;body;name;email;date;order_id
R-1;BREAD;;5;Best loaf;Crust like a bakery;Alice Example;ALICE@example.com;2024-05-01;1001
R-2;;96385074;2;Runny;Too thin;Alice Example;alice@example.com;2024-05-02T10:30:00+02:00;1001
R-3;MILK-1L;;4;;"Fresh; cold";Sam;;2024-05-03 09:00;
"""


def count_reviews(store) -> int:
    with store.reader() as s:
        return s.scalar(select(func.count(Review.id)))


@pytest.fixture
def importer(store):
    return ReviewImportService(store)


@pytest.fixture
def web_order(store, products, cashier, clerk):
    return delivered_order(store, cashier, clerk, "BREAD", "SOAP", source="webshop", external_id="1001")


def test_a_csv_export_lands_pending_with_verified_purchases(store, products, cashier, manager, importer, web_order):
    alice = CustomerService(store).create(cashier, CustomerDraft("Alice Example", email="alice@example.com"))
    result = importer.import_reviews(cashier, CSV.encode())
    assert result.created == ["R-1", "R-2", "R-3"] and result.verified == 2
    assert result.orders_reviewed == [web_order.number]
    assert "imported 3 reviews (2 verified purchases)" in result.summary()
    assert OrderService(store).get(cashier, web_order.order_id).state is OrderState.REVIEWED
    page = ReviewService(store).reviews(manager, ReviewFilter(status="pending"))
    by_id = {r.external_id: r for r in page.reviews}
    assert by_id["R-1"].customer_id == alice and by_id["R-1"].verified and by_id["R-1"].source == "webshop"
    assert by_id["R-2"].sku == "SOAP" and by_id["R-2"].created_at.isoformat() == "2024-05-02T08:30:00+00:00"
    assert by_id["R-3"].customer_id is None and not by_id["R-3"].verified and by_id["R-3"].body == "Fresh; cold"
    assert [r.external_id for r in ReviewService(store).pending(manager).reviews] == ["R-1", "R-2", "R-3"]


def test_importing_again_skips_what_is_there(store, products, cashier, importer, web_order):
    importer.import_reviews(cashier, CSV.encode())
    again = importer.import_reviews(cashier, CSV.encode())
    assert again.created == [] and again.skipped == ["R-1", "R-2", "R-3"]
    assert count_reviews(store) == 3
    # another web shop may use the same ids
    other = importer.import_reviews(cashier, CSV.replace(";1001", ";").encode(), source="marketplace")
    assert len(other.created) == 3 and count_reviews(store) == 6


def test_json_with_an_object_wrapper(store, products, cashier, importer, tmp_path):
    path = tmp_path / "reviews.json"
    path.write_text(json.dumps({"reviews": [
        {"id": 77, "sku": "NIUNAI", "rating": 5, "title": "好喝", "name": "李雷", "date": "2024-01-02"},
        {"id": "78", "barcode": "036000291452", "rating": "3"}]}), encoding="utf-8")
    result = importer.import_reviews(cashier, path)
    assert result.created == ["77", "78"] and result.verified == 0


def test_every_bad_row_is_named_and_nothing_is_written(store, products, cashier, importer, web_order):
    bad = """review_id,sku,rating,date,order_id
R-1,BREAD,6,,
R-2,NOPE,4,,
R-3,SOAP,4,someday,
R-1,SOAP,3,,
R-5,MILK-1L,4,,1001
R-6,BREAD,5,,9999
R-7,BREAD,4,,
"""
    with pytest.raises(ReviewFileRejected) as err:
        importer.import_reviews(cashier, bad.encode())
    problems = [str(p) for p in err.value.rejects]
    assert problems[0].startswith("row 2 (review R-1): rating must be a whole number of stars from 1 to 5")
    assert any(p.startswith("row 3 (review R-2): no product has the SKU 'NOPE'") for p in problems)
    assert any(p.startswith("row 4 (review R-3): date 'someday' is not a date") for p in problems)
    assert any(p.startswith("row 5 (review R-1): the id R-1 is already the id of row 2") for p in problems)
    assert any(p.startswith("row 6 (review R-5): order 1001") and "has no line of MILK-1L" in p for p in problems)
    assert any(p.startswith("row 7 (review R-6): order 9999 was not imported from webshop") for p in problems)
    assert len(problems) == 6
    assert count_reviews(store) == 0


def test_a_line_already_reviewed_is_a_problem_of_the_file(store, products, cashier, importer, web_order):
    importer.import_reviews(cashier, b"review_id,sku,rating,order_id\nA,BREAD,5,1001\n")
    with pytest.raises(ReviewFileRejected, match="already reviewed"):
        importer.import_reviews(cashier, b"review_id,sku,rating,order_id\nB,BREAD,4,1001\nC,SOAP,4,\n")
    assert count_reviews(store) == 1


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"review_id,sku\nR,BREAD\n", "no column rating"),
    (b"review_id,sku,rating,stars\n", "unknown column"),
    (b"[{\"id\": 1, \"sku\": \"BREAD\", \"rating\": 5,]", "not valid JSON"),
    (b"{\"items\": []}", "list of reviews"),
])
def test_the_file_as_a_whole(data, message):
    with pytest.raises(ImportFileError, match=message):
        parse_reviews(data)


def test_unknown_json_fields_are_named():
    with pytest.raises(ReviewFileRejected, match=r"review 1 \(id 5\): unknown field\(s\) 'stars'"):
        parse_reviews(b'[{"id": 5, "sku": "BREAD", "stars": 5, "rating": 5}]')


def test_the_command_line(store, products, tmp_path, capsys, db_path):
    good = tmp_path / "reviews.csv"
    good.write_text("review_id,sku,rating\nX1,BREAD,5\n", encoding="utf-8")
    assert main(["import", "reviews", str(good), "--db", str(db_path), "--source", "shop2"]) == 0
    assert "imported 1 review" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("review_id,sku,rating\nX2,BREAD,9\n", encoding="utf-8")
    assert main(["import", "reviews", str(bad), "--db", str(db_path)]) == 1
    assert "row 2 (review X2): rating" in capsys.readouterr().err
