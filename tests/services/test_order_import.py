"""Importing a web shop's orders (CSV or JSON): orders priced, reserved and paid as the
file says; the same file twice doubles nothing; one bad row rejects the whole file and
every bad row is named; broken files get a message saying what to fix."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shopdesk.domain.errors import PermissionDenied
from shopdesk.domain.order_flow import OrderState
from shopdesk.services import order_import
from shopdesk.services.csv_files import ImportFileError
from shopdesk.services.order_import import (
    ImportResult,
    OrderFileRejected,
    OrderImportService,
    parse_orders,
)
from shopdesk.services.orders import OrderService
from shopdesk.store.models import Product
from shopdesk.store.order_models import Order, OrderPayment, StockReservation

SOAP_BARCODE = "96385074"


def order_json(*orders) -> bytes:
    return json.dumps({"orders": list(orders)}).encode()


def an_order(id_=1001, **kw):
    order = {"id": id_, "name": "Alice Example", "address": ["1 High Street", "Flat 2"], "city": "Leeds",
             "postcode": "ls1 1aa", "country": "gb", "lines": [{"sku": "BREAD", "quantity": 2}]}
    order.update(kw)
    return order


def counts(store):
    with store.reader() as s:
        return (s.scalar(select(func.count()).select_from(Order)),
                s.scalar(select(func.count()).select_from(StockReservation)),
                s.scalar(select(func.count()).select_from(OrderPayment)))


def reserved(store, product_id) -> Decimal:
    with store.reader() as s:
        return s.scalar(select(func.coalesce(func.sum(StockReservation.quantity), 0))
                        .where(StockReservation.product_id == product_id)) or Decimal(0)


@pytest.fixture
def importer(store):
    return OrderImportService(store)


def view(store, cashier, number):
    orders = OrderService(store)
    return orders.find(cashier, number)


def rejected(importer, actor, data) -> list[str]:
    with pytest.raises(OrderFileRejected) as info:
        importer.import_orders(actor, data)
    return [str(r) for r in info.value.rejects]


# -- happy paths -------------------------------------------------------------------------------
def test_json_orders_are_priced_reserved_paid_and_flagged(store, products, cashier, importer):
    data = order_json(
        an_order(1001, shipping_method="Tracked 48", shipping="4.95", paid="11.95", note="leave at door",
                 phone=441132, email="alice@example.com", company="Acme"),
        an_order("A-1002", customer={"name": "Bob Buyer", "city": "York", "country": "GB"}, name=None,
                 address="2 Low Road\nBack door", city=None, country=None, cod=True, shipping=3,
                 lines=[{"barcode": SOAP_BARCODE, "quantity": 1, "price": 1.99},
                        {"sku": "MILK-1L", "quantity": "3", "discount": "0.50"}]),
    )
    result = importer.import_orders(cashier, data)
    assert result == ImportResult(["SO-000001", "SO-000002"], [])
    assert result.summary() == "created 2 orders (SO-000001 … SO-000002), skipped 0 already imported"

    first = view(store, cashier, "SO-000001")
    assert first.source == "webshop" and first.external_id == "1001"
    assert first.ship_to.name == "Alice Example" and first.ship_to.lines == ("1 High Street", "Flat 2")
    assert first.ship_to.postcode == "LS1 1AA" and first.ship_to.country == "GB"
    assert first.ship_to.phone == "441132" and first.ship_to.company == "Acme"
    assert first.shipping_method == "Tracked 48" and first.shipping_charge == 495 and first.note == "leave at door"
    assert [(line.sku, line.quantity, line.unit_price, line.gross) for line in first.lines] == [
        ("BREAD", 2, 350, 700)]
    assert first.grand_total == 700 + 495
    assert first.state is OrderState.PAID and first.paid_total == 1195
    assert [(p.method, p.amount, p.reference) for p in first.payments] == [("web", 1195, "1001")]

    second = view(store, cashier, "SO-000002")
    assert second.ship_to.name == "Bob Buyer" and second.ship_to.city == "York"
    assert second.ship_to.lines == ("2 Low Road", "Back door")
    assert second.cash_on_delivery and second.state is OrderState.CREATED and second.payments == ()
    assert [(line.sku, line.quantity, line.unit_price, line.discount, line.gross) for line in second.lines] == [
        ("SOAP", 1, 199, 0, 199), ("MILK-1L", 3, 129, 50, 3 * 129 - 50)]
    assert second.grand_total == 199 + 337 + 300
    assert reserved(store, products["BREAD"]) == 2
    assert reserved(store, products["SOAP"]) == 1 and reserved(store, products["MILK-1L"]) == 3


def test_a_plain_json_list_works_too(store, products, cashier, importer):
    data = json.dumps([an_order(7)]).encode()
    assert importer.import_orders(cashier, data).created == ["SO-000001"]


def test_csv_rows_of_one_order_become_its_lines(store, products, cashier, importer, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "Order ID,Name,Address1,Address2,City,Postcode,Country,Shipping_Method,Shipping,COD,Paid,SKU,Barcode,"
        "Quantity,Price,Discount\n"
        "5001,Alice Example,1 High Street,,Leeds,LS1 1AA,GB,Tracked 48,4.95,no,,BREAD,,2,,\n"
        "5001,Alice Example,,,,,,,,,,,96385074,1,2.10,0.10\n"
        "\n"
        "5002,Bob Buyer,2 Low Road,Back door,York,YO1 7HH,GB,,0,yes,,MILK-1L,,1,,\n",
        encoding="utf-8-sig")
    result = importer.import_orders(cashier, path, source="shopify")
    assert result.created == ["SO-000001", "SO-000002"]
    first = view(store, cashier, "SO-000001")
    assert first.source == "shopify" and first.external_id == "5001" and first.shipping_charge == 495
    assert first.ship_to.lines == ("1 High Street",) and not first.cash_on_delivery
    assert [(line.sku, line.quantity, line.unit_price, line.discount) for line in first.lines] == [
        ("BREAD", 2, 350, 0), ("SOAP", 1, 210, 10)]
    assert first.grand_total == 700 + 200 + 495 and first.state is OrderState.CREATED
    second = view(store, cashier, "SO-000002")
    assert second.cash_on_delivery and second.ship_to.lines == ("2 Low Road", "Back door")
    assert reserved(store, products["SOAP"]) == 1 and reserved(store, products["MILK-1L"]) == 1


def test_csv_with_semicolons_and_decimal_commas(store, products, cashier, importer):
    data = ("order_id;name;country;shipping;paid;sku;quantity;price\n"
            "1001;Jörg Müller;de;4,95;13,35;BREAD;2;4,20\n"
            "1002;Ann;at;1.234,50;;SOAP;1;\n"
            "1003;Bo;se;1,234.50;;SOAP;1;\n").encode()
    assert importer.import_orders(cashier, data).created == ["SO-000001", "SO-000002", "SO-000003"]
    assert view(store, cashier, "SO-000002").shipping_charge == 123450
    assert view(store, cashier, "SO-000003").shipping_charge == 123450
    order = view(store, cashier, "SO-000001")
    assert order.ship_to.name == "Jörg Müller" and order.ship_to.country == "DE"
    assert order.shipping_charge == 495 and order.lines[0].unit_price == 420
    assert order.grand_total == 840 + 495 and order.state is OrderState.PAID


def test_tab_separated_csv_is_read(store, products, cashier, importer):
    data = b"order_id\tname\tsku\tquantity\n9\tAlice\tSOAP\t4\n"
    assert importer.import_orders(cashier, data).created == ["SO-000001"]
    assert view(store, cashier, "SO-000001").lines[0].quantity == 4


# -- re-import ---------------------------------------------------------------------------------
def test_importing_the_same_file_again_skips_what_is_already_here(store, products, cashier, importer):
    data = order_json(an_order(1001), an_order(1002))
    assert importer.import_orders(cashier, data).created == ["SO-000001", "SO-000002"]
    more = order_json(an_order(1001), an_order(1002), an_order(1003))
    result = importer.import_orders(cashier, more)
    assert result == ImportResult(["SO-000003"], ["1001", "1002"])
    assert result.summary() == "created 1 order (SO-000003), skipped 2 already imported"
    assert importer.import_orders(cashier, more).summary() == "created 0 orders, skipped 3 already imported"
    assert counts(store)[0] == 3
    assert reserved(store, products["BREAD"]) == 6


def test_the_same_id_from_another_source_is_another_order(store, products, cashier, importer):
    data = order_json(an_order(1001))
    importer.import_orders(cashier, data, source="shop-a")
    assert importer.import_orders(cashier, data, source="shop-b").created == ["SO-000002"]


def test_a_file_repeating_an_id_is_rejected(store, products, cashier, importer):
    problems = rejected(importer, cashier, order_json(an_order(1001), an_order(1002), an_order(1001)))
    assert problems == ["order 3 (id 1001): the id 1001 is already the id of order 1; an order may appear "
                        "only once in a file"]
    csv_problems = rejected(importer, cashier, (
        b"order_id,name,sku,quantity\n1,A,BREAD,1\n2,B,BREAD,1\n1,A,SOAP,1\n"))
    assert len(csv_problems) == 1 and csv_problems[0].startswith("row 4 (order 1): order 1 already appeared in rows 2")
    assert counts(store) == (0, 0, 0)


# -- all or nothing ----------------------------------------------------------------------------
def test_business_errors_reject_the_whole_file_naming_every_row(store, products, cashier, importer):
    data = (b"order_id,name,country,sku,barcode,quantity,price,discount\n"
            b"1001,Alice,GB,BREAD,,1,,\n"
            b"1002,Bob,GB,NOPE,,1,,\n"  # row 3: unknown SKU
            b"1002,Bob,GB,BREAD,,1,,5.00\n"  # row 4: discount larger than its line
            b"1003,Carol,GB,SOAP,,2,,\n"
            b"1004,Dan,GB,,4006381333931,1.5,,\n"  # row 6: milk is sold by the piece
            b"1005,Eve,GB,,5012345678900,1,,\n")  # row 7: a valid EAN no product has
    problems = rejected(importer, cashier, data)
    assert problems == [
        "row 3 (order 1002): no product has the SKU 'NOPE'",
        "row 6 (order 1004): MILK-1L is sold by the piece; order a whole number, not 1.5",
        "row 7 (order 1005): no product has the barcode '5012345678900'",
    ]
    assert counts(store) == (0, 0, 0)
    fixed = data.replace(b"NOPE", b"SOAP").replace(b",1.5,", b",1,").replace(b"5012345678900", b"96385074")
    problems = rejected(importer, cashier, fixed)
    assert len(problems) == 1 and problems[0].startswith("row 4 (order 1002): ")
    assert "discount" in problems[0].lower()
    assert counts(store) == (0, 0, 0)
    for pid in products.values():
        assert reserved(store, pid) == 0
    # nothing was numbered either: the next order is still SO-000001
    ok = fixed.replace(b",5.00\n", b",\n")
    assert importer.import_orders(cashier, ok).created[0] == "SO-000001"


def test_file_errors_are_all_listed_before_anything_is_looked_up(store, products, cashier, importer):
    data = order_json(
        an_order(1, country="United Kingdom"),
        an_order(2, lines=[{"sku": "BREAD", "quantity": "abc"}, {"sku": "SOAP", "quantity": 0}]),
        an_order(3, lines=5),
        an_order(4, name=""),
        an_order(5, shipping="4.955", cod="maybe"),
        an_order(6, lines=[{"sku": "BREAD", "quantity": 1, "qty": 2}]),
        "not an order",
        an_order(8, paid=True),
    )
    problems = rejected(importer, cashier, data)
    assert problems[0] == ("order 1 (id 1): country must be a two-letter code such as GB, DE or US, "
                           "not 'United Kingdom'")
    assert problems[1].startswith("order 2 (id 2), line 1: quantity: 'abc' is not a quantity")
    assert problems[2].startswith("order 2 (id 2), line 2: quantity: The quantity must be more than zero")
    assert problems[3] == 'order 3 (id 3): lines must be a list of lines [{"sku": ..., "quantity": ...}], not a number'
    assert problems[4] == "order 4 (id 4): the name of the person the order goes to is missing (name)"
    assert problems[5].startswith("order 5 (id 5): shipping: EUR amounts have at most 2 decimals")
    assert problems[6] == "order 5 (id 5): cod must be yes or no (true/false, 1/0), not 'maybe'"
    assert problems[7].startswith("order 6 (id 6), line 1: unknown field(s) 'qty'")
    assert problems[8] == "order 7: an order must be an object {...}, not text"
    assert problems[9] == "order 8 (id 8): paid must be a number, not true/false"
    assert len(problems) == 10
    assert counts(store) == (0, 0, 0)


def test_problems_of_the_file_and_of_the_shop_are_listed_together_in_file_order(store, products, cashier,
                                                                                importer):
    data = order_json(an_order(1, lines=[{"sku": "GONE", "quantity": 1}]), an_order(2, country="XYZ"),
                      an_order(3, lines=[{"sku": "BREAD", "quantity": 1, "discount": "9"}]))
    assert rejected(importer, cashier, data) == [
        "order 1 (id 1), line 1: no product has the SKU 'GONE'",
        "order 2 (id 2): country must be a two-letter code such as GB, DE or US, not 'XYZ'",
        "order 3 (id 3), line 1: The discount is larger than the line's price; at most it can make the line free.",
    ]
    assert counts(store) == (0, 0, 0)


def test_paying_more_than_the_total_is_named(store, products, cashier, importer):
    problems = rejected(importer, cashier, order_json(an_order(1001), an_order(1002, paid="100")))
    assert problems == ["order 2 (id 1002): paid is more than the order's total of €7.00"]
    assert counts(store) == (0, 0, 0)


def test_an_inactive_product_cannot_be_ordered(store, products, cashier, importer):
    with store.unit_of_work() as s:
        s.get(Product, products["SOAP"]).active = False
    problems = rejected(importer, cashier, order_json(an_order(1, lines=[{"sku": "SOAP", "quantity": 1}])))
    assert problems == ["order 1 (id 1), line 1: SOAP (Dish soap 500 ml) is not for sale (inactive in the catalog)"]


# -- the CSV's order fields across rows ---------------------------------------------------------
def test_rows_of_one_order_may_not_disagree_on_its_fields(store, products, cashier, importer):
    data = (b"order_id,name,city,shipping,sku,quantity\n"
            b"1001,Alice,Leeds,4.95,BREAD,1\n"
            b"1001,Alice,,,SOAP,1\n"  # empty: fine
            b"1001,Alicia,Leeds,5.95,MILK-1L,1\n")
    problems = rejected(importer, cashier, data)
    assert problems == [
        "row 4 (order 1001): name is 'Alicia' here but 'Alice' in row 2 of the same order; give it once or the "
        "same in every row",
        "row 4 (order 1001): shipping is '5.95' here but '4.95' in row 2 of the same order; give it once or the "
        "same in every row",
    ]


def test_an_order_field_first_given_on_a_later_row_counts(store, products, cashier, importer):
    data = b"order_id,name,city,sku,quantity\n1001,Alice,,BREAD,1\n1001,,Leeds,SOAP,1\n"
    importer.import_orders(cashier, data)
    assert view(store, cashier, "SO-000001").ship_to.city == "Leeds"


def test_bad_values_in_csv_name_their_row(store, products, cashier, importer):
    data = (b"order_id,name,country,sku,barcode,quantity,price\n"
            b"1,Alice,GB,BREAD,,2,\n"
            b"2,Bob,GB,BREAD,,abc,\n"
            b"3,Carol,GB,,,1,\n"
            b",Dan,GB,BREAD,,1,\n"
            b"5,Eve,GB,,4006381333932,1,\n"
            b"6,Fay,GB,BREAD,,1,-2\n")
    problems = rejected(importer, cashier, data)
    assert problems[0].startswith("row 3 (order 2): quantity: 'abc' is not a quantity")
    assert problems[1] == "row 4 (order 3): the line names no product; give its sku or barcode"
    assert problems[2] == "row 5: the order id is missing"
    assert problems[3].startswith("row 6 (order 5): barcode '4006381333932': ")
    assert problems[4].startswith("row 7 (order 6): price: The amount cannot be negative")
    assert len(problems) == 5


def test_a_comma_inside_an_unquoted_number_is_caught(store, products, cashier, importer):
    problems = rejected(importer, cashier, b"order_id,name,sku,quantity,price\n1,Alice,BREAD,1,4,20\n")
    assert problems == ["row 2: the row has 6 fields but the header has 5; is there a ',' in a value? "
                        "Put such values in quotes"]


# -- nasty files -------------------------------------------------------------------------------
@pytest.mark.parametrize(("data", "expected"), [
    (b"", "The order file is empty"),
    (b"  \r\n\t\n", "The order file is empty"),
    (b"\xef\xbb\xbf", "The order file is empty"),
    (b"order_id,name,sku,quantity\n", "only a header and no orders"),
    (b"order_id,name,sku,quantity\n,,,\n", "only a header and no orders"),
    (b"order_id,name,sku\n1,A,BREAD\n", "no column quantity"),
    (b"order_id,name,quantity\n1,A,1\n", "no column sku or barcode"),
    (b"order_id,name,sku,quantity,colour\n1,A,BREAD,1,red\n", "unknown column(s) 'colour'"),
    (b"order_id,name,sku,quantity,SKU\n1,A,BREAD,1,x\n", "names the column(s) sku twice"),
    (b"1001,Alice,BREAD,2\n", "The first row must be the header"),
    (b"order_id,name\x00,sku,quantity\n", "NUL byte at line 1"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8", "not UTF-8 text"),
    (b"\xff\xfeo\x00r\x00", "UTF-16"),
    (b'{"orders": [{"id": 1,\n "name": "A",\n "lines": [}]}', "not valid JSON: Expecting value at line 3, column 12"),
    (b'[{"id": 1, "name": "A"', "not valid JSON"),
    (b'{"id": 1}', 'without "orders"'),
    (b'{"orders": 5}', "must be a list [...], not a number"),
    (b'{"orders": []}', "has no orders"),
    (b"[]", "has no orders"),
    (b'[{"id": 1, "name": "A", "shipping": NaN, "lines": []}]', "NaN is not a number"),
    (b'[{"id": "1", "name": "A\x00", "lines": []}]', "NUL byte at line 1"),
    (b"[" * 100_000, "nested too deeply"),
])
def test_broken_files_say_what_to_fix(store, products, cashier, importer, data, expected):
    with pytest.raises(ImportFileError) as info:
        importer.import_orders(cashier, data)
    assert expected in str(info.value)
    assert counts(store) == (0, 0, 0)


def test_a_json_named_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "orders.json"
    path.write_text("id,name\n")
    with pytest.raises(ImportFileError, match="orders.json is not JSON"):
        parse_orders(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ImportFileError, match="Cannot read"):
        parse_orders(tmp_path / "nope.csv")


def test_wrong_types_in_json_are_named(store, products, cashier, importer):
    problems = rejected(importer, cashier, order_json(
        an_order(1.5),
        an_order(2, address=7, name=["A"]),
        an_order(3, lines=[{"sku": "BREAD", "quantity": True}, 4]),
        an_order(4, customer="Alice"),
        an_order(5, customer={"name": "Bob"}),
    ))
    assert problems == [
        "order 1: the order id 1.5 must be text or a whole number",
        "order 2 (id 2): name must be text, not a list",
        "order 2 (id 2): address must be a list of street lines or one text, not a number",
        "order 3 (id 3), line 1: quantity must be a number, not true/false",
        'order 3 (id 3), line 2: a line must be an object {"sku": ..., "quantity": ...}, not a number',
        'order 4 (id 4): customer must be an object {"name": ...}, not text',
        'order 5 (id 5): name is "Alice Example" on the order but "Bob" in customer; give one',
    ]


def test_too_large_files_and_too_many_orders_are_refused(store, products, cashier, importer, monkeypatch,
                                                        tmp_path):
    monkeypatch.setattr(order_import, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ImportFileError, match="MB can be imported at once"):
        importer.import_orders(cashier, b" " * 1001)
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(ImportFileError, match="MB can be imported at once"):
        parse_orders(path)
    monkeypatch.setattr(order_import, "MAX_FILE_BYTES", 50 * 1024 * 1024)
    monkeypatch.setattr(order_import, "MAX_ORDERS", 2)
    with pytest.raises(ImportFileError, match="more than 2 orders"):
        importer.import_orders(cashier, order_json(an_order(1), an_order(2), an_order(3)))
    with pytest.raises(ImportFileError, match="more than 2 orders"):
        importer.import_orders(cashier, b"order_id,name,sku,quantity\n1,A,BREAD,1\n2,A,BREAD,1\n3,A,BREAD,1\n")
    assert counts(store) == (0, 0, 0)


def test_the_real_limits_are_50_mb_and_100000_orders():
    assert order_import.MAX_FILE_BYTES == 50 * 1024 * 1024
    assert order_import.MAX_ORDERS == 100_000


# -- who may ------------------------------------------------------------------------------------
def test_importing_orders_needs_the_right_to_take_orders(store, products, clerk, importer):
    with pytest.raises(PermissionDenied):
        importer.import_orders(clerk, order_json(an_order(1)))
    assert counts(store) == (0, 0, 0)


def test_parse_orders_reads_amounts_in_the_currency_given():
    parsed = parse_orders(order_json(an_order(1, shipping="500")), currency="JPY", source="rakuten")
    assert parsed[0].draft.shipping_charge == 500 and parsed[0].draft.source == "rakuten"
    assert parsed[0].where() == "order 1 (id 1)" and parsed[0].where(1) == "order 1 (id 1), line 1"
