"""Purchase history from a basket file: one past sale per line, in file order; unknown
names become products; nothing half-written; the real tills and stock untouched."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shopdesk.domain.errors import PermissionDenied, ShopDeskError, ValidationError
from shopdesk.services import stock
from shopdesk.services.basket_import import BasketImportService, read_baskets
from shopdesk.store.models import Product, Sale, SaleLine, Till


def history(store) -> list[list[str]]:
    with store.reader() as s:
        sales = s.scalars(select(Sale).join(Till).where(Till.code == "H").order_by(Sale.completed_at)).all()
        return [[line.description for line in sale.lines] for sale in sales]


def test_each_line_is_a_past_sale_in_file_order(store, products, owner):
    data = b'whole milk,bread\nBREAD , Whole Milk ,bread\n\n"Eggs, free range",SOAP\n'
    result = BasketImportService(store).import_baskets(owner, data)
    assert (result.baskets, result.lines, result.new_products) == (3, 6, 2)  # "bread" is SKU BREAD
    assert history(store) == [["whole milk", "Sourdough bread"], ["Sourdough bread", "whole milk"],
                              ["Eggs, free range", "Dish soap 500 ml"]]
    with store.reader() as s:
        bread_lines = s.scalars(select(SaleLine).where(SaleLine.product_id == products["BREAD"])).all()
        assert sorted(line.quantity for line in bread_lines) == [1, 2]  # "BREAD" twice in one basket
        new = s.scalars(select(Product).where(Product.sku.like("B-%")).order_by(Product.sku)).all()
        assert [(p.sku, p.name, p.price) for p in new] == [("B-000001", "whole milk", 0),
                                                          ("B-000002", "Eggs, free range", 0)]
    # A second file comes after the first, and finds the products the first made.
    again = BasketImportService(store).import_baskets(owner, b"eggs, free range\n")
    assert again.new_products == 2 and history(store)[-1] == ["eggs", "free range"]  # unquoted: two items
    assert stock.verify(store) == []


def test_bad_files_change_nothing(store, products, owner, cashier):
    service = BasketImportService(store)
    for data, problem in ((b"", "no baskets"), (b"\n\n ,, \n", "no baskets"), (b"milk\x00,bread\n", "NUL"),
                          (("x" * 300 + ",milk\n").encode(), "longer than 200")):
        with pytest.raises(ShopDeskError, match=problem):
            service.import_baskets(owner, data)
    with pytest.raises(PermissionDenied):
        service.import_baskets(cashier, b"milk\n")
    assert history(store) == []
    with pytest.raises(ValidationError):
        read_baskets(b"")
